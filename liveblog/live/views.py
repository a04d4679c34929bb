"""The readers' side: the home page and the live page, complete without JavaScript."""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation

from liveblog.live import structured_data
from liveblog.live.page_cache import cached_by_position
from liveblog.live.positions import before_token, parse_before
from liveblog.models import LiveSession, Post

# “L'essentiel”: the few key posts listed at the top of the live page.
KEY_POSTS_SHOWN = 6


def home(request):
    return render(request, "liveblog/home.html", {"sessions": LiveSession.objects.on_home()})


@cached_by_position
def live_session(request, slug: str):
    session = get_object_or_404(LiveSession.objects.for_reader(), slug=slug)
    before = parse_before(request.GET.get("before"))
    published = session.posts.published()
    stream = published.for_display().newest_first()
    if before:
        stream = stream.before(before)
        pinned = []
    else:
        stream = stream.unpinned()
        pinned = list(published.pinned().for_display().newest_first())
    size = settings.LIVEBLOG_PAGE_SIZE
    posts = list(stream[: size + 1])
    older = before_token(posts[size - 1]) if len(posts) > size else None
    posts = posts[:size]
    context = {
        "session": session,
        "pinned": pinned,
        "posts": posts,
        "post_count": published.count(),
        "older": older,
        "is_older_page": before is not None,
        "first_photo": first_photo_id((pinned + posts)[:1]),
        "canonical_url": settings.SITE_URL + session.get_absolute_url(),
        "key_posts": [] if before else key_posts(session, shown=pinned + posts),
        "card": structured_data.session_share_card(session),
    }
    with translation.override(session.language):
        data = structured_data.live_blog_posting(session, pinned + posts)
        context["structured_data"] = structured_data.ld_json(data)
        return render(request, "liveblog/live.html", context)


def key_posts(session: LiveSession, shown: list[Post]) -> list[Post]:
    """The key posts, newest first, each with `link`: its anchor here, else its own page."""
    on_page = {post.pk for post in shown}
    posts = list(
        session.posts.published()
        .key_events()
        .newest_first()
        .only("id", "title", "published_at", "session_id")[:KEY_POSTS_SHOWN]
    )
    for post in posts:
        post.link = (
            f"#{post.anchor}"
            if post.pk in on_page
            else reverse("live:post", kwargs={"slug": session.slug, "pk": post.pk})
        )
    return posts


def live_post(request, slug: str, pk: int):
    """One post on a page of its own, with its own share tags: what a shared link opens."""
    session = get_object_or_404(LiveSession.objects.for_reader(), slug=slug)
    post = get_object_or_404(session.posts.published().for_display(), pk=pk)
    with translation.override(session.language):
        context = {
            "session": session,
            "post": post,
            "card": structured_data.post_share_card(post),
            "structured_data": structured_data.ld_json(structured_data.post_page_data(post)),
        }
        return render(request, "liveblog/post.html", context)


def first_photo_id(posts: list[Post]) -> int | None:
    """The photo a reader sees on opening the page, loaded at once; those below load lazily."""
    for post in posts:
        for block in post.blocks.all():
            if block.photo_id:
                return block.photo_id
    return None


def bad_request(request, exception):
    """A 400 page that says what was wrong, in the reader's language."""
    return render(request, "400.html", {"message": str(exception)}, status=400)

"""The readers' side: the home page and the live page, complete without JavaScript."""

from datetime import UTC, date, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Max, Min
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from liveblog.content.text import fold
from liveblog.domain.revisions import public_corrections
from liveblog.live import structured_data
from liveblog.live.page_cache import cached_by_position
from liveblog.live.positions import before_token, parse_before
from liveblog.models import LiveSession, Post, Rubric

# “L'essentiel”: the few key posts listed at the top of the live page.
KEY_POSTS_SHOWN = 6


def home(request):
    return render(request, "liveblog/home.html", {"sessions": LiveSession.objects.on_home()})


@cached_by_position
def live_session(request, slug: str):
    """The live page: newest (or `?order=oldest`) first, `?rubric=` to filter, paged by cursor.

    `?before=` (newest first) or `?after=` (oldest first) is the cursor of the next page;
    htmx's "load more" asks the same URL and gets only the posts and the new pager.
    """
    session = get_object_or_404(LiveSession.objects.for_reader(), slug=slug)
    oldest_first = request.GET.get("order") == "oldest"
    cursor_name = "after" if oldest_first else "before"
    cursor = parse_before(request.GET.get(cursor_name))
    published = session.posts.published()
    rubrics = rubrics_of(session)
    rubric = fold(request.GET.get("rubric", ""))[:60]
    if rubric:
        published = published.filter(rubric__key=rubric)
    stream = published.for_display()
    if oldest_first:
        stream = stream.oldest_first().after(cursor)
    else:
        stream = stream.newest_first().before(cursor)
    if cursor:
        pinned = []
    else:
        stream = stream.unpinned()
        pinned = list(published.pinned().for_display().newest_first())
    size = settings.LIVEBLOG_PAGE_SIZE
    posts = list(stream[: size + 1])
    older = before_token(posts[size - 1]) if len(posts) > size else None
    posts = posts[:size]
    mark_day_breaks(session, posts, after=cursor[0] if cursor else None)
    reading = {"order": "oldest"} if oldest_first else {}
    if rubric:
        reading["rubric"] = rubric
    context = {
        "session": session,
        "pinned": pinned,
        "posts": posts,
        "post_count": session.posts.published().count(),
        "older": older,
        "next_url": "?" + urlencode({**reading, cursor_name: older}) if older else None,
        "first_url": "?" + urlencode(reading) if reading else session.get_absolute_url(),
        "is_older_page": cursor is not None,
        "oldest_first": oldest_first,
        "rubrics": rubrics,
        "rubric": rubric,
        "several_authors": several_authors(session),
        "first_photo": first_photo_id((pinned + posts)[:1]),
        "canonical_url": settings.SITE_URL + session.get_absolute_url(),
        "key_posts": [] if cursor else key_posts(session, shown=pinned + posts),
        "card": structured_data.session_share_card(session),
    }
    if request.htmx and cursor and not request.htmx.history_restore_request:
        # "Load more": the next posts and the pager that follows them, nothing else.
        response = render(request, "liveblog/live.html#more", context)
    else:
        with translation.override(session.language):
            data = structured_data.live_blog_posting(session, pinned + posts)
            context["structured_data"] = structured_data.ld_json(data)
            response = render(request, "liveblog/live.html", context)
    # One URL, two answers (the page, or htmx's fragment): caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def rubrics_of(session: LiveSession) -> list[Rubric]:
    """The rubrics of the session's published posts, for the reader's filter."""
    used = session.posts.published().exclude(rubric=None).values("rubric")
    return list(Rubric.objects.filter(pk__in=used).order_by("key"))


def several_authors(session: LiveSession) -> bool:
    """Bylines are shown when more than one person wrote the live's posts."""
    authors = session.posts.published().order_by().values("author").distinct()
    return len(authors[:2]) > 1


def mark_day_breaks(session: LiveSession, posts: list[Post], after: datetime | None) -> None:
    """Sets `post.day_break` on each post that starts a new day, when the live spans several.

    `after` is the cursor's time on a following page: its first post starts a day only if
    that day differs from the cursor's.
    """
    span = session.posts.published().aggregate(first=Min("published_at"), last=Max("published_at"))
    if not span["first"] or utc_day(span["first"]) == utc_day(span["last"]):
        return
    previous = utc_day(after) if after else None
    for post in posts:
        day = utc_day(post.published_at)
        post.day_break = day if day != previous else None
        previous = day


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


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
            "corrections": public_corrections(post),
            "several_authors": several_authors(session),
            # The post's first photo is this page's largest paint: never lazy.
            "first_photo": first_photo_id([post]),
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

"""The desk's timeline: a compact list of a live's posts, beside the composer.

One line per post (time, rubric, title, status, author, a small thumbnail), the post
itself one click away (expanded in place). Filters and search are plain GET
parameters, so the same links work with htmx and without JavaScript:
`?show=drafts|scheduled|published|mine|deleted&rubric=<id>&q=<words>&before=<post id>`.
"""

from dataclasses import dataclass
from urllib.parse import urlencode, urlparse

from django.db.models import Count, F, Q
from django.http import QueryDict
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import pgettext

from liveblog.domain.roles import is_contributor, is_editor
from liveblog.models import Block, LiveSession, Post, Rubric

# The desk redraws its timeline on every event of the session: it holds this many posts,
# then "older". At one line a post, 50 fit in under three screens at 1280x800.
DESK_TIMELINE_SIZE = 50
# Drafts and scheduled posts above the published ones, in the unfiltered view.
PENDING_SHOWN = 20
SHOWS = ("all", "drafts", "scheduled", "published", "mine", "deleted")
SEARCH_LENGTH = 100
THUMBNAIL_WIDTH = 320


@dataclass(frozen=True)
class Filters:
    show: str = "all"
    rubric: int | None = None
    q: str = ""
    before: int | None = None

    @classmethod
    def from_query(cls, query: QueryDict, *, editor: bool) -> "Filters":
        show = query.get("show", "all")
        if show not in SHOWS or (show == "deleted" and not editor):
            show = "all"
        rubric = query.get("rubric", "")
        before = query.get("before", "")
        return cls(
            show=show,
            rubric=int(rubric) if rubric.isdigit() else None,
            q=" ".join(query.get("q", "").split())[:SEARCH_LENGTH],
            before=int(before) if before.isdigit() else None,
        )

    @classmethod
    def of_request(cls, request) -> "Filters":
        """From the query string; for an htmx post (the composer), from the page's address."""
        query = request.GET
        if request.method != "GET" and request.htmx and request.htmx.current_url:
            query = QueryDict(urlparse(request.htmx.current_url).query)
        return cls.from_query(query, editor=is_editor(request.user))

    @property
    def is_default(self) -> bool:
        return self == Filters()

    def query(self, **changes) -> str:
        """This view's query string with some parameters changed ("" for the default view)."""
        values = {"show": self.show, "rubric": self.rubric, "q": self.q, "before": None}
        values |= changes
        params = {
            key: value for key, value in values.items() if value and (key, value) != ("show", "all")
        }
        return f"?{urlencode(params)}" if params else "?"


def timeline(session: LiveSession, user, filters: Filters | None = None) -> dict:
    """What the timeline shows for this person and these filters."""
    filters = filters or Filters()
    editor = is_editor(user)
    posts = matching(session.posts.for_display().select_related("session"), filters)
    if not editor:
        # Journalists and contributors see published posts, and of the rest their own only.
        posts = posts.filter(Q(status=Post.Status.PUBLISHED) | Q(author=user))
    if not editor or filters.show != "deleted":
        posts = posts.exclude(status=Post.Status.DELETED)
    pending = []
    if filters.show == "all":
        pending = with_summaries(
            posts.pending().order_by(F("published_at").asc(nulls_last=True), "-created_at")[
                :PENDING_SHOWN
            ]
        )
        listed = posts.published()
    else:
        listed = shown(posts, filters.show, user)
    listed = listed.order_by(F("published_at").desc(nulls_first=True), "-id")
    if filters.before and (cursor := session.posts.filter(pk=filters.before).first()):
        listed = listed.filter(after_in_order(cursor))
    page = with_summaries(listed[: DESK_TIMELINE_SIZE + 1])
    older = page[DESK_TIMELINE_SIZE - 1].pk if len(page) > DESK_TIMELINE_SIZE else None
    return {
        "session": session,
        "is_editor": editor,
        "is_contributor": is_contributor(user),
        "filters": filters,
        "pending": pending,
        "listed": page[:DESK_TIMELINE_SIZE],
        "older_query": filters.query(before=older) if older else "",
        "shows": show_links(filters, counts(session, user, editor), editor),
        "rubric_choices": rubric_choices(session),
    }


def show_links(filters: Filters, counted: dict, editor: bool) -> list[dict]:
    labels = {
        "all": pgettext("timeline filter", "All"),
        "drafts": pgettext("timeline filter", "Drafts"),
        "scheduled": pgettext("timeline filter", "Scheduled"),
        "published": pgettext("timeline filter", "Published"),
        "mine": pgettext("timeline filter", "Mine"),
        "deleted": pgettext("timeline filter", "Deleted"),
    }
    return [
        {
            "show": show,
            "label": label,
            "count": counted.get(show),
            "query": filters.query(show=show),
            "current": filters.show == show,
        }
        for show, label in labels.items()
        if show != "deleted" or editor
    ]


def shown(posts, show: str, user):
    return {
        "drafts": lambda: posts.filter(status=Post.Status.DRAFT),
        "scheduled": lambda: posts.filter(status=Post.Status.SCHEDULED),
        "published": lambda: posts.published(),
        "mine": lambda: posts.filter(author=user),
        "deleted": lambda: posts.deleted(),
    }[show]()


def matching(posts, filters: Filters):
    if filters.rubric:
        posts = posts.filter(rubric_id=filters.rubric)
    for word in filters.q.split():
        # One word may be in the title, another in a paragraph: each must be somewhere.
        in_blocks = Block.objects.filter(
            Q(text__icontains=word) | Q(attribution__icontains=word) | Q(link_title__icontains=word)
        ).values("post_id")
        posts = posts.filter(Q(title__icontains=word) | Q(pk__in=in_blocks))
    return posts


def after_in_order(cursor: Post) -> Q:
    """Posts after `cursor` in the timeline's order (newest first, posts with no time on top)."""
    if cursor.published_at is None:
        return Q(published_at__isnull=True, id__lt=cursor.pk) | Q(published_at__isnull=False)
    return Q(published_at__lt=cursor.published_at) | Q(
        published_at=cursor.published_at, id__lt=cursor.pk
    )


def counts(session: LiveSession, user, editor: bool) -> dict:
    own_or_all = Q() if editor else Q(author=user)
    return session.posts.aggregate(
        drafts=Count("pk", filter=Q(status=Post.Status.DRAFT) & own_or_all),
        scheduled=Count("pk", filter=Q(status=Post.Status.SCHEDULED) & own_or_all),
        published=Count("pk", filter=Q(status=Post.Status.PUBLISHED)),
        mine=Count("pk", filter=Q(author=user) & ~Q(status=Post.Status.DELETED)),
        deleted=Count("pk", filter=Q(status=Post.Status.DELETED)),
    )


def rubric_choices(session: LiveSession):
    """The rubrics offered in this live and those its posts carry."""
    used = Q(live_sessions=session) | Q(posts__session=session)
    return Rubric.objects.filter(used).distinct().order_by("key")


def with_summaries(posts) -> list[Post]:
    """Each post with what its one line needs: a title (or its first words), a thumbnail."""
    posts = list(posts)
    for post in posts:
        blocks = list(post.blocks.all())
        post.desk_title = post.title or first_words(blocks)
        post.desk_thumbnail = thumbnail(blocks)
    return posts


def first_words(blocks) -> str:
    for block in blocks:
        if block.kind in (Block.Kind.PARAGRAPH, Block.Kind.QUOTE) and block.text:
            return Truncator(strip_tags(block.text)).chars(90)
        if block.kind == Block.Kind.LINK and block.link_title:
            return block.link_title
    return ""


def thumbnail(blocks) -> str:
    """The address of the post's first photo at its smallest size, or ""."""
    for block in blocks:
        if block.kind == Block.Kind.PHOTO and block.photo:
            renditions = [r for r in block.photo.renditions.all() if r.format == "jpeg"]
            if renditions:
                return min(renditions, key=lambda rendition: rendition.width).file.url
            return block.photo.image.url
    return ""

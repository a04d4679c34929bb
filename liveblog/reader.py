"""The readers' side: the home page and the live page, complete without JavaScript."""

import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liveblog.models import LiveSession, Post

RECENT_ENDED = timedelta(days=30)
BEFORE = re.compile(r"^(\d{1,17})-(\d{1,18})$")


def home(request):
    recent = timezone.now() - RECENT_ENDED
    sessions = (
        LiveSession.objects.listed()
        .exclude(status=LiveSession.Status.ENDED, ended_at__lt=recent)
        .select_related("lead_photo__credit")
    )
    return render(request, "liveblog/home.html", {"sessions": sessions})


def live_session(request, slug: str):
    session = get_object_or_404(LiveSession.objects.select_related("lead_photo__credit"), slug=slug)
    before = parse_before(request.GET.get("before"))
    published = session.posts.published()
    stream = published.for_display().newest_first()
    if before:
        moment, post_id = before
        stream = stream.filter(Q(published_at__lt=moment) | Q(published_at=moment, id__lt=post_id))
        pinned = []
    else:
        stream = stream.filter(pinned=False)
        pinned = list(published.filter(pinned=True).for_display().newest_first())
    size = settings.LIVEBLOG_PAGE_SIZE
    posts = list(stream[: size + 1])
    older = before_token(posts[size - 1]) if len(posts) > size else None
    context = {
        "session": session,
        "pinned": pinned,
        "posts": posts[:size],
        "post_count": published.count(),
        "older": older,
        "is_older_page": before is not None,
        "canonical_url": settings.SITE_URL + session.get_absolute_url(),
    }
    with translation.override(session.language):
        return render(request, "liveblog/live.html", context)


def before_token(post: Post) -> str:
    """The `?before=` key of the page after `post`: its time (µs since epoch) and id."""
    micros = int(post.published_at.timestamp()) * 1_000_000 + post.published_at.microsecond
    return f"{micros}-{post.pk}"


def parse_before(value: str | None) -> tuple[datetime, int] | None:
    if value is None:
        return None
    match = BEFORE.match(value)
    if not match:
        raise BadRequest(_("This link to older posts is malformed."))
    micros, post_id = (int(group) for group in match.groups())
    try:
        moment = datetime.fromtimestamp(micros // 1_000_000, tz=UTC).replace(
            microsecond=micros % 1_000_000
        )
    except (OverflowError, OSError, ValueError) as error:
        raise BadRequest(_("This link to older posts is malformed.")) from error
    return moment, post_id


def bad_request(request, exception):
    """A 400 page that says what was wrong, in the reader's language."""
    return render(request, "400.html", {"message": str(exception)}, status=400)

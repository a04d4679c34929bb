"""The live page, rendered once per event for all its readers.

A rendered live page is kept in the cache under its session's position in the event log
(`last_seq`). Every change a reader can see records an event in the same transaction
(liveblog.domain.events), which moves `last_seq`, so the next request looks under a new key and
renders afresh: no change has to know about this cache. A reader's request costs one
small query (the session's position) while nothing happens; a big news night's
thousands of page loads between two posts share one rendering.

The timeout only bounds what a change made outside the event log (a fix in the database
by hand) could leave stale. Older pages (`?before=`) are cached only at the positions the
app links to, so made-up positions cannot fill the cache (on the Redis that also carries
the channel layer). An unreachable cache (Redis down) is a miss: the page is
rendered from the database (liveblog.resilient_cache).
"""

from functools import wraps

from django.conf import settings
from django.utils import translation

from liveblog.live.positions import is_linked_position
from liveblog.models import Branding, LiveSession
from liveblog.resilient_cache import ResilientCache

cache = ResilientCache("the live page")


def cached_by_position(view):
    """Wrap the live page view (`view(request, slug)`) with the cache described above."""

    @wraps(view)
    def cached_view(request, slug: str):
        seconds = settings.LIVEBLOG_PAGE_CACHE_SECONDS
        # Each way of reading the page (cursor, order, rubric, language, htmx's "load more")
        # is its own rendering; anything longer than a real value is not worth keeping.
        variant = page_variant(request.GET, htmx=bool(getattr(request, "htmx", False)))
        if not seconds or request.method not in ("GET", "HEAD") or len(variant) > 160:
            return view(request, slug)
        position = (
            LiveSession.objects.filter(slug=slug)
            .values_list("pk", "created_at", "last_seq")
            .first()
        )
        if position is None:
            return view(request, slug)
        for name in ("before", "after"):
            token = request.GET.get(name)
            if token and not is_linked_position(position[0], token):
                return view(request, slug)
        key = page_key(*position, variant)
        response = cache.get(key)
        if response is None:
            response = view(request, slug)
            if response.status_code == 200:
                cache.set(key, response, seconds)
        return response

    return cached_view


def page_key(session_id: int, created_at, last_seq: int, variant: str) -> str:
    # created_at tells apart two sessions that got the same id (a test database reused).
    return f"live-page:{session_id}:{created_at.timestamp():.6f}:{last_seq}:{variant}"


def page_variant(query, *, htmx: bool = False) -> str:
    """What tells two renderings of one position apart: the reader's way through the page
    (cursor, order, rubric), the language, the branding and htmx's "load more" fragment."""
    return "|".join(
        [
            *(query.get(name, "") for name in ("before", "after", "order", "rubric")),
            translation.get_language() or "",
            Branding.current().version,
            "htmx" if htmx else "",
        ]
    )

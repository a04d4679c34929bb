"""The live page, rendered once per event for all its readers.

A rendered live page is kept in the cache under its session's position in the event log
(`last_seq`). Every change a reader can see records an event in the same transaction
(liveblog.domain.events), which moves `last_seq`, so the next request looks under a new key and
renders afresh: no change has to know about this cache. A reader's request costs one
small query (the session's position) while nothing happens; a big news night's
thousands of page loads between two posts share one rendering.

The timeout only bounds what a change made outside the event log (a fix in the database
by hand) could leave stale.
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache

from liveblog.models import LiveSession


def cached_by_position(view):
    """Wrap the live page view (`view(request, slug)`) with the cache described above."""

    @wraps(view)
    def cached_view(request, slug: str):
        seconds = settings.LIVEBLOG_PAGE_CACHE_SECONDS
        before = request.GET.get("before", "")
        if not seconds or request.method not in ("GET", "HEAD") or len(before) > 40:
            return view(request, slug)
        # Already read for the page's ETag (liveblog.live.http_cache), when it was.
        position = getattr(request, "live_position", None) or (
            LiveSession.objects.filter(slug=slug)
            .values_list("pk", "created_at", "last_seq")
            .first()
        )
        if position is None:
            return view(request, slug)
        key = page_key(*position, before)
        response = cache.get(key)
        if response is None:
            response = view(request, slug)
            if response.status_code == 200:
                cache.set(key, response, seconds)
        return response

    return cached_view


def page_key(session_id: int, created_at, last_seq: int, before: str) -> str:
    # created_at tells apart two sessions that got the same id (a test database reused).
    return f"live-page:{session_id}:{created_at.timestamp():.6f}:{last_seq}:{before}"

"""The live page, rendered once per event for all its readers.

A rendered live page is kept in the cache under its session's position in the event log
(`last_seq`). Every change a reader can see records an event in the same transaction
(liveblog.domain.events), which moves `last_seq`, so the next request looks under a new key and
renders afresh: no change has to know about this cache. A reader's request costs one
small query (the session's position) while nothing happens; a big news night's
thousands of page loads between two posts share one rendering. That query was the whole
difference between this page and a trivial view on one process (issue 15, measured: with
the position fixed instead, the page served 93-96% of robots.txt's rate; with it, 52-68%).
On PostgreSQL the process now knows the position while it hears every change of it
(liveblog.live.positions_memo, LISTEN/NOTIFY), and asks only when it does not: what makes a
withdrawn post leave every page at once is still the position, read or heard.

What is kept is the page's bytes, its gzipped bytes and the view's headers (`StoredPage`),
compressed once when the position is rendered rather than on each of its thousands of
requests (liveblog.live.http_cache.CompressText sends that copy to readers who accept gzip).
The process keeps the few latest stored pages too (`recent`), under the same keys: a key
names one position, read from the database or heard from it (above), so a copy can
never outlive the event that replaced it, and it spares each request a round trip to Redis.

The timeout only bounds what a change made outside the event log (a fix in the database
by hand) could leave stale. Older pages (`?before=`) are cached only at the positions the
app links to, so made-up positions cannot fill the cache (on the Redis that also carries
the channel layer). An unreachable cache (Redis down) is a miss: the page is
rendered from the database (liveblog.resilient_cache).
"""

import gzip
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
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
        # Already read for the page's ETag (liveblog.live.http_cache), when it was.
        position = getattr(request, "live_position", None) or (
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
        page = recent.get(key)
        if page is None:
            page = cache.get(key)
            if not isinstance(page, StoredPage):
                response = view(request, slug)
                if not storable(response):
                    return response
                page = StoredPage.of(response)
                cache.set(key, page, seconds)
            recent.keep(key, page, seconds)
        return page.response()

    return cached_view


@dataclass(frozen=True)
class StoredPage:
    """One rendering of a live page, as every reader of its position gets it.

    Its gzipped copy is made once, here, without the random padding Django's gzip adds to
    each answer against BREACH: that attack needs a secret in the body next to what the
    attacker puts in the URL, and this body has none. It is one page shared by every
    reader, rendered without a CSRF token, a session or anything of the person asking
    (`storable` refuses an answer that sets a cookie, tests/live/test_page_speed.py checks
    the body); an attacker who reads it compressed learns what anyone can read plainly."""

    content: bytes
    compressed: bytes
    headers: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, response: HttpResponse) -> "StoredPage":
        content = response.content
        # mtime=0: the same bytes for the same page, whichever process compressed it.
        compressed = gzip.compress(content, compresslevel=6, mtime=0)
        return cls(content, compressed, tuple(response.items()))

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, headers=dict(self.headers))
        response.compressed_content = self.compressed
        return response


def storable(response) -> bool:
    """A complete page for everyone: nothing streamed, nothing of one reader (a cookie)."""
    return response.status_code == 200 and not response.streaming and not response.cookies


class RecentPages:
    """The latest stored pages of this process, under the shared cache's keys, each for
    no longer than it is kept there. A few are enough: the newest position of each live
    and way of reading it takes nearly every request."""

    def __init__(self, size: int = 32):
        self.size = size
        self._pages: OrderedDict[str, tuple[float, StoredPage]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> StoredPage | None:
        kept = self._pages.get(key)
        if kept is None or kept[0] <= time.monotonic():
            return None
        return kept[1]

    def keep(self, key: str, page: StoredPage, seconds: float) -> None:
        with self._lock:
            self._pages[key] = (time.monotonic() + seconds, page)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def forget(self) -> None:
        """Between tests, whose databases give the same ids again."""
        with self._lock:
            self._pages.clear()


recent = RecentPages()


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

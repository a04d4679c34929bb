"""HTTP caching of the readers' pages, feeds and API, in a shape a CDN and a browser can use.

Every change a reader can see records an event in its own transaction and so moves its
live's position in the event log (`last_seq`; liveblog.domain.events). The live's id and
position therefore name one version of everything public about it: that is the ETag, and
the time of its last event is Last-Modified. A conditional request costs one small query
and gets its 304 before anything is rendered. The list of lives (home page, API) is named
by the count, positions and last save of the lives it shows.

Each URL gets a short shared lifetime (`s-maxage`) and may be served a little stale while
the CDN revalidates (`stale-while-revalidate`): the live page's websocket or polling
catches up from the position the page carries, so a page a few seconds old loses nothing.
Anything sent to someone signed in (a session cookie) is never stored by anyone else.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache, wraps

from django.conf import settings
from django.db.models import Count, Max, OuterRef, Subquery, Sum
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date
from django.utils.translation import get_language

from liveblog.models import Branding, Event, LiveSession


@dataclass(frozen=True)
class Lifetime:
    """Seconds: in the reader's browser, in shared caches, and served stale while refetched."""

    browser: int
    shared: int
    stale: int


# The live page, its embed, its catch-up and its posts in the API: a new post every minute.
LIVE = Lifetime(browser=0, shared=5, stale=30)
# Catch-up, polled every few seconds by each reader without a websocket: one answer per
# position serves them all, in the browser too.
# Never served stale: a withdrawn post's words must leave every cache within 3 s.
CATCH_UP = Lifetime(browser=3, shared=3, stale=0)
# A post's own page and the feeds: read by shares and feed readers, seldom edited.
POST = Lifetime(browser=0, shared=30, stale=60)
FEED = Lifetime(browser=60, shared=60, stale=300)
# The API's description and robots.txt: change with a deploy only.
DEPLOYED = Lifetime(browser=3600, shared=3600, stale=86400)
API_DESCRIPTION = DEPLOYED
# The sitemap: crawlers come every few minutes; a new post may wait a minute for them.
SITEMAP = Lifetime(browser=0, shared=60, stale=300)
# The list of lives: changes when a live is created, starts or ends.
LIVES = Lifetime(browser=0, shared=30, stale=60)


def live_version(request, slug: str, **_kwargs) -> tuple[str, datetime] | None:
    """The version of one live (ETag value, last change), or None if there is no such live.

    Its position is left on the request for the live page's cache (liveblog.live.page_cache),
    so a reader's request still costs one query."""
    last_event_at = Event.objects.filter(session=OuterRef("pk"), seq=OuterRef("last_seq"))
    row = (
        LiveSession.objects.filter(slug=slug)
        .annotate(last_event_at=Subquery(last_event_at.values("created_at")[:1]))
        .values_list("pk", "created_at", "last_seq", "last_event_at")
        .first()
    )
    if row is None:
        return None
    pk, created_at, last_seq, last_event_at = row
    request.live_position = (pk, created_at, last_seq)
    # created_at tells apart two lives that got the same id (a database restored or reused).
    return f"{pk}.{created_at.timestamp():.6f}.{last_seq}", last_event_at or created_at


def lives_version(request, **_kwargs) -> tuple[str, datetime] | None:
    """The version of the list of lives on the home page and in the API."""
    listed = LiveSession.objects.on_home().order_by()
    summary = listed.aggregate(count=Count("pk"), seq=Sum("last_seq"), saved=Max("updated_at"))
    if not summary["count"]:
        return None
    saved = summary["saved"]
    return f"{summary['count']}.{summary['seq']}.{saved.timestamp():.6f}", saved


def release_version(request, **_kwargs) -> tuple[str, datetime | None]:
    """What changes only with a deploy (the API's description, robots.txt)."""
    return "release", None


def validated(version, lifetime: Lifetime, *, in_reader_language: bool = False):
    """Wrap a public view with validators, 304 answers and the Cache-Control of `lifetime`.

    `version(request, **view_kwargs)` names what the view would show (see above); None leaves the
    request to the view (a 404, say). A view `in_reader_language` (the home page) shows the
    language of the reader's browser or of the switcher's cookie: its answers vary with both.
    Every other one is the same in every language (a live's pages follow the live's), and
    says so, so that a shared cache keeps one copy (liveblog.i18n.LocaleMiddleware)."""

    def decorator(view):
        @wraps(view)
        def validated_view(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            current = version(request, **kwargs)
            if current is None:
                return view(request, *args, **kwargs)
            value, changed_at = current
            # The language of a page in the reader's; and the branding, which an admin
            # changes without any event (the page cache keys on it too).
            language = get_language() if in_reader_language else "any"
            branding = Branding.current().version
            etag = f'W/"{release()}.{language}.{branding}.{value}"'
            last_modified = int(changed_at.timestamp()) if changed_at else None
            response = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if response is None:
                response = view(request, *args, **kwargs)
            if response.status_code in (200, 304):
                response["ETag"] = etag
                if last_modified:
                    response["Last-Modified"] = http_date(last_modified)
                if in_reader_language:
                    patch_vary_headers(response, ("Accept-Language", "Cookie"))
                else:
                    response.same_in_every_language = True
                extra = {"stale_while_revalidate": lifetime.stale} if lifetime.stale else {}
                patch_cache_control(
                    response,
                    public=True,
                    max_age=lifetime.browser,
                    s_maxage=lifetime.shared,
                    **extra,
                )
            return response

        return validated_view

    return decorator


@cache
def release() -> str:
    """What this deploy renders with: after an upgrade, no cache keeps the old pages as current.

    The templates and the static files' manifest (their hashed names) decide the HTML, so
    every process of one deploy agrees, and the next deploy's ETags differ."""
    digest = hashlib.sha256()
    roots = [settings.BASE_DIR / "templates", settings.BASE_DIR / "liveblog"]
    for path in sorted(p for root in roots for p in root.rglob("*") if p.suffix in TEMPLATES):
        digest.update(path.read_bytes())
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:10]


TEMPLATES = {".html", ".xml", ".txt", ".py"}


class PrivateWhenSignedIn:
    """Middleware: what a signed-in person (or anyone given a cookie) is sent, no one else
    stores. The desk and the admin are never in a shared cache, nor a reader's page seen by
    a journalist."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES or response.cookies:
            if "Cache-Control" in response:
                del response["Cache-Control"]
            add_never_cache_headers(response)
        return response


class CompressText(GZipMiddleware):
    """gzip for HTML, JSON, feeds and other text; images and archives go as they are.
    (Django's middleware pads each response with random bytes against BREACH.)"""

    def process_response(self, request, response):
        kind = response.get("Content-Type", "").split(";")[0].strip()
        if not (kind.startswith("text/") or kind in COMPRESSED_KINDS):
            return response
        return super().process_response(request, response)


COMPRESSED_KINDS = {
    "application/json",
    "application/atom+xml",
    "application/rss+xml",
    "application/xml",
    "application/javascript",
    "image/svg+xml",
}

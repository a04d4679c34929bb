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
from datetime import UTC, datetime
from functools import cache, wraps

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Sum
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.translation import get_language

from liveblog.live import positions_memo
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
    so a reader's request costs one query at most: none on PostgreSQL while the process
    hears every change of position (liveblog.live.positions_memo)."""
    row = positions_memo.position(slug, live_position_row)
    if row is None:
        return None
    pk, created_at, last_seq, last_event_at = row
    request.live_position = (pk, created_at, last_seq)
    # created_at tells apart two lives that got the same id (a database restored or reused).
    return f"{pk}.{created_at.timestamp():.6f}.{last_seq}", last_event_at or created_at


def live_position_row(slug: str) -> tuple[int, datetime, int, datetime | None] | None:
    """The live's id, creation time, position and the time of the event at that position.

    Asked of the database on every request to a live's public URLs that the process's memo
    cannot answer (always on SQLite), in SQL written once:
    the ORM built this query (a subquery on the events) in about 1.2 ms of CPU each time,
    three times what the round trip to PostgreSQL costs (measured, issue 15)."""
    with connection.cursor() as cursor:
        cursor.execute(live_position_sql(), [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, created_at, last_seq, last_event_at = row
    return pk, as_datetime(created_at), last_seq, as_datetime(last_event_at)


@cache
def live_position_sql() -> str:
    session, event = LiveSession._meta, Event._meta

    def column(meta, name: str) -> str:
        return connection.ops.quote_name(meta.get_field(name).column)

    return (
        f"SELECT s.{column(session, 'id')}, s.{column(session, 'created_at')}, "
        f"s.{column(session, 'last_seq')}, "
        f"(SELECT e.{column(event, 'created_at')} FROM {connection.ops.quote_name(event.db_table)} e"
        f" WHERE e.{column(event, 'session')} = s.{column(session, 'id')}"
        f" AND e.{column(event, 'seq')} = s.{column(session, 'last_seq')})"
        f" FROM {connection.ops.quote_name(session.db_table)} s"
        f" WHERE s.{column(session, 'slug')} = %s"
    )


def as_datetime(value) -> datetime | None:
    """A time as the database driver gave it: PostgreSQL's aware datetimes, or SQLite's text
    in UTC (what the ORM's converters would do for the two backends the app runs on)."""
    if value is None or (isinstance(value, datetime) and value.tzinfo is not None):
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC)


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
    (Django's middleware pads each response with random bytes against BREACH.)

    An answer that comes with its `compressed_content` already (the live page, gzipped once
    per position: liveblog.live.page_cache.StoredPage) is sent that copy: compressing 50 KB
    took about 0.4 ms of each request's few."""

    def process_response(self, request, response):
        kind = response.get("Content-Type", "").split(";")[0].strip()
        if not (kind.startswith("text/") or kind in COMPRESSED_KINDS):
            return response
        compressed = getattr(response, "compressed_content", None)
        if compressed is None or response.has_header("Content-Encoding"):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Encoding",))
        if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response.content = compressed
            response.headers["Content-Length"] = str(len(compressed))
            response.headers["Content-Encoding"] = "gzip"
            etag = response.get("ETag")
            if etag and etag.startswith('"'):
                response.headers["ETag"] = "W/" + etag
        return response


COMPRESSED_KINDS = {
    "application/json",
    "application/atom+xml",
    "application/rss+xml",
    "application/xml",
    "application/javascript",
    "image/svg+xml",
}

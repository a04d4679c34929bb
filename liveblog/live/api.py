"""The public read-only JSON API: a live session and its posts, for apps and partners.

Posts come newest first, a page at a time, paginated by key (`?before=` is the
time and id of the last post seen, as on the live page), never by offset: a
post published while a client pages cannot shift what it sees next.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from liveblog.live import structured_data
from liveblog.live.positions import before_token, parse_before
from liveblog.live.views import bad_request
from liveblog.models import Block, LiveSession, Photo, Post

MAX_LIMIT = 100
METHODS = ("GET", "HEAD", "OPTIONS")
# Headers a browser script may send (validators) and read (validators and lifetime).
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": ", ".join(METHODS),
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Cache-Control",
}
# A browser may keep the preflight's answer a day: it never changes.
PREFLIGHT_SECONDS = 86400


def api_response(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Public, read-only and cookie-free: any site's script may read it.
    with_cors(response)
    return response


def with_cors(response) -> None:
    for name, value in CORS_HEADERS.items():
        response[name] = value


def api_error(message: str, status: int, code: str) -> JsonResponse:
    """An error as a program reads it: `code` is stable (see /api/openapi.json), `error` is
    the message for a person, in the language asked for."""
    return api_response({"error": message, "code": code}, status=status)


def api_view(view):
    """Read-only, open to every site's scripts (CORS, preflight), and every refusal in JSON."""

    @csrf_exempt
    @wraps(view)
    def api_view_(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            with_cors(response)
            response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
            response["Allow"] = ", ".join(METHODS)
            return response
        if request.method not in METHODS:
            response = api_error(_("This API is read-only: use GET."), 405, "method_not_allowed")
            response["Allow"] = ", ".join(METHODS)
            return response
        try:
            return view(request, *args, **kwargs)
        except BadRequest as error:
            return api_error(str(error), 400, "invalid_parameter")
        except PermissionDenied:
            return api_error(_("You may not read this."), 403, "forbidden")
        except NoSuchLive:
            return api_error(_("No live session has this address."), 404, "not_found")
        except Http404:
            return api_error(_("Nothing in the API has this address."), 404, "not_found")

    return api_view_


@csrf_exempt
def unknown(request, path: str = ""):
    """Anything else under /api/: a JSON 404 whatever the method, never a page or a 403."""
    return api_error(_("Nothing in the API has this address."), 404, "not_found")


def is_api(request) -> bool:
    return request.path.startswith("/api/")


# Django's error handlers (newsroom.urls): JSON under /api/, the usual pages elsewhere.
def error_400(request, exception):
    if is_api(request):
        return api_error(_("This request is malformed."), 400, "bad_request")
    return bad_request(request, exception)


def error_403(request, exception):
    if is_api(request):
        return api_error(_("You may not read this."), 403, "forbidden")
    return defaults.permission_denied(request, exception)


def error_404(request, exception):
    if is_api(request):
        return api_error(_("Nothing in the API has this address."), 404, "not_found")
    return defaults.page_not_found(request, exception)


def error_500(request):
    if is_api(request):
        return api_error(_("The server failed; try again in a moment."), 500, "server_error")
    return defaults.server_error(request)


@api_view
def sessions(request):
    """The lives the home page lists: live, scheduled, recently ended."""
    listed = LiveSession.objects.on_home()
    return api_response({"sessions": [session_data(session) for session in listed]})


@api_view
def session_detail(request, slug: str):
    session = find_session(slug)
    data = session_data(session)
    data["post_count"] = session.posts.published().count()
    return api_response(data)


@api_view
def session_posts(request, slug: str):
    session = find_session(slug)
    before = parse_before(request.GET.get("before"))
    limit = parse_limit(request.GET.get("limit"))
    posts = session.posts.published().for_display().newest_first().before(before)
    page = list(posts[: limit + 1])
    next_url = None
    if len(page) > limit:
        query = f"?before={before_token(page[limit - 1])}"
        if request.GET.get("limit"):
            query += f"&limit={limit}"
        next_url = structured_data.absolute(request.path + query)
    return api_response({"posts": [post_data(post) for post in page[:limit]], "next": next_url})


class NoSuchLive(Http404):
    pass


def find_session(slug: str) -> LiveSession:
    session = LiveSession.objects.for_reader().filter(slug=slug).first()
    if session is None:
        raise NoSuchLive(slug)
    return session


def parse_limit(value: str | None) -> int:
    if value is None:
        return settings.LIVEBLOG_PAGE_SIZE
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise BadRequest(
            _("The limit must be a whole number from 1 to %(max)s.") % {"max": MAX_LIMIT}
        )
    return int(value)


def moment(value):
    return value.isoformat() if value else None


def session_data(session: LiveSession) -> dict:
    return {
        "slug": session.slug,
        "url": structured_data.session_url(session),
        "headline": session.headline,
        "standfirst": session.standfirst,
        "summary": session.summary_points,
        "language": session.language,
        "status": session.status,
        "scheduled_for": moment(session.scheduled_for),
        "started_at": moment(session.started_at),
        "ended_at": moment(session.ended_at),
        "lead_photo": photo_data(session.lead_photo) if session.lead_photo else None,
        "credits": session.credits,
        "last_seq": session.last_seq,
        "posts": structured_data.absolute(
            reverse("api:session-posts", kwargs={"slug": session.slug})
        ),
        "feeds": {
            "atom": structured_data.absolute(
                reverse("live:feed-atom", kwargs={"slug": session.slug})
            ),
            "rss": structured_data.absolute(
                reverse("live:feed-rss", kwargs={"slug": session.slug})
            ),
        },
    }


def post_data(post: Post) -> dict:
    return {
        "id": post.pk,
        "url": structured_data.post_page_url(post),
        "anchor": f"{structured_data.session_url(post.session)}#{post.anchor}",
        "title": post.title,
        "rubric": post.rubric.name if post.rubric else None,
        "published_at": moment(post.published_at),
        "edited_at": moment(post.edited_at),
        "correction": post.correction or None,
        "version": post.version,
        "pinned": post.pinned,
        "key_event": post.key_event,
        "author": post.author.get_full_name() or None,
        "text": structured_data.post_text(post),
        "blocks": [block_data(block) for block in post.blocks.all()],
    }


def block_data(block: Block) -> dict:
    if block.kind == Block.Kind.PARAGRAPH:
        return {"kind": "paragraph", "html": block.text}
    if block.kind == Block.Kind.PHOTO:
        return {"kind": "photo", **photo_data(block.photo)}
    if block.kind == Block.Kind.QUOTE:
        return {"kind": "quote", "text": block.text, "attribution": block.attribution}
    card = block.shown_card
    if block.kind == Block.Kind.EMBED:
        embed = block.embed
        return {
            "kind": "embed",
            "url": embed.url,
            "provider": embed.provider,
            "text": block.text,
            "author": block.attribution or None,
            "published_at": moment(card.published_at) if card else None,
            "thumbnail": card_image(card),
        }
    return {
        "kind": "link",
        "url": block.url,
        "link_kind": block.link_kind,
        "title": block.link_title,
        "description": block.text,
        "site_name": card.site_name if card else block.host,
        "image": card_image(card),
    }


def card_image(card) -> str | None:
    """Our copy of the card's image (never the provider's address), or None."""
    return structured_data.absolute(card.image.url) if card and card.image else None


def photo_data(photo: Photo) -> dict:
    return {
        "url": structured_data.photo_url(photo),
        "width": photo.width,
        "height": photo.height,
        "alt": photo.alt_text,
        "caption": photo.caption,
        "credit": photo.credit.label if photo.credit else None,
    }

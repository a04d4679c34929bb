"""The public read-only JSON API: a live session and its posts, for apps and partners.

Posts come newest first, a page at a time, paginated by key (`?before=` is the
time and id of the last post seen, as on the live page), never by offset: a
post published while a client pages cannot shift what it sees next.
"""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from liveblog.live import structured_data
from liveblog.live.views import before_token, parse_before
from liveblog.models import Block, LiveSession, Photo, Post

MAX_LIMIT = 100


def api_response(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Public, read-only and cookie-free: any site's script may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def api_error(message: str, status: int) -> JsonResponse:
    return api_response({"error": message}, status=status)


def sessions(request):
    """The lives the home page lists: live, scheduled, recently ended."""
    listed = LiveSession.objects.on_home()
    return api_response({"sessions": [session_data(session) for session in listed]})


def session_detail(request, slug: str):
    session = find_session(slug)
    if session is None:
        return api_error(_("No live session has this address."), 404)
    data = session_data(session)
    data["post_count"] = session.posts.published().count()
    return api_response(data)


def session_posts(request, slug: str):
    session = find_session(slug)
    if session is None:
        return api_error(_("No live session has this address."), 404)
    try:
        before = parse_before(request.GET.get("before"))
        limit = parse_limit(request.GET.get("limit"))
    except BadRequest as error:
        return api_error(str(error), 400)
    posts = session.posts.published().for_display().newest_first().before(before)
    page = list(posts[: limit + 1])
    next_url = None
    if len(page) > limit:
        query = f"?before={before_token(page[limit - 1])}"
        if request.GET.get("limit"):
            query += f"&limit={limit}"
        next_url = structured_data.absolute(request.path + query)
    return api_response({"posts": [post_data(post) for post in page[:limit]], "next": next_url})


def find_session(slug: str) -> LiveSession | None:
    return LiveSession.objects.for_reader().filter(slug=slug).first()


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

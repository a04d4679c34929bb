"""The desk's websocket: `/ws/desk/<slug>/`, for the people on a live's desk only.

Session-authenticated (the desk's login cookie, through channels' AuthMiddlewareStack)
and checked against the desk's roles at the handshake: anonymous people, readers and
journalists not assigned to the live are refused (HTTP 403). It carries desk notes,
never reader events; readers' sockets (liveblog.delivery.consumer) never join its group.
Listen-only like the readers' socket: notes are sent over HTTP, where CSRF and the
form's checks apply.

It also says when the live's review queue changed (`{"kind": "review"}`, no content: each
page fetches what it may see over HTTP). A contributor's socket joins only their own
group, which hears about their own posts: never the desk's notes.
"""

import json
import logging

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.template.loader import render_to_string

from liveblog.delivery.consumer import READ_ONLY
from liveblog.delivery.fanout import send_within
from liveblog.domain.roles import can_write_in, is_contributor
from liveblog.models import DeskNote, LiveSession, Post

log = logging.getLogger(__name__)


def desk_group(session_id: int) -> str:
    # Not `live-<id>`: no reader's subscription can ever match a desk group.
    return f"desk-{session_id}"


def author_group(session_id: int, user_id: int) -> str:
    return f"desk-{session_id}-author-{user_id}"


def desk_group_of(user, slug: str) -> str | None:
    """The group this person's desk socket joins, or None if they are not on the desk."""
    if user is None or not user.is_authenticated:
        return None
    session = LiveSession.objects.filter(slug=slug).first()
    if session is None or not can_write_in(user, session):
        return None
    if is_contributor(user):
        return author_group(session.pk, user.pk)
    return desk_group(session.pk)


class DeskConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.group = None
        slug = self.scope["url_route"]["kwargs"]["slug"]
        group = await database_sync_to_async(desk_group_of)(self.scope.get("user"), slug)
        if group is None or self.channel_layer is None:
            await self.close()
            return
        self.group = group
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None) -> None:
        await self.close(code=READ_ONLY)

    async def disconnect(self, code) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def desk_note(self, message: dict) -> None:
        await self.send(text_data=message["frame"])

    async def desk_review(self, message: dict) -> None:
        await self.send(text_data=message["frame"])


def note_frame(note: DeskNote) -> str:
    html = render_to_string("liveblog/desk_notes.html#note", {"note": note})
    return json.dumps(
        {"kind": "note", "note": note.pk, "mentions": note.mentioned, "html": html},
        ensure_ascii=False,
    )


def tell_the_desk(note: DeskNote) -> None:
    """Push a saved note to everyone on its live's desk. A layer failure is logged only:
    the note is saved, and each desk reloads its thread when its socket comes back."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "desk.note", "frame": note_frame(note)}
    try:
        async_to_sync(send_within)(layer, desk_group(note.session_id), message)
    except Exception:
        log.exception("desk note %s not pushed; desks see it when they reload", note.pk)


REVIEW_FRAME = json.dumps({"kind": "review"})


def tell_review_changed(post: Post) -> None:
    """The live's review queue changed (a post sent, published or sent back): the desk and
    the post's author fetch their view of it again. Logged only if the layer fails: each
    page fetches it again when its socket comes back."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "desk.review", "frame": REVIEW_FRAME}
    for group in (desk_group(post.session_id), author_group(post.session_id, post.author_id)):
        try:
            async_to_sync(send_within)(layer, group, message)
        except Exception:
            log.exception("review change of post %s not pushed to %s", post.pk, group)

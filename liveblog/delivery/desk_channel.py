"""The desk's websocket: `/ws/desk/<slug>/`, for the people on a live's desk only.

Session-authenticated (the desk's login cookie, through channels' AuthMiddlewareStack)
and checked against the desk's roles at the handshake: anonymous people, readers and
journalists not assigned to the live are refused (HTTP 403). It carries desk notes,
never reader events; readers' sockets (liveblog.delivery.consumer) never join its group.
Listen-only like the readers' socket: notes are sent over HTTP, where CSRF and the
form's checks apply.
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
from liveblog.domain.roles import can_write_in
from liveblog.models import DeskNote, LiveSession

log = logging.getLogger(__name__)


def desk_group(session_id: int) -> str:
    # Not `live-<id>`: no reader's subscription can ever match a desk group.
    return f"desk-{session_id}"


def desk_session_id(user, slug: str) -> int | None:
    """The session's id if this person works on its desk, else None."""
    if user is None or not user.is_authenticated:
        return None
    session = LiveSession.objects.filter(slug=slug).first()
    if session is None or not can_write_in(user, session):
        return None
    return session.pk


class DeskConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.group = None
        slug = self.scope["url_route"]["kwargs"]["slug"]
        session_id = await database_sync_to_async(desk_session_id)(self.scope.get("user"), slug)
        if session_id is None or self.channel_layer is None:
            await self.close()
            return
        self.group = desk_group(session_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None) -> None:
        await self.close(code=READ_ONLY)

    async def disconnect(self, code) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def desk_note(self, message: dict) -> None:
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

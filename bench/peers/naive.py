"""Peer (a): the naive Channels pattern, as Django live-blog packages do it (wagtail-live's
Channels publisher): every reader's consumer joins the session's group, so one
`group_send` becomes one channel-layer message per reader, and each consumer serialises
the event and sends it on its own.

It hears the app's own publish path (liveblog.delivery.fanout.fan_out sends to the same group),
so both are fed by the same journalist, the same event and the same payload. The app's
message carries the event already encoded; this consumer decodes it and encodes it
again per reader, the per-reader serialisation of the pattern.

Served like the app: `uvicorn bench.peers.naive:application` with the same settings.
"""

import json
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django_asgi_app = get_asgi_application()

# These need Django set up first.
from channels.db import database_sync_to_async  # noqa: E402
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from liveblog.delivery.fanout import session_group  # noqa: E402
from liveblog.models import LiveSession  # noqa: E402


class NaiveLiveConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        slug = self.scope["url_route"]["kwargs"]["slug"]
        session_id = await database_sync_to_async(
            LiveSession.objects.filter(slug=slug).values_list("pk", flat=True).first
        )()
        if session_id is None:
            await self.close()
            return
        self.group = session_group(session_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code) -> None:
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def live_event(self, message: dict) -> None:
        event = message["event"] if "event" in message else json.loads(message["frame"])
        await self.send(text_data=json.dumps(event, ensure_ascii=False))


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter([path("ws/live/<slug:slug>/", NaiveLiveConsumer.as_asgi())]),
    }
)

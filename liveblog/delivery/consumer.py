"""The reader's websocket: `/ws/live/<slug>/?after=<seq>`, read-only.

On connect the reader gets every event after the sequence number it gives (its
page's `data-seq`), then live ones, each exactly once and in order (see
liveblog.delivery.audience). Readers never send: anything they send closes the socket.
"""

import logging
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from liveblog.delivery.audience import Reader, this_process
from liveblog.delivery.audience_count import from_the_newsroom
from liveblog.delivery.catchup import database_read, parse_after
from liveblog.models import LiveSession

log = logging.getLogger(__name__)

# The socket is for listening only. Not RFC 6455's 1008 "policy violation": daphne's
# autobahn lets an application close only with 1000 or 3000-4999 (it failed the
# consumer and sent 1011 instead); 4000-4999 are for private use.
READ_ONLY = 4008


class LiveConsumer(AsyncWebsocketConsumer):
    # No channel-layer channel per socket: the process subscribes once per session
    # (liveblog.delivery.audience.Audience) and hands frames to its readers itself.
    channel_layer_alias = None

    async def connect(self) -> None:
        self.reader = None
        slug = self.scope["url_route"]["kwargs"]["slug"]
        found = this_process().position(slug)
        if found is None:
            found = await database_read(session_position)(slug)
            if found is None:
                await self.close()
                return
            this_process().remember(slug, found[0])
        session_id, last_seq = found
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        after = parse_after(query.get("after", [None])[0])
        self.reader = Reader(session_id, last_seq if after is None else after, self.send_frame)
        self.reader.newsroom = from_the_newsroom(self.scope)  # not counted in the audience
        await this_process().join(self.reader, last_seq)
        await self.accept()
        self.reader.start(on_stop=self.close)

    async def send_frame(self, frame: bytes) -> None:
        # Straight to the server's send: once per reader and event, so the two layers of
        # AsyncWebsocketConsumer.send in between show in the fan-out's cost. Bytes (a binary
        # frame): the server sends them as they are, where text is encoded per socket.
        if settings.LIVEBLOG_TEXT_FRAMES:
            await self.base_send({"type": "websocket.send", "text": frame.decode()})
        else:
            await self.base_send({"type": "websocket.send", "bytes": frame})

    async def receive(self, text_data=None, bytes_data=None) -> None:
        await self.close(code=READ_ONLY)

    async def disconnect(self, code) -> None:
        if self.reader is None:
            return
        self.reader.stop()
        await this_process().leave(self.reader)


def session_position(slug: str) -> tuple[int, int] | None:
    return LiveSession.objects.filter(slug=slug).values_list("pk", "last_seq").first()


class NoSuchSocket(AsyncWebsocketConsumer):
    """Any other websocket path: refused at the handshake (HTTP 403), logged at info, never a
    server error (anyone can ask, so a traceback per request would flood the logs)."""

    channel_layer_alias = None

    async def connect(self) -> None:
        log.info(
            "websocket handshake to an unknown path refused: %s", self.scope.get("path", "")[:200]
        )
        await self.close()

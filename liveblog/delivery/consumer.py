"""The reader's websocket: `/ws/live/<slug>/?after=<seq>`, read-only.

On connect the reader gets every event after the sequence number it gives (its
page's `data-seq`), then live ones, each exactly once and in order (see
liveblog.delivery.audience). Readers never send: anything they send closes the socket.

A bare ASGI application, not a Channels consumer: an idle reader is the server's
connection and the one task that runs this function, waiting on `receive`. A consumer
(`AsyncConsumer.__call__`) adds to each socket a task per pending `receive`, the futures
of `asyncio.wait` and its own object and scope: about 3.5 KiB of an idle reader's 26
(2,000 readers in one process of the production command). The process listens to the
channel layer once per live (liveblog.delivery.audience.Audience), so a reader needs no
channel of its own.
"""

import logging
from functools import partial
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
CLOSE = {"type": "websocket.close"}


async def live_socket(scope, receive, send) -> None:
    """The ASGI application of one reader's socket (routed by liveblog.delivery.routing)."""
    if (await receive())["type"] != "websocket.connect":
        return
    reader = await joined_reader(scope, send)
    if reader is None:
        await send(CLOSE)  # before accepting: the handshake is answered 403
        return
    try:
        await send({"type": "websocket.accept"})
        reader.start(on_stop=partial(send, CLOSE))
        while (await receive())["type"] != "websocket.disconnect":
            await send({**CLOSE, "code": READ_ONLY})
    finally:
        reader.stop()
        await this_process().leave(reader)


async def joined_reader(scope, send) -> Reader | None:
    """The reader of the socket's live, in this process's audience of it; None if the
    live does not exist."""
    slug = scope["url_route"]["kwargs"]["slug"]
    found = this_process().position(slug)
    if found is None:
        found = await database_read(session_position)(slug)
        if found is None:
            return None
        this_process().remember(slug, found[0])
    session_id, last_seq = found
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    after = parse_after(query.get("after", [None])[0])
    reader = Reader(session_id, last_seq if after is None else after, partial(send_frame, send))
    reader.newsroom = from_the_newsroom(scope)  # not counted in the audience
    await this_process().join(reader, last_seq)
    return reader


async def send_frame(send, frame: bytes) -> None:
    # Bytes (a binary frame): the server sends them as they are, where text is encoded
    # per socket.
    if settings.LIVEBLOG_TEXT_FRAMES:
        await send({"type": "websocket.send", "text": frame.decode()})
    else:
        await send({"type": "websocket.send", "bytes": frame})


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

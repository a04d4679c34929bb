"""Guards in front of the readers' websocket: how many sockets one address may hold,
and how far behind a reader that does not read may fall before it is dropped.

Readers only listen, so a few sockets per address is plenty (a newsroom's office
behind one NAT may open dozens); past `LIVEBLOG_SOCKETS_PER_ADDRESS`, a new one is
refused at the handshake (HTTP 403) and the others go on. The count is per server
process. Frame and message size limits belong to the server (it must close the
socket before buffering an oversized frame): see the production commands in the
README.

Behind a reverse proxy every socket comes from the proxy's address: the client's own
comes from `liveblog.client_address`, as for the login lockout and the audit log.
"""

import asyncio
import logging
from collections import Counter
from functools import partial

from django.conf import settings

from liveblog.client_address import scope_client_address

log = logging.getLogger(__name__)


class SocketsPerAddress:
    """ASGI middleware: at most `LIVEBLOG_SOCKETS_PER_ADDRESS` open websockets per address."""

    def __init__(self, app):
        self.app = app
        self.open: Counter[str] = Counter()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        address = scope_client_address(scope)
        if self.open[address] >= settings.LIVEBLOG_SOCKETS_PER_ADDRESS:
            log.info("refused a websocket from %s: %s already open", address, self.open[address])
            await refuse(receive, send)
            return None
        self.open[address] += 1
        try:
            return await self.app(scope, receive, send)
        finally:
            self.open[address] -= 1
            if not self.open[address]:
                del self.open[address]


async def refuse(receive, send) -> None:
    # Closing before accepting makes the server answer the handshake with 403.
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close"})


class Backpressure:
    """ASGI middleware: under daphne, a send waits while the reader has not taken the last ones.

    uvicorn makes a send wait while the client is not reading, so a stalled reader
    fills its bounded buffer (liveblog.delivery.audience), is caught up from the log once it
    reads again, and costs nothing more. daphne accepts every send at once and keeps
    what the client has not taken in memory, without limit. So under daphne a send
    waits while the connection's output buffer is full (Twisted's own measure:
    more than 64 KiB unsent), and a reader that takes nothing for `STALLED_AFTER`
    seconds is dropped (uvicorn's ping timeout does the same); a real one on a bad
    line reconnects with its seq and catches up.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        transport = daphne_transport(send) if scope["type"] == "websocket" else None
        if transport is None:
            return await self.app(scope, receive, send)

        async def send_when_drained(message):
            if message["type"] == "websocket.send":
                await drained(transport)
            await send(message)

        return await self.app(scope, receive, send_when_drained)


# What a reader may spend taking nothing before it is dropped: daphne's own ping timeout.
STALLED_AFTER = 30.0
# Twisted tells a transport's single producer (here daphne's HTTP channel, taken) when
# its buffer fills and drains, so the wait looks: often at first, then once a second.
FIRST_LOOK, LAST_LOOK = 0.01, 1.0


async def drained(transport) -> None:
    waited, pause = 0.0, FIRST_LOOK
    while transport._isSendBufferFull() and not transport.disconnected:
        if waited >= STALLED_AFTER:
            log.info("dropped a reader that took nothing for %s s", STALLED_AFTER)
            transport.abortConnection()
            raise ConnectionError("reader dropped: it stopped reading")
        await asyncio.sleep(pause)
        waited += pause
        pause = min(pause * 2, LAST_LOOK)


def daphne_transport(send):
    """The Twisted transport behind daphne's `send` (`partial(server.handle_reply, protocol)`);
    None under any other server, or if daphne or Twisted ever change that."""
    if not isinstance(send, partial) or not send.args:
        return None
    transport = getattr(send.args[0], "transport", None)
    if not hasattr(transport, "_isSendBufferFull") or not hasattr(transport, "disconnected"):
        return None
    return transport

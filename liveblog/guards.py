"""Guards in front of the readers' websocket: how many sockets one address may hold.

Readers only listen, so a few sockets per address is plenty (a newsroom's office
behind one NAT may open dozens); past `LIVEBLOG_SOCKETS_PER_ADDRESS`, a new one is
refused at the handshake (HTTP 403) and the others go on. The count is per server
process. Frame and message size limits belong to the server (it must close the
socket before buffering an oversized frame): see the production commands in the
README.

Behind a reverse proxy every socket comes from the proxy's address; name the header
the proxy sets in `LIVEBLOG_CLIENT_ADDRESS_HEADER` (it is trusted blindly, so set
it only when the proxy overwrites or appends it). Unset: the peer's own address.
"""

import logging
from collections import Counter

from django.conf import settings

log = logging.getLogger(__name__)


def client_address(scope: dict) -> str:
    """The address a socket counts against: the peer, or the proxy's header when trusted."""
    header = settings.LIVEBLOG_CLIENT_ADDRESS_HEADER.lower().encode("latin-1")
    if header:
        for name, value in scope.get("headers", []):
            if name == header:
                # The proxy appends the address it saw: the last entry is the one it vouches for.
                return value.decode("latin-1").split(",")[-1].strip()
    client = scope.get("client")
    return client[0] if client else ""


class SocketsPerAddress:
    """ASGI middleware: at most `LIVEBLOG_SOCKETS_PER_ADDRESS` open websockets per address."""

    def __init__(self, app):
        self.app = app
        self.open: Counter[str] = Counter()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        address = client_address(scope)
        if self.open[address] >= settings.LIVEBLOG_SOCKETS_PER_ADDRESS:
            log.warning("refused a websocket from %s: %s already open", address, self.open[address])
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

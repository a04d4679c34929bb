"""uvicorn's websocket protocol (websockets-sansio, the one it picks by default), with
less kept per idle socket. The production command names this class (`--ws`,
newsroom/serve.py).

Measured with tracemalloc on 2,000 idle readers in one process of the production
command, uvicorn's connection was most of what a reader costs once the app's own part
was cut down (liveblog.delivery.consumer):

- it keeps the parsed upgrade request and the prepared 101 response for the socket's
  whole life, and never reads them once the socket is accepted: the request's headers
  twice over (websockets' `Headers` holds a dict and a list), the response's too. The
  ASGI scope has its own copy of the headers, which is all the app reads.
- its inbox is an `asyncio.Queue`: three deques, each allocating a 64-slot block at
  once, ~2.5 KiB for a socket that receives one message (`websocket.connect`) and then
  usually nothing until it closes.
"""

from collections import deque

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol


class Inbox:
    """What uvicorn asks of its queue (`put_nowait`, `get`, `empty`), unbounded as its
    queue is, holding nothing while empty."""

    __slots__ = ("_getters", "_loop", "_messages")

    def __init__(self, loop):
        self._loop = loop
        self._messages: deque | None = None
        self._getters: list | None = None

    def empty(self) -> bool:
        return not self._messages

    def put_nowait(self, message) -> None:
        if self._messages is None:
            self._messages = deque()
        self._messages.append(message)
        self._wake_one()

    def _wake_one(self) -> None:
        while self._getters:
            getter = self._getters.pop(0)
            if not getter.done():
                getter.set_result(None)
                return

    async def get(self):
        while not self._messages:
            getter = self._loop.create_future()
            if self._getters is None:
                self._getters = []
            self._getters.append(getter)
            try:
                await getter
            except BaseException:
                getter.cancel()
                if getter in self._getters:
                    self._getters.remove(getter)
                elif self._messages:
                    # Woken and cancelled at once: the message is the next getter's.
                    self._wake_one()
                raise
        message = self._messages.popleft()
        if not self._messages:
            self._messages = None
        return message


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queue = Inbox(self.loop)

    def handle_connect(self, event) -> None:
        super().handle_connect(event)
        self.request = None  # read only inside handle_connect

    def start_keepalive(self) -> None:
        # Called once, right after the 101 response went out: the handshake is over. Not
        # an override of `send`, which would add a layer to every frame of the fan-out.
        super().start_keepalive()
        self.response = None

"""uvicorn's websocket protocol (websockets-sansio, the one it picks by default), as the
production command runs it (`--ws newsroom.websocket_protocol:ReaderWebSockets`,
newsroom/serve.py), with two changes: less kept per idle socket, and no 500 when a process
stops.

Less kept per socket. Measured with tracemalloc on 2,000 idle readers in one process of the
production command, uvicorn's connection was most of what a reader costs once the app's own
part was cut down (liveblog.delivery.consumer):

- it keeps the parsed upgrade request and the prepared 101 response for the socket's
  whole life, and never reads them once the socket is accepted: the request's headers
  twice over (websockets' `Headers` holds a dict and a list), the response's too. The
  ASGI scope has its own copy of the headers, which is all the app reads.
- its inbox is an `asyncio.Queue`: three deques, each allocating a 64-slot block at
  once, ~2.5 KiB for a socket that receives one message (`websocket.connect`) and then
  usually nothing until it closes.

No 500 at a restart. On SIGTERM uvicorn stops accepting, then shuts every connection down:
an open socket is closed with 1012 (service restart), but a handshake still in flight (the
app has not accepted it yet: it is looking the live up, joining the audience) is answered
`500 Internal Server Error`. Measured in six rolling deploys of 3 processes with 5,000
readers (bench/fleet.py): 39 answers 500, every one of them from that line of uvicorn
(`WebSocketsSansIOProtocol.shutdown`), none from the app; none in seven deploys with this
change, where 12 handshakes in flight were closed with 1012 instead. Here such a handshake
is completed and closed at once with the same 1012 as the open sockets: the reader is told
"restarting", not "broken", and reconnects with jitter to a process that serves
(static/liveblog/live.js), while the app's own answer to that handshake, when it comes, is
dropped.
"""

from collections import deque

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

# RFC 6455's registry: "the service is restarted; a client may reconnect".
SERVICE_RESTART = 1012


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


class ReaderWebSockets(WebSocketsSansIOProtocol):
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

    def shutdown(self) -> None:
        if self.handshake_in_flight():
            self.close_handshake_for_restart()
        else:
            super().shutdown()

    def handshake_in_flight(self) -> bool:
        """The request is read, the app has not answered it (neither accepted nor refused)."""
        return (
            self.handshake_initiated
            and not self.handshake_complete
            and self.initial_response is None
            and not self.transport.is_closing()
        )

    def close_handshake_for_restart(self) -> None:
        # The app's late answer (accept, or refuse) then raises ClientDisconnected, which
        # the app's `finally` and uvicorn both take quietly: no override of `send`, which
        # would add a layer to every frame of the fan-out.
        self.disconnected = True
        self.handshake_complete = True
        # `self.response` is websockets' 101 for this request, made when it was read.
        self.conn.send_response(self.response)
        self.conn.send_close(SERVICE_RESTART)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.queue.put_nowait({"type": "websocket.disconnect", "code": SERVICE_RESTART})
        self.transport.close()

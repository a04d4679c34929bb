"""uvicorn's websocket protocol (websockets-sansio, the one it picks by default), as the
production command runs it (`--ws newsroom.websocket_protocol:ReaderWebSockets`,
newsroom/serve.py), with three changes: less kept per idle socket, no 500 when a process
stops, and a frame made once for every reader (`WireFrames`).

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
from websockets.frames import Frame, Opcode
from websockets.protocol import State

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


class WireFrames:
    """Binary messages as they go on the wire, framed once for every socket.

    The fan-out hands every reader of a process the same bytes object (liveblog.delivery.
    audience): a server's frames are not masked and compression is off, so their frame is
    the same bytes for every socket too. websockets frames a message anew for each socket
    (a `Frame`, its header, a list joined); here the second to the ten-thousandth reader
    reuse the first one's, as the bare `websockets.broadcast` ceiling of the benchmark does.
    The last few are kept, by identity: a reader catching up sends older ones meanwhile.
    """

    __slots__ = ("_kept", "size")

    def __init__(self, size: int = 8):
        self.size = size
        # id → (the message, kept alive so that its id is not reused; its frame)
        self._kept: dict[int, tuple[bytes, bytes]] = {}

    def of(self, data: bytes) -> bytes:
        kept = self._kept.get(id(data))
        if kept is not None and kept[0] is data:
            return kept[1]
        wire = Frame(Opcode.BINARY, data).serialize(mask=False, extensions=[])
        if len(self._kept) >= self.size:
            del self._kept[next(iter(self._kept))]  # the oldest
        self._kept[id(data)] = (data, wire)
        return wire


# One per process: its event loop sends one event's frames after another.
wire_frames = WireFrames()


class ReaderWebSockets(WebSocketsSansIOProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queue = Inbox(self.loop)

    async def send(self, message) -> None:
        """A binary message on an open socket that takes it now goes out as the frame made
        once for every socket (`WireFrames`); anything else, and any socket that is not
        taking what it is sent (uvicorn then waits), as uvicorn sends it."""
        data = message.get("bytes") if message["type"] == "websocket.send" else None
        if (
            data is not None
            and self.writable.is_set()
            and self.handshake_complete
            and not (self.disconnected or self.close_sent or self.initial_response)
            and self.conn.state is State.OPEN
            and not self.conn.extensions
        ):
            self.transport.write(wire_frames.of(data))
            return
        await super().send(message)

    def handle_connect(self, event) -> None:
        super().handle_connect(event)
        self.request = None  # read only inside handle_connect

    def start_keepalive(self) -> None:
        # Called once, right after the 101 response went out: the handshake is over.
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
        # the app's `finally` and uvicorn both take quietly.
        self.disconnected = True
        self.handshake_complete = True
        # `self.response` is websockets' 101 for this request, made when it was read.
        self.conn.send_response(self.response)
        self.conn.send_close(SERVICE_RESTART)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.queue.put_nowait({"type": "websocket.disconnect", "code": SERVICE_RESTART})
        self.transport.close()

"""uvicorn's websocket protocol, with one change: a process that stops never answers a
reader 500.

On SIGTERM uvicorn stops accepting, then shuts every connection down: an open socket is
closed with 1012 (service restart), but a handshake still in flight (the app has not
accepted it yet: it is looking the live up, joining the audience) is answered
`500 Internal Server Error`. Measured in six rolling deploys of 3 processes with 5,000
readers (bench/fleet.py): 39 answers 500, every one of them from that line of uvicorn
(`WebSocketsSansIOProtocol.shutdown`), none from the app; none in seven deploys with this
class, where 12 handshakes in flight were closed with 1012 instead. Here such a handshake is
completed and closed at once with the same 1012 as the open sockets: the reader is told
"restarting", not "broken", and reconnects with jitter to a process that serves
(static/liveblog/live.js), while the app's own answer to that handshake, when it comes, is
dropped.

The production command selects it with `--ws newsroom.websocket_protocol:RestartingWebSockets`
(newsroom/serve.py).
"""

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

# RFC 6455's registry: "the service is restarted; a client may reconnect".
SERVICE_RESTART = 1012


class RestartingWebSockets(WebSocketsSansIOProtocol):
    closed_in_handshake = False

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
        self.closed_in_handshake = True
        self.handshake_complete = True
        # `self.response` is websockets' 101 for this request, made when it was read.
        self.conn.send_response(self.response)
        self.conn.send_close(SERVICE_RESTART)
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.queue.put_nowait({"type": "websocket.disconnect", "code": SERVICE_RESTART})
        self.transport.close()

    async def send(self, message) -> None:
        # The app's late answer to a handshake already closed: accepting or refusing it
        # changes nothing, and must not fail the app (the live consumer accepts, then
        # leaves the audience when it reads the disconnect).
        if self.closed_in_handshake and message["type"] in ("websocket.accept", "websocket.close"):
            return
        await super().send(message)

"""The production command's websocket protocol (newsroom.websocket_protocol): uvicorn's,
keeping nothing of the handshake once a socket is accepted, with an inbox that behaves
as uvicorn's queue, and one frame made per message for every socket that takes it."""

import asyncio

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState
from websockets.asyncio.client import connect

from newsroom import websocket_protocol
from newsroom.websocket_protocol import Inbox, ReaderWebSockets


async def shouting(scope, receive, send):
    """Accepts, then answers each text frame in capitals, until the client leaves."""
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while (message := await receive())["type"] != "websocket.disconnect":
        await send({"type": "websocket.send", "text": message["text"].upper()})


async def serving(app, made: list, deflate: bool = True) -> asyncio.Server:
    """`app` behind ReaderWebSockets on a free port; each connection's protocol goes to `made`.
    Compression is uvicorn's default; the production command turns it off (`deflate`)."""
    config = Config(
        app,
        lifespan="off",
        ws_ping_interval=20,
        ws_ping_timeout=20,
        ws_per_message_deflate=deflate,
    )
    config.load()
    state = ServerState()

    def protocol():
        made.append(ReaderWebSockets(config=config, server_state=state, app_state={}))
        return made[-1]

    return await asyncio.get_running_loop().create_server(protocol, "127.0.0.1", 0)


async def test_an_accepted_socket_keeps_no_handshake_and_still_hears_its_client():
    made = []
    server = await serving(shouting, made)
    port = server.sockets[0].getsockname()[1]
    try:
        async with connect(f"ws://127.0.0.1:{port}/ws/live/x/?after=3") as socket:
            await socket.send("un")
            await socket.send("deux")
            assert [await socket.recv(), await socket.recv()] == ["UN", "DEUX"]
            (connection,) = made
            assert connection.request is None
            assert connection.response is None
            assert connection.scope["query_string"] == b"after=3"
            assert connection.queue.empty()
    finally:
        server.close()
        await server.wait_closed()


async def test_the_inbox_gives_messages_in_order_to_whoever_waits():
    inbox = Inbox(asyncio.get_running_loop())
    waiting = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.put_nowait({"n": 1})
    inbox.put_nowait({"n": 2})
    assert await waiting == {"n": 1}
    assert not inbox.empty()
    assert await inbox.get() == {"n": 2}
    assert inbox.empty()


async def test_a_message_woken_for_a_cancelled_getter_goes_to_the_next_one():
    inbox = Inbox(asyncio.get_running_loop())
    first = asyncio.ensure_future(inbox.get())
    second = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.put_nowait({"n": 1})
    first.cancel()
    assert await second == {"n": 1}
    assert first.cancelled()


@pytest.mark.parametrize("deflate", [False, True], ids=["production", "compressed"])
async def test_one_message_for_every_reader_is_framed_once_and_each_gets_it_whole(
    monkeypatch, deflate
):
    """As the production command runs (no compression), a message is framed once for every
    socket; where compression was negotiated, each socket's frame is its own, as uvicorn
    makes it. Either way every reader gets every message whole."""
    framed = []

    class CountedFrame(websocket_protocol.Frame):
        def serialize(self, **kwargs):
            framed.append(self.data)
            return super().serialize(**kwargs)

    monkeypatch.setattr(websocket_protocol, "Frame", CountedFrame)
    # As the fan-out does: the same bytes objects, handed to every socket.
    messages = [b'{"seq": 1}', ("Le peloton passe le pont. " * 400).encode()]
    go, sockets = asyncio.Event(), []

    async def broadcasting(scope, receive, send):
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        sockets.append(send)
        await go.wait()
        for data in messages:
            await send({"type": "websocket.send", "bytes": data})
        await receive()

    made = []
    server = await serving(broadcasting, made, deflate=deflate)
    port = server.sockets[0].getsockname()[1]
    try:
        url = f"ws://127.0.0.1:{port}/ws/live/x/"
        async with connect(url) as one, connect(url) as two, connect(url) as three:
            while len(sockets) < 3:
                await asyncio.sleep(0.01)
            go.set()
            for reader in (one, two, three):
                assert [await reader.recv(), await reader.recv()] == messages
        if deflate:
            assert framed == [], "compressed sockets are framed by websockets, per socket"
        else:
            assert framed == messages, "each message framed once, not once per socket"
    finally:
        server.close()
        await server.wait_closed()


async def test_a_socket_not_taking_frames_makes_the_send_wait_as_uvicorn_does():
    sent = asyncio.Event()

    async def one_frame(scope, receive, send):
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        await sent.wait()
        await send({"type": "websocket.send", "bytes": b'{"seq": 1}'})
        await receive()

    made = []
    server = await serving(one_frame, made, deflate=False)
    port = server.sockets[0].getsockname()[1]
    try:
        async with connect(f"ws://127.0.0.1:{port}/ws/live/x/") as reader:
            (connection,) = made
            connection.pause_writing()  # the transport's buffer is full: the client lags
            sending = asyncio.ensure_future(
                connection.send({"type": "websocket.send", "bytes": b"x"})
            )
            await asyncio.sleep(0.1)
            assert not sending.done(), "a send waits while the socket is not writable"
            connection.resume_writing()
            await sending
            assert await reader.recv() == b"x"
            sent.set()
            assert await reader.recv() == b'{"seq": 1}'
    finally:
        server.close()
        await server.wait_closed()

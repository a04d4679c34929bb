"""The production command's websocket protocol (newsroom.websocket_protocol): uvicorn's,
keeping nothing of the handshake once a socket is accepted, with an inbox that behaves
as uvicorn's queue."""

import asyncio

from uvicorn.config import Config
from uvicorn.server import ServerState
from websockets.asyncio.client import connect

from newsroom.websocket_protocol import Inbox, ReaderWebSockets


async def shouting(scope, receive, send):
    """Accepts, then answers each text frame in capitals, until the client leaves."""
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while (message := await receive())["type"] != "websocket.disconnect":
        await send({"type": "websocket.send", "text": message["text"].upper()})


async def test_an_accepted_socket_keeps_no_handshake_and_still_hears_its_client():
    config = Config(shouting, lifespan="off", ws_ping_interval=20, ws_ping_timeout=20)
    config.load()
    state, made = ServerState(), []

    def protocol():
        made.append(ReaderWebSockets(config=config, server_state=state, app_state={}))
        return made[-1]

    server = await asyncio.get_running_loop().create_server(protocol, "127.0.0.1", 0)
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

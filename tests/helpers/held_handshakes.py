"""An ASGI app that holds every websocket handshake until the server says the socket is
gone, then accepts it anyway (as the live consumer does when its lookups finish late);
`GET /` answers how many handshakes it holds. Run by the production command in place of
the newsroom's app, it makes "a handshake in flight when the process stops" certain."""

held = 0


async def application(scope, receive, send):
    if scope["type"] == "websocket":
        await hold_then_accept(receive, send)
    elif scope["type"] == "http":
        await answer_count(send)


async def hold_then_accept(receive, send):
    global held
    await receive()  # websocket.connect
    held += 1
    try:
        await receive()  # websocket.disconnect: the only other thing that can come
        await send({"type": "websocket.accept"})
    finally:
        held -= 1


async def answer_count(send):
    body = str(held).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})

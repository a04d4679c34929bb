"""Peer (c): the ceiling. A bare `websockets` server that hands one frame to every reader
with `websockets.broadcast()`: no framework, no channel layer, no database.

Readers connect to any path but /publish; the benchmark's publisher connects to /publish
and sends each frame (the app's own frame for a real event), which is broadcast at once;
the server answers "ok" once the frame is handed to every reader's socket.

    python -m bench.peers.ceiling --port 8765
"""

import argparse
import asyncio

import uvloop
from websockets.asyncio.server import broadcast, serve

from bench.servers import HOST

readers = set()


async def handle(connection) -> None:
    if connection.request.path == "/publish":
        async for frame in connection:
            broadcast(readers, frame)
            await connection.send("ok")
        return
    readers.add(connection)
    try:
        await connection.wait_closed()
    finally:
        readers.discard(connection)


async def main(port: int) -> None:
    # No compression, like the app: one frame, the same bytes for every reader.
    async with serve(handle, HOST, port, compression=None, backlog=4096, max_queue=None):
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    uvloop.run(main(parser.parse_args().port))

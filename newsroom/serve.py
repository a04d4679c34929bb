"""The production app server command, defined once.

    python -m newsroom.serve --port 9001 [--host 127.0.0.1] [--workers 2] [uvicorn options…]

The README's command, the systemd unit, the reference stack (deploy/stack.py), the
benchmark (bench/servers.py) and the tests' real servers all run `uvicorn_command`, so
what is measured is what production runs. The process becomes uvicorn itself (exec):
signals from systemd or supervisord reach it directly.
"""

import argparse
import os
import sys

# Readers never send anything (a frame closes their socket): refuse frames over 4 KiB
# before reading them.
FRAME_LIMIT = 4096
WEBSOCKET_PROTOCOL = "newsroom.websocket_protocol:ReaderWebSockets"


def uvicorn_arguments(*, host: str = "127.0.0.1", port: int = 9001, workers: int = 1) -> list[str]:
    arguments = [
        "newsroom.asgi:application",
        *("--host", host, "--port", str(port)),
        # Channels has no lifespan; the app reads X-Forwarded-For itself, from trusted
        # proxies only (LIVEBLOG_TRUSTED_PROXIES).
        *("--lifespan", "off", "--no-proxy-headers", "--no-server-header"),
        *("--ws-max-size", str(FRAME_LIMIT)),
        # uvicorn's default websockets (sansio; the legacy `websockets` one measured 32.6 MiB
        # per 1,000 idle readers instead of 25.5), minus the upgrade request and response
        # it keeps for each socket's life, and with a handshake in flight when the process
        # stops closed with 1012 (service restart) like the open sockets, not answered 500:
        # newsroom.websocket_protocol.
        *("--ws", WEBSOCKET_PROTOCOL),
        # Browsers always offer permessage-deflate and uvicorn accepts it by default. Then
        # every frame is compressed once per reader (the frame is encoded once for all of
        # them, compression undoes that), and each socket keeps its own zlib state. The
        # independent check measured, at 10,000 readers: 59.4 MiB per 1,000 idle readers
        # instead of 26, 115 µs of server CPU per delivery instead of 60. Our frames are one
        # post's HTML (~2 KB); the proxy's gzip already compresses pages. So: off.
        *("--ws-per-message-deflate", "false"),
        *("--ws-ping-interval", "20", "--ws-ping-timeout", "20"),
        *("--timeout-keep-alive", "5", "--timeout-graceful-shutdown", "10"),
        *("--no-access-log", "--log-level", "warning"),
    ]
    if workers > 1:
        arguments += ["--workers", str(workers)]
    return arguments


def uvicorn_command(
    *, host: str = "127.0.0.1", port: int = 9001, workers: int = 1, python: str = sys.executable
) -> list[str]:
    """The whole command line, for a process manager or a test to start."""
    return [python, "-m", "uvicorn", *uvicorn_arguments(host=host, port=port, workers=workers)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9001)
    parser.add_argument("--workers", type=int, default=1)
    # Anything else goes to uvicorn as it is (`--backlog 4096`, `--loop uvloop`).
    options, extra = parser.parse_known_args(argv)
    command = uvicorn_command(host=options.host, port=options.port, workers=options.workers)
    os.execv(command[0], [*command, *extra])


if __name__ == "__main__":
    main()

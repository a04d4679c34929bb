"""A process of the production command told to stop (SIGTERM, as systemd stops a unit, one
after the other in a deploy) never answers a reader 500: a handshake it has not answered
yet is closed with 1012 (service restart), as its open sockets are, so the reader
reconnects to a process that serves."""

import subprocess
import tempfile
import threading
import urllib.request

from newsroom.serve import uvicorn_command
from tests.helpers import WAIT, wait_until
from tests.helpers.servers import ROOT, RawSocket, free_port, port_open

SERVICE_RESTART = 1012


def held_handshakes(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=WAIT) as answer:
        return int(answer.read())


def production_command_serving(app: str, port: int) -> list[str]:
    command = uvicorn_command(host="127.0.0.1", port=port)
    return [app if part == "newsroom.asgi:application" else part for part in command]


def test_a_stopping_server_closes_a_handshake_in_flight_with_service_restart_not_500():
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        production_command_serving("tests.helpers.held_handshakes:application", port),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        wait_until(lambda: port_open(port), "the server to listen")
        answered = []
        reader = threading.Thread(target=lambda: answered.append(RawSocket(port, "/ws/live/x/")))
        reader.start()
        wait_until(lambda: held_handshakes(port) == 1, "the handshake to reach the app")

        server.terminate()
        reader.join(WAIT)

        (socket,) = answered
        assert socket.status == 101
        assert socket.closed_by_server() == SERVICE_RESTART
        server.wait(WAIT)
        log.seek(0)
        errors = log.read().decode(errors="replace")
        assert "Exception in ASGI application" not in errors, errors
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(WAIT)
        log.close()

"""Real server processes for the abuse and fault tests, and a websocket client that
misbehaves on purpose (raw frames, oversized or broken; reading nothing at all).

Servers run the production commands of the README: daphne, or uvicorn with
`--lifespan off`, each with the readers' frame size limit.
"""

import base64
import os
import socket
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

from newsroom.serve import FRAME_LIMIT, uvicorn_command
from tests.helpers import WAIT, wait_until
from tests.helpers.services import POSTGRES

ROOT = Path(__file__).resolve().parents[2]
# daphne (autobahn) applies its message limit to what it sends as well: it must hold the
# largest post's frame, so it stays at daphne's own default; frames in stay at 4 KiB.
DAPHNE_MESSAGE_LIMIT = 1024 * 1024


def production_environment(database: str, redis_url: str, media_root: Path, **extra: str) -> dict:
    """Environment for server processes on a fresh PostgreSQL `database`, migrated, and Redis."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {database}")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(media_root),
        **extra,
    }
    manage(env, "migrate", "--noinput", "-v0")
    return env


def manage(env: dict, *arguments: str, background: bool = False):
    """`manage.py` in a process of its own; its output, or the process when in the background."""
    command = [sys.executable, "manage.py", *arguments]
    if background:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    done = subprocess.run(
        command, env=env, cwd=ROOT, check=True, capture_output=True, text=True, timeout=5 * WAIT
    )
    return done.stdout


def database_url() -> str:
    """The database this test run uses, for a server process to share (a file for SQLite)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(kind: str, port: int) -> list[str]:
    """The production command (see the README; uvicorn's is newsroom.serve's), on loopback."""
    if kind == "daphne":
        return [
            *(sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)),
            *("--websocket-max-message-size", str(DAPHNE_MESSAGE_LIMIT)),
            *("--websocket-max-frame-size", str(FRAME_LIMIT)),
            "newsroom.asgi:application",
        ]
    return uvicorn_command(host="127.0.0.1", port=port)


class AppServer:
    """One server process (`kind` is daphne or uvicorn) on a free loopback port."""

    def __init__(self, kind: str, env: dict, port: int | None = None):
        self.kind = kind
        self.env = env
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.start()

    def start(self) -> None:
        # Its log goes to a file: a pipe nobody reads fills up (64 KiB of tracebacks on a
        # busy machine) and then the server stops in the middle of writing to it.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop)
        self.process = subprocess.Popen(
            server_command(self.kind, self.port),
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        wait_until(self.listening, f"{self.kind} to listen on port {self.port}")

    def listening(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.kind} exited: {self.errors()}")
        return port_open(self.port)

    def errors(self) -> str:
        """What the server wrote to stderr so far."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def rss_kib(self) -> int:
        """The server's resident memory now, from /proc."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=WAIT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=WAIT)
        self.log.close()


class RawSocket:
    """A websocket client at the frame level: it sends what it is told and reads only when asked."""

    def __init__(self, port: int, path: str, source: str = "127.0.0.1", receive_buffer: int = 0):
        self.sock = socket.socket()
        if receive_buffer:
            # Set before connecting, so the window the server sees stays this small.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.bind((source, 0))
        self.sock.settimeout(WAIT)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1:{port}\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        self.pending = b""
        while b"\r\n\r\n" not in self.pending:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.pending += chunk
        head, _, self.pending = self.pending.partition(b"\r\n\r\n")
        self.status = int(head.split(b" ", 2)[1]) if head else 0

    def send_frame(
        self, opcode: int, payload: bytes, announced: int | None = None, final: bool = True
    ) -> None:
        """One masked frame; `announced` claims a longer payload than the one sent; a frame
        not `final` is a fragment, continued by frames of opcode 0."""
        mask = os.urandom(4)
        length = len(payload) if announced is None else announced
        first = (0x80 if final else 0) | opcode
        if length < 126:
            header = struct.pack("!BB", first, 0x80 | length)
        elif length < 65536:
            header = struct.pack("!BBH", first, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", first, 0x80 | 127, length)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _read(self, count: int) -> bytes:
        while len(self.pending) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.pending += chunk
        data, self.pending = self.pending[:count], self.pending[count:]
        return data

    def read_frame(self) -> tuple[int, bytes]:
        first, second = self._read(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._read(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read(8))
        return first & 0x0F, self._read(length)

    def closed_by_server(self, timeout: float = WAIT) -> int | str:
        """Reads until the server closes: its close code, or "dropped" if it just hung up."""
        self.sock.settimeout(timeout)
        try:
            while True:
                opcode, payload = self.read_frame()
                if opcode == 0x8:
                    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
        except (ConnectionError, OSError) as error:
            if isinstance(error, TimeoutError):
                raise AssertionError(f"the server kept the socket open for {timeout} s") from error
            return "dropped"

    def close(self) -> None:
        self.sock.close()


class PrivateRedis:
    """A redis-server of this test's own, on a free port, that the test stops and starts."""

    def __init__(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = None

    def start(self) -> None:
        # No persistence: when it comes back it has forgotten every group, as after a crash.
        options = ["--save", "", "--appendonly", "no", "--loglevel", "warning"]
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", *options],
            stdout=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), f"redis-server to listen on port {self.port}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=WAIT)

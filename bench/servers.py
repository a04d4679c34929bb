"""What is measured, started the way production starts it, on ports of this machine only.

Every server is a subprocess with the bench environment: DEBUG off, a generated
SECRET_KEY, PostgreSQL database `bench`, Redis DB 5 for the channel layer and the cache.
Its memory and CPU are read from /proc (psutil) over the whole process tree, so a
two-worker uvicorn counts both workers.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from newsroom.serve import uvicorn_command

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", "/tmp/liveblog-bench-static"))
LOGS = Path(os.environ.get("BENCH_LOGS", "/tmp/liveblog-bench-logs"))
# Enough descriptors for ten thousand sockets per process (the hard limit here is 20,000).
NOFILE = 20_000


def bench_environment() -> dict[str, str]:
    """Production settings for every process of a run: the same key for all of them."""
    key = os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50)
    os.environ["BENCH_SECRET_KEY"] = key
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": key,
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "STATIC_ROOT": str(STATIC_ROOT),
        "SITE_URL": "http://127.0.0.1",
        # TLS ends at the proxy in front of the app; the app keeps its secure cookies and
        # headers but must not redirect plain loopback traffic to https.
        "DJANGO_SSL_REDIRECT": "0",
        "PYTHONUNBUFFERED": "1",
    }


def raise_file_limit() -> None:
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(NOFILE, hard), hard))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def listening_socket(port: int) -> socket.socket:
    """One listening socket shared by several daphne processes, as systemd would pass it."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(4096)
    sock.set_inheritable(True)
    return sock


@dataclass
class Server:
    """One measured configuration: `kind` is uvicorn, daphne, naive (a Channels peer on
    uvicorn) or ceiling (bare websockets); `workers` server processes."""

    kind: str
    workers: int = 1
    port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen] = field(default_factory=list)
    shared_socket: socket.socket | None = None
    settings: dict[str, str] = field(default_factory=dict)  # extra environment
    # Options after the production command's (`--ws-per-message-deflate true`, to measure
    # what the decision to turn it off saves).
    extra: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.kind} x{self.workers}" + (f" ({' '.join(self.extra)})" if self.extra else "")

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.port}"

    def commands(self) -> list[list[str]]:
        python = sys.executable
        # The production command itself (newsroom/serve.py, the README's), plus what a bench
        # needs: a deep backlog for thousands of handshakes at once.
        production = uvicorn_command(host=HOST, port=self.port, workers=self.workers)
        bench_only = ["--backlog", "4096"]
        if os.environ.get("BENCH_UVICORN_WS"):
            # Another websocket implementation (`wsproto`) instead of the production one.
            bench_only += ["--ws", os.environ["BENCH_UVICORN_WS"]]
        if self.kind == "uvicorn":
            return [[*production, *bench_only, *self.extra]]
        if self.kind == "naive":
            # The naive Channels peer under the same server options, its own application.
            naive = [*production[:3], "bench.peers.naive:application", *production[4:]]
            return [[*naive, *bench_only]]
        if self.kind == "ceiling":
            return [[python, "-m", "bench.peers.ceiling", "--port", str(self.port)]]
        if self.kind == "daphne":
            daphne = [python, "-m", "daphne", "--proxy-headers", "-v", "0"]
            if self.workers == 1:
                return [[*daphne, "-b", HOST, "-p", str(self.port), "newsroom.asgi:application"]]
            self.shared_socket = self.shared_socket or listening_socket(self.port)
            fd = str(self.shared_socket.fileno())
            return [[*daphne, "--fd", fd, "newsroom.asgi:application"]] * self.workers
        raise ValueError(f"unknown server kind {self.kind!r}")

    @property
    def log(self) -> Path:
        """The server's output: a file, never a pipe nobody reads (a full pipe stalls it)."""
        LOGS.mkdir(parents=True, exist_ok=True)
        return LOGS / f"{self.kind}-{self.workers}.log"

    def start(self, timeout: float = 60) -> None:
        env = {**bench_environment(), **self.settings}
        with self.log.open("a") as log:
            for command in self.commands():
                fds = (self.shared_socket.fileno(),) if self.shared_socket else ()
                self.processes.append(
                    subprocess.Popen(
                        command,
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        pass_fds=fds,
                        preexec_fn=raise_file_limit,
                    )
                )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    error = self.log.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"{self.name} exited at start:\n{error}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    pass
                # uvicorn's workers bind after the parent listens: give them a moment.
                time.sleep(1.0 if self.workers > 1 else 0.2)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not listen on {self.port} within {timeout}s")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill_tree(process)
        self.processes.clear()

    def kill(self) -> None:
        """The crash of a server: every process of it at once, no goodbye to readers."""
        for process in self.processes:
            self.kill_tree(process)
        self.processes.clear()

    def close(self) -> None:
        self.stop()
        if self.shared_socket:
            self.shared_socket.close()
            self.shared_socket = None

    @staticmethod
    def kill_tree(process: subprocess.Popen) -> None:
        try:
            tree = psutil.Process(process.pid)
            for child in tree.children(recursive=True):
                child.kill()
            tree.kill()
        except psutil.NoSuchProcess:
            pass
        process.wait(timeout=10)

    def tree(self) -> list[psutil.Process]:
        found = []
        for process in self.processes:
            try:
                parent = psutil.Process(process.pid)
                found += [parent, *parent.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
        return found

    def rss(self) -> int:
        """Resident memory of every process of the server, in bytes."""
        total = 0
        for process in self.tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += process.memory_info().rss
        return total

    def cpu_seconds(self) -> float:
        total = 0.0
        for process in self.tree():
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

"""The reader crowd: websocket readers in their own processes (asyncio, uvloop, `websockets`).

Each reader behaves like static/liveblog/live.js: it applies events in sequence order,
ignores what it already has, fetches the catch-up URL when it sees a gap, reconnects with
jittered exponential back-off when dropped, and after failed connections in a row (two while
its socket never worked, four once one has) polls the catch-up URL (as often as the answers'
`poll_seconds` say, give or take a quarter, the first poll at a random moment of one
interval) until a socket works again: one that brought a frame or stayed open 15 s. Like a browser it offers permessage-deflate (BENCH_OFFER_DEFLATE=0
to stop), and takes text and binary frames alike. It records
when each event was applied (CLOCK_MONOTONIC, shared by every process of this machine),
so publish-to-receive latency is `applied - publish request start`.

Run as `python -m bench.load`; the orchestrator (bench.run) drives it with one JSON
command per line on stdin and reads one JSON answer per line on stdout. `Crowd` is the
orchestrator's side: several such processes, readers split evenly between them.
"""

import asyncio
import contextlib
import gzip
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Reconnection back-off of static/liveblog/live.js: after the n-th failure in a row, wait
# between half and all of min(30 s, 2^(n-1) s).
RETRY_CEILING = 30.0
# live.js: polling starts after this many failed connections in a row (two while the page's
# socket never worked, four once it has), at the interval the server gives (until it gives
# one, POLL_SECONDS), with this jitter either way.
POLL_AFTER_FAILURES = 2
POLL_AFTER_FAILURES_ONCE_WORKED = 4
POLL_SECONDS = 5.0
POLL_JITTER = 0.25
STABLE_AFTER = 15.0
OFFER_DEFLATE = os.environ.get("BENCH_OFFER_DEFLATE", "1") != "0"
MAX_FRAME = 2**20
DEBUG = bool(os.environ.get("BENCH_DEBUG"))
READERS_PER_ADDRESS = 20


@dataclass
class Reader:
    url: str
    catchup: str | None
    last: int
    replayed: bool  # the server sends what was missed after `?after=` on connect
    source: str  # the reader's own loopback address (127.0.0.0/8 is all this machine's)
    got: dict[int, float] = field(default_factory=dict)
    # Seqs that came over a socket: one arriving twice that way is a repeat (the same
    # event also fetched by the catch-up URL is not: the reader drops it by its seq).
    framed: set[int] = field(default_factory=set)
    repeats: int = 0
    catchups: int = 0
    polls: int = 0
    reconnects: int = 0
    failures: int = 0  # failed connections in a row, as live.js counts them
    worked: bool = False  # a socket of this reader brought a frame or stayed open
    poll_seconds: float = POLL_SECONDS
    polling: asyncio.Task | None = None
    connected: bool = False
    catching_up: bool = False
    backlog: list[dict] = field(default_factory=list)
    task: asyncio.Task | None = None

    def apply(self, event: dict, at: float, framed: bool = False) -> None:
        seq = event.get("seq")
        if not isinstance(seq, int):
            return
        if framed:
            self.repeats += seq in self.framed
            self.framed.add(seq)
        if seq <= self.last:
            return
        self.got[seq] = at
        self.last = seq


class Socket(asyncio.Protocol):
    """One reader's websocket: the `websockets` Sans-I/O client protocol on a bare asyncio
    transport, so a frame is applied in the very callback that reads it (no task switch
    per frame: at 10,000 readers the crowd must cost less than the servers it measures)."""

    def __init__(self, crowd: "ReaderProcess", reader: Reader, url: str):
        from websockets.client import ClientProtocol
        from websockets.extensions.permessage_deflate import enable_client_permessage_deflate
        from websockets.uri import parse_uri

        self.crowd, self.reader = crowd, reader
        # A browser always offers compression; the server decides (production declines it).
        extensions = enable_client_permessage_deflate(None) if OFFER_DEFLATE else None
        self.protocol = ClientProtocol(
            parse_uri(url), origin=origin_of(url), extensions=extensions, max_size=MAX_FRAME
        )
        loop = asyncio.get_running_loop()
        self.opened = loop.create_future()
        self.closed = loop.create_future()
        self.transport = None
        self.parts: list[bytes] = []

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.protocol.send_request(self.protocol.connect())
        self.flush()

    def data_received(self, data: bytes) -> None:
        from websockets.frames import Opcode
        from websockets.http11 import Response

        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Response):
                if self.protocol.handshake_exc is not None:
                    settle(self.opened, self.protocol.handshake_exc)
                else:
                    # Each socket on which the server accepted compression (it declines in
                    # production); the frames scenario measures what accepting it costs.
                    self.crowd.deflated += bool(self.protocol.extensions)
                    settle(self.opened)
            elif event.opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT):
                self.parts.append(event.data)
                if event.fin:
                    text, self.parts = b"".join(self.parts), []
                    if event.opcode is not Opcode.CONT:
                        self.crowd.opcodes[event.opcode.name.lower()] += 1
                    self.crowd.receive(self.reader, json.loads(text), time.monotonic())
        self.flush()

    def flush(self) -> None:
        for chunk in self.protocol.data_to_send():
            if chunk:
                self.transport.write(chunk)
            elif self.transport.can_write_eof():
                self.transport.write_eof()

    def connection_lost(self, error) -> None:
        settle(self.opened, error or ConnectionResetError("closed before the handshake"))
        settle(self.closed)


def settle(future: asyncio.Future, error: BaseException | None = None) -> None:
    if not future.done():
        if error is None:
            future.set_result(True)
        else:
            future.set_exception(error)


class Crowd:
    """The orchestrator's handle on the reader processes."""

    def __init__(self, processes: int):
        from bench.servers import ROOT, raise_file_limit

        self.processes = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.load"],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                preexec_fn=raise_file_limit,
            )
            for _ in range(processes)
        ]

    def ask(self, command: dict, per_process: list[dict] | None = None) -> list[dict]:
        for index, process in enumerate(self.processes):
            extra = per_process[index] if per_process else {}
            process.stdin.write(json.dumps({**command, **extra}) + "\n")
            process.stdin.flush()
        answers = []
        for process in self.processes:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("a reader process died; see its error output above")
            answers.append(json.loads(line))
        return answers

    def connect(
        self, count: int, urls: list[str], after: int, catchup: str | None, replayed: bool
    ) -> dict:
        """Open `count` more readers, split between the processes; they start at seq `after`."""
        shares = split(count, len(self.processes))
        started = time.monotonic()
        command = {"urls": urls, "after": after, "catchup": catchup, "replayed": replayed}
        answers = self.ask(
            {"op": "connect", **command},
            [{"count": share, "process": index} for index, share in enumerate(shares)],
        )
        return {
            "connected": sum(a["connected"] for a in answers),
            "failed": sum(a["failed"] for a in answers),
            "seconds": time.monotonic() - started,
        }

    def collect(self, published: dict[int, float], wait: float, per_reader: bool = False) -> dict:
        """Wait until every reader has every published seq (at most `wait` s), then count.
        `per_reader`: also when each reader became current (`current_times`, monotonic)."""
        answers = self.ask(
            {"op": "collect", "published": published, "wait": wait, "per_reader": per_reader}
        )
        latencies = [value for a in answers for value in a.pop("latencies_ms")]
        times = [value for a in answers for value in a.pop("current_times", [])]
        statuses = Counter()
        for answer in answers:
            statuses.update(answer.pop("statuses"))
        merged = {key: sum(a[key] for a in answers) for key in answers[0] if key != "current_at"}
        # Answers other than 101 and 200, by status (0: no answer at all).
        merged["statuses"] = dict(statuses)
        merged["current_at"] = max((a["current_at"] for a in answers), default=0.0)
        merged["latencies_ms"] = latencies
        if per_reader:
            merged["current_times"] = times
        return merged

    def cpu_seconds(self) -> float:
        import psutil

        total = 0.0
        for process in self.processes:
            times = psutil.Process(process.pid).cpu_times()
            total += times.user + times.system
        return total

    def count(self) -> dict:
        answers = self.ask({"op": "count"})
        return {key: sum(a[key] for a in answers) for key in answers[0]}

    def http(self, url: str, seconds: float, concurrency: int) -> dict:
        answers = self.ask(
            {"op": "http", "url": url, "seconds": seconds},
            [{"concurrency": c} for c in split(concurrency, len(self.processes))],
        )
        kinds = Counter()
        for answer in answers:
            kinds.update(answer["error_kinds"])
        return {
            "requests": sum(a["requests"] for a in answers),
            "errors": sum(a["errors"] for a in answers),
            "error_kinds": dict(kinds),
            "seconds": max(a["seconds"] for a in answers),
            "latencies_ms": [value for a in answers for value in a["latencies_ms"]],
        }

    def close_readers(self) -> None:
        self.ask({"op": "close"})

    def quit(self) -> None:
        for process in self.processes:
            with contextlib.suppress(OSError, ValueError):
                process.stdin.write(json.dumps({"op": "quit"}) + "\n")
                process.stdin.flush()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def retry_delay(failures: int) -> float:
    ceiling = min(RETRY_CEILING, 2 ** (failures - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def jittered(seconds: float) -> float:
    return seconds * random.uniform(1 - POLL_JITTER, 1 + POLL_JITTER)


def current_times(readers: list[Reader], published: dict[int, float]) -> list[float]:
    """When each reader that has every published seq applied the last of them (monotonic
    seconds): the storm's recovery curve."""
    return [
        max(reader.got[seq] for seq in published)
        for reader in readers
        if published and all(seq in reader.got for seq in published)
    ]


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


# --- the reader process -----------------------------------------------------------------


async def http_get(url: str, timeout: float = 30, *, unpack: bool = True) -> tuple[int, bytes]:
    """A plain HTTP/1.1 GET on a fresh connection: what a reader's browser does on catch-up.
    It offers compression as every browser does, so the server does (and is measured doing)
    the work it does for readers, and unpacks a gzipped answer as a browser would, unless
    the body is not read (the throughput runs: a browser unpacks on its own machine, the
    bench's client would take that CPU from the server measured, on the same two cores)."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(parts.hostname, parts.port), timeout
    )
    try:
        writer.write(
            f"GET {target} HTTP/1.1\r\nHost: {parts.hostname}\r\n"
            f"Accept: application/json\r\nAccept-Encoding: {ACCEPT_ENCODING}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        raw = await asyncio.wait_for(reader.read(-1), timeout)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        body = dechunk(body)
    if unpack and b"content-encoding: gzip" in head.lower():
        body = gzip.decompress(body)
    return status, body


# What Chrome and Firefox send.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def dechunk(body: bytes) -> bytes:
    out, rest = [], body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2 :]
    return b"".join(out)


def handshake_status(error: BaseException) -> int:
    """The HTTP status of a refused handshake (0 when the server never answered)."""
    response = getattr(error, "response", None)
    return getattr(response, "status_code", 0) or 0


def origin_of(url: str) -> str:
    """The page's origin, as a browser sends it (the app refuses sockets from other sites)."""
    parts = urlsplit(url)
    return f"http://{parts.netloc}"


def events_of(payload) -> list[dict]:
    """The catch-up answer: a list of events, or an object holding one under `events`."""
    if isinstance(payload, dict):
        payload = payload.get("events", [])
    return [event for event in payload if isinstance(event, dict)]


class ReaderProcess:
    def __init__(self):
        self.readers: list[Reader] = []
        self.closing = False
        self.sources = 0
        self.background: set[asyncio.Task] = set()
        # Answers other than 200 / 101 (a 5xx during a storm is a failure of the goal).
        self.statuses: Counter[int] = Counter()
        self.deflated = 0  # sockets opened with permessage-deflate accepted by the server
        # Frames received by kind (`text`, `binary`): the server's LIVEBLOG_TEXT_FRAMES.
        self.opcodes: Counter[str] = Counter()

    async def catch_up(self, reader: Reader, attempts: int = 5) -> bool:
        if not reader.catchup:
            return False
        reader.catchups += 1
        for _attempt in range(attempts):
            try:
                status, body = await http_get(reader.catchup.format(after=reader.last))
                if status == 200:
                    answer = json.loads(body)
                    if isinstance(answer, dict) and answer.get("poll_seconds", 0) > 0:
                        reader.poll_seconds = max(1.0, float(answer["poll_seconds"]))
                    for event in sorted(events_of(answer), key=lambda e: e["seq"]):
                        reader.apply(event, time.monotonic())
                    return True
                self.statuses[status] += 1
            except (OSError, TimeoutError, ValueError):
                pass
            if attempts > 1:
                await asyncio.sleep(random.uniform(0, 1))
        return False

    def start_polling(self, reader: Reader) -> None:
        """live.js's fallback while sockets fail: the catch-up URL, one try per interval."""
        if reader.polling is None and reader.catchup:
            reader.polling = asyncio.create_task(self.poll(reader))

    def stop_polling(self, reader: Reader) -> None:
        if reader.polling is not None:
            reader.polling.cancel()
            reader.polling = None

    async def poll(self, reader: Reader) -> None:
        await asyncio.sleep(random.uniform(0, reader.poll_seconds))
        while not self.closing:
            reader.polls += 1
            if not reader.catching_up:
                await self.catch_up(reader, attempts=1)
            await asyncio.sleep(jittered(reader.poll_seconds))

    def receive(self, reader: Reader, event, at: float) -> None:
        """A frame from the socket, applied as live.js applies it: in order, once."""
        if not isinstance(event, dict):
            return
        if reader.catching_up:
            reader.backlog.append(event)
            return
        seq = event.get("seq")
        if isinstance(seq, int) and seq > reader.last + 1 and reader.catchup:
            if DEBUG:
                print("gap", reader.last, seq, file=sys.stderr)
            reader.catching_up = True
            reader.backlog.append(event)
            task = asyncio.create_task(self.catch_up_then_backlog(reader))
            self.background.add(task)
            task.add_done_callback(self.background.discard)
            return
        reader.apply(event, at, framed=True)
        # A frame came: the socket works (live.js stops polling and forgets the failures).
        reader.worked = True
        if reader.failures or reader.polling:
            reader.failures = 0
            self.stop_polling(reader)

    async def catch_up_then_backlog(self, reader: Reader) -> None:
        try:
            await self.catch_up(reader)
        finally:
            reader.catching_up = False
            backlog, reader.backlog = reader.backlog, []
            for event in backlog:
                reader.apply(event, time.monotonic(), framed=True)

    async def open_socket(self, reader: Reader) -> Socket:
        url = reader.url.format(after=reader.last)
        parts = urlsplit(url)
        loop = asyncio.get_running_loop()
        transport, socket = await asyncio.wait_for(
            loop.create_connection(
                lambda: Socket(self, reader, url),
                parts.hostname,
                parts.port,
                local_addr=(reader.source, 0),
            ),
            60,
        )
        try:
            await asyncio.wait_for(socket.opened, 60)
        except BaseException:
            transport.abort()
            raise
        return socket

    async def run_reader(self, reader: Reader, opened: asyncio.Future) -> None:
        from websockets.exceptions import WebSocketException

        first = True
        while not self.closing:
            try:
                socket = await self.open_socket(reader)
            except (OSError, TimeoutError, WebSocketException) as error:
                if first:
                    opened.set_exception(error)
                    return
                if isinstance(error, WebSocketException):
                    self.statuses[handshake_status(error)] += 1
                self.failed_once(reader)
                await asyncio.sleep(retry_delay(reader.failures))
                continue
            reader.connected = True
            stable = asyncio.get_running_loop().call_later(
                STABLE_AFTER, self.worked, reader, socket
            )
            if first:
                opened.set_result(True)
                first = False
            else:
                reader.reconnects += 1
                if not reader.replayed:
                    await self.catch_up(reader)
            try:
                await socket.closed
            finally:
                stable.cancel()
                socket.transport.abort()
                reader.connected = False
            if not self.closing:
                self.failed_once(reader)
                await asyncio.sleep(retry_delay(reader.failures))

    def failed_once(self, reader: Reader) -> None:
        reader.failures += 1
        if reader.failures >= (
            POLL_AFTER_FAILURES_ONCE_WORKED if reader.worked else POLL_AFTER_FAILURES
        ):
            self.start_polling(reader)

    def worked(self, reader: Reader, socket: "Socket") -> None:
        """Open for STABLE_AFTER seconds without a frame: the socket counts as working."""
        if not socket.closed.done():
            reader.worked = True
            reader.failures = 0
            self.stop_polling(reader)

    def source(self, process: int) -> str:
        """A few readers per address, as from many homes: the app allows
        LIVEBLOG_SOCKETS_PER_ADDRESS (50) sockets per address and process."""
        self.sources += 1
        block = self.sources // READERS_PER_ADDRESS
        return f"127.{10 + process}.{block // 250}.{block % 250 + 1}"

    async def connect(self, command: dict) -> dict:
        urls, count = command["urls"], command["count"]
        # Handshakes in flight per process: readers arrive in a stream, not all in one
        # instant; and the naive peer's group_add per reader needs a Redis connection
        # each, from a pool of 100 (redis-py's default) that raises when exhausted.
        gate = asyncio.Semaphore(32)
        outcomes = {"connected": 0, "failed": 0}

        async def open_one(index: int) -> None:
            reader = Reader(
                urls[index % len(urls)],
                command["catchup"],
                command["after"],
                command["replayed"],
                self.source(command["process"]),
            )
            async with gate:
                opened = asyncio.get_running_loop().create_future()
                reader.task = asyncio.create_task(self.run_reader(reader, opened))
                try:
                    await opened
                    self.readers.append(reader)
                    outcomes["connected"] += 1
                except (OSError, TimeoutError, Exception):
                    outcomes["failed"] += 1

        await asyncio.gather(*(open_one(index) for index in range(count)))
        return outcomes

    async def collect(self, command: dict) -> dict:
        published = {int(seq): start for seq, start in command["published"].items()}
        deadline = time.monotonic() + command["wait"]
        while time.monotonic() < deadline and not all(
            all(seq in reader.got for seq in published) for reader in self.readers
        ):
            await asyncio.sleep(0.1)
        latencies, delivered, current_at = [], 0, 0.0
        for reader in self.readers:
            for seq, start in published.items():
                at = reader.got.get(seq)
                if at is not None:
                    delivered += 1
                    latencies.append(round((at - start) * 1000, 2))
                    current_at = max(current_at, at)
        expected = len(self.readers) * len(published)
        answer = {
            "readers": len(self.readers),
            "expected": expected,
            "delivered": delivered,
            "missing": expected - delivered,
            "repeats": sum(reader.repeats for reader in self.readers),
            "catchups": sum(reader.catchups for reader in self.readers),
            "polls": sum(reader.polls for reader in self.readers),
            "reconnects": sum(reader.reconnects for reader in self.readers),
            "server_errors": sum(n for status, n in self.statuses.items() if status >= 500),
            "statuses": {str(status): n for status, n in self.statuses.items()},
            "current_at": current_at,
            "text_frames": self.opcodes["text"],
            "binary_frames": self.opcodes["binary"],
            "compressed_sockets": self.deflated,
            "latencies_ms": latencies,
        }
        if command.get("per_reader"):
            answer["current_times"] = current_times(self.readers, published)
        return answer

    def count(self) -> dict:
        import psutil

        return {
            "rss": psutil.Process().memory_info().rss,
            "readers": len(self.readers),
            "connected": sum(reader.connected for reader in self.readers),
        }

    async def http(self, command: dict) -> dict:
        deadline = time.monotonic() + command["seconds"]
        latencies, errors = [], Counter()
        started = time.monotonic()

        async def worker() -> None:
            while time.monotonic() < deadline:
                begun = time.monotonic()
                try:
                    status, _body = await http_get(command["url"], unpack=False)
                    error = None if status == 200 else f"HTTP {status}"
                except (OSError, TimeoutError, ValueError, IndexError) as failure:
                    error = type(failure).__name__
                if error is None:
                    latencies.append(round((time.monotonic() - begun) * 1000, 2))
                else:
                    errors[error] += 1
                    await asyncio.sleep(0.05)

        await asyncio.gather(*(worker() for _ in range(command["concurrency"])))
        return {
            "requests": len(latencies),
            "errors": sum(errors.values()),
            "error_kinds": dict(errors),
            "seconds": time.monotonic() - started,
            "latencies_ms": latencies,
        }

    async def close(self) -> dict:
        self.closing = True
        for reader in self.readers:
            self.stop_polling(reader)
        tasks = [reader.task for reader in self.readers if reader.task]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.readers.clear()
        self.closing = False
        return {"closed": len(tasks)}

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        stdin = asyncio.StreamReader(limit=2**26)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
        while line := await stdin.readline():
            command = json.loads(line)
            op = command["op"]
            if op == "quit":
                await self.close()
                return
            if op == "count":
                answer = self.count()
            else:
                answer = await getattr(self, op)(command)
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()


def main() -> None:
    import uvloop

    uvloop.run(ReaderProcess().serve())


if __name__ == "__main__":
    main()

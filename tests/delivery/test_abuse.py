"""The readers' websocket under abuse, against real daphne and uvicorn processes.

Oversized frames, garbage, too many sockets from one address and readers that never
read: the abuser's socket is closed or refused, the server stays up with bounded
memory, and a reader watching all along gets every event, in order, once.

The servers run on this test run's database and find new events through their log
check (every 0.2 s here), so posts are published from the test process.
"""

import contextlib
import json
import os
import threading

import pytest
from websockets.sync.client import connect

from newsroom.asgi import application
from tests.helpers import WAIT, ReaderSocket, wait_until
from tests.helpers.servers import (
    DAPHNE_MESSAGE_LIMIT,
    FRAME_LIMIT,
    AppServer,
    RawSocket,
    database_url,
)

pytestmark = pytest.mark.django_db(transaction=True)

CONTINUATION, TEXT, BINARY = 0x0, 0x1, 0x2
# Close codes: invalid data (not UTF-8) and too big (RFC 6455); readers only listen (ours).
INVALID_DATA, TOO_BIG, READ_ONLY = 1007, 1009, 4008


@pytest.fixture(scope="module", params=["daphne", "uvicorn"])
def server(request, django_db_setup, django_db_blocker, tmp_path_factory):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        "LIVEBLOG_RESYNC_SECONDS": "0.2",
    }
    running = AppServer(request.param, env)
    yield running
    running.stop()


@pytest.fixture
def watcher(server, session):
    """A well-behaved reader, connected before the abuse starts."""
    with connect(
        f"ws://127.0.0.1:{server.port}/ws/live/{session.slug}/?after={session.last_seq}",
        origin=server.url,
        open_timeout=WAIT,
    ) as reader:
        yield reader


def publish_and_receive(watcher, session, make_post, count: int = 3, text: str = "") -> list[int]:
    """Publishes `count` posts; the seq numbers the watcher then gets, in the order it got them."""
    session.refresh_from_db()
    start = session.last_seq
    for number in range(count):
        blocks = (("paragraph", {"text": f"<p>Kilomètre {number}. {text}</p>"}),)
        make_post(session, title=f"Kilomètre {number}", minutes=number, blocks=blocks)
    received = [json.loads(watcher.recv(timeout=WAIT))["seq"] for _ in range(count)]
    assert received == list(range(start + 1, start + count + 1))
    return received


def reader_path(session) -> str:
    return f"/ws/live/{session.slug}/?after={session.last_seq}"


def test_an_oversized_frame_is_refused_before_it_is_read(server, session, watcher, make_post):
    abuser = RawSocket(server.port, reader_path(session))
    assert abuser.status == 101
    # Announces 64 MiB and sends the first 64 KiB: the server closes on the header alone.
    with contextlib.suppress(OSError):  # closed while we were still writing: just as good
        abuser.send_frame(TEXT, b"x" * 65536, announced=64 * 1024 * 1024)
    assert abuser.closed_by_server() in (TOO_BIG, "dropped")
    abuser.close()
    assert server.alive()
    publish_and_receive(watcher, session, make_post)


def test_the_frame_limit_is_where_the_production_command_sets_it(server, session, watcher):
    at_limit = RawSocket(server.port, reader_path(session))
    at_limit.send_frame(TEXT, b"x" * FRAME_LIMIT)
    assert at_limit.closed_by_server() == READ_ONLY, "read, then closed: readers only listen"
    at_limit.close()
    over = RawSocket(server.port, reader_path(session))
    over.send_frame(TEXT, b"x" * (FRAME_LIMIT + 1))
    # uvicorn says why; daphne (autobahn) drops the connection at once.
    assert over.closed_by_server() == (TOO_BIG if server.kind == "uvicorn" else "dropped")
    over.close()


def test_a_message_in_small_fragments_is_refused_at_the_message_limit(server, session, watcher):
    """Each frame under the frame limit, the message as a whole far over the server's limit."""
    limit = FRAME_LIMIT if server.kind == "uvicorn" else DAPHNE_MESSAGE_LIMIT
    abuser = RawSocket(server.port, reader_path(session))
    fragment = b"x" * FRAME_LIMIT
    with contextlib.suppress(OSError):  # closed while we were still writing: just as good
        abuser.send_frame(TEXT, fragment, final=False)
        for _ in range(limit // FRAME_LIMIT + 8):
            abuser.send_frame(CONTINUATION, fragment, final=False)
    assert abuser.closed_by_server() == (TOO_BIG if server.kind == "uvicorn" else "dropped")
    abuser.close()
    assert server.alive()


@pytest.mark.parametrize(
    "opcode, payload, codes",
    [
        # autobahn (daphne) drops a connection that breaks the protocol without a close frame.
        pytest.param(
            TEXT, b"\xff\xfe\xc3\x28 pas de l'UTF-8", {INVALID_DATA, "dropped"}, id="not-utf8"
        ),
        pytest.param(BINARY, bytes(range(256)), {READ_ONLY}, id="binary"),
        pytest.param(TEXT, b'{"seq": 1, "kind": ', {READ_ONLY}, id="invalid-json"),
        pytest.param(TEXT, b'{"after": 0}', {READ_ONLY}, id="valid-json"),
    ],
)
def test_garbage_closes_the_sender_and_leaves_the_others_alone(
    server, session, watcher, make_post, opcode, payload, codes
):
    abuser = RawSocket(server.port, reader_path(session))
    assert abuser.status == 101
    abuser.send_frame(opcode, payload)
    assert abuser.closed_by_server() in codes
    abuser.close()
    assert server.alive()
    publish_and_receive(watcher, session, make_post)


def test_one_address_holds_at_most_fifty_sockets_and_others_still_connect(
    server, session, watcher, make_post
):
    path = reader_path(session)
    # The watcher is the first of this address's fifty.
    crowd = [RawSocket(server.port, path) for _ in range(49)]
    try:
        assert {raw.status for raw in crowd} == {101}
        extra = RawSocket(server.port, path)
        assert extra.status == 403, "the fifty-first socket from one address is refused"
        extra.close()
        neighbour = RawSocket(server.port, path, source="127.0.0.2")
        assert neighbour.status == 101, "another address is not held back"
        neighbour.close()

        crowd.pop().close()
        wait_until(lambda: accepted(server.port, path), "a closed socket to free its place")
        publish_and_receive(watcher, session, make_post)
    finally:
        for raw in crowd:
            raw.close()


def accepted(port: int, path: str) -> bool:
    # The server counts a socket out once it has seen it close, a moment after.
    raw = RawSocket(port, path)
    raw.close()
    return raw.status == 101


STUCK_READERS = 300
POSTS = 60
# About 16 KB of text per post: each stuck reader is owed far more than socket buffers hold.
LONG_TEXT = "Les coureurs passent le pont suspendu sous les encouragements. " * 250
# Generous: each stuck reader may leave up to 64 KiB in daphne's buffer (plus a frame in
# flight); uvicorn holds next to nothing. Without a bound the server keeps all it owes
# them: 300 readers x 60 posts x 16 KB, about 280 MB (daphne without liveblog.delivery.guards:
# +147 MB when measured, and it fails here).
MEMORY_BOUND_KIB = 64 * 1024


class PeakMemory(threading.Thread):
    """Samples the server's RSS until stopped; `peak` is the highest seen."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.peak = server.rss_kib()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, self.server.rss_kib())


def test_readers_that_never_read_leave_memory_bounded_and_the_others_served(
    server, session, watcher, make_post
):
    path = reader_path(session)
    # Forty per address, under the cap: eight neighbours on the loopback network.
    stuck = [
        RawSocket(server.port, path, source=f"127.0.0.{2 + number // 40}", receive_buffer=4096)
        for number in range(STUCK_READERS)
    ]
    try:
        assert {raw.status for raw in stuck} == {101}
        publish_and_receive(watcher, session, make_post, count=1)
        start = server.rss_kib()
        memory = PeakMemory(server)
        memory.start()
        publish_and_receive(watcher, session, make_post, count=POSTS, text=LONG_TEXT)
        memory.done.set()
        memory.join(timeout=WAIT)
        owed_kib = STUCK_READERS * POSTS * len(LONG_TEXT) // 1024
        assert owed_kib > 2 * MEMORY_BOUND_KIB, "the stuck readers must be owed more than the bound"
        assert memory.peak - start < MEMORY_BOUND_KIB, (
            f"{server.kind} grew by {memory.peak - start} KiB"
        )
        assert server.alive()
    finally:
        for raw in stuck:
            raw.close()


async def test_behind_a_proxy_the_configured_header_names_the_address(settings, session):
    """Through the proxy every socket comes from 127.0.0.1: the header it sets decides."""
    settings.LIVEBLOG_SOCKETS_PER_ADDRESS = 1
    settings.LIVEBLOG_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.LIVEBLOG_CLIENT_ADDRESS_HEADER = "X-Forwarded-For"

    async def opened(forwarded: str, peer: str = "127.0.0.1") -> ReaderSocket | None:
        headers = [(b"origin", b"http://127.0.0.1:8000"), (b"x-forwarded-for", forwarded.encode())]

        async def from_peer(scope, receive, send):
            return await application({**scope, "client": (peer, 50000)}, receive, send)

        socket = ReaderSocket(from_peer, f"/ws/live/{session.slug}/", headers)
        accepted, _code = await socket.connect()
        return socket if accepted else None

    first = await opened("203.0.113.7")
    assert first is not None
    # A client may put anything in the header; the proxy appends the address it saw.
    assert await opened("198.51.100.1, 203.0.113.7") is None, "one socket for 203.0.113.7"
    second = await opened("203.0.113.7, 198.51.100.20")
    assert second is not None, "another reader behind the same proxy"
    direct = await opened("192.0.2.1", peer="198.51.100.20")
    assert direct is None, "a peer that is not the proxy cannot name another address"
    await first.disconnect()
    await second.disconnect()

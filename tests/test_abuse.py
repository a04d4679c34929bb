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
import time

import pytest
from websockets.sync.client import connect

from tests.servers import FRAME_LIMIT, AppServer, RawSocket, database_url

pytestmark = pytest.mark.django_db(transaction=True)

TEXT, BINARY = 0x1, 0x2
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
        open_timeout=10,
    ) as reader:
        yield reader


def publish_and_receive(watcher, session, make_post, count: int = 3, text: str = "") -> list[int]:
    """Publishes `count` posts; the seq numbers the watcher then gets, in the order it got them."""
    session.refresh_from_db()
    start = session.last_seq
    for number in range(count):
        blocks = (("paragraph", {"text": f"<p>Kilomètre {number}. {text}</p>"}),)
        make_post(session, title=f"Kilomètre {number}", minutes=number, blocks=blocks)
    received = [json.loads(watcher.recv(timeout=10))["seq"] for _ in range(count)]
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
        assert eventually_accepted(server.port, path), "a closed socket frees its place"
        publish_and_receive(watcher, session, make_post)
    finally:
        for raw in crowd:
            raw.close()


def eventually_accepted(port: int, path: str) -> bool:
    # The server counts a socket out once it has seen it close: allow it a moment.
    for _ in range(50):
        raw = RawSocket(port, path)
        raw.close()
        if raw.status == 101:
            return True
        time.sleep(0.1)
    return False

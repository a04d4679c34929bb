"""The audience across two real server processes on PostgreSQL and Redis: readers connected
to either are counted, and those of a process that dies leave the count within seconds."""

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack

import pytest
from websockets.sync.client import connect

from liveblog.delivery.audience_count import ENTRY_TTL, RedisBoard
from tests.helpers import WAIT
from tests.helpers.servers import POSTGRES, AppServer, manage, production_environment
from tests.helpers.services import missing_service

DATABASE = "lb_newsroom_audience"
REDIS_URL = "redis://127.0.0.1:6379/14"
# Redis DB 14 is shared with the other files of this group (tests/conftest.py).
pytestmark = pytest.mark.xdist_group("redis-db-14")
PASSWORD = "pw-audience-2026"

SETUP = """
from django.contrib.auth import get_user_model
from liveblog.domain.sessions import start_session
from liveblog.models import LiveSession
chef = get_user_model().objects.create_superuser("chef", "chef@example.org", "%s")
session = LiveSession.objects.create(slug="marathon", headline="Marathon des Deux-Rives")
start_session(session=session, by=chef)
print(session.pk)
"""


def services_or_skip() -> RedisBoard:
    import psycopg

    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
        board = RedisBoard(REDIS_URL)
        board.redis.ping()
    except Exception as error:
        missing_service(f"needs PostgreSQL and Redis on this machine: {error}")
    board.clear()
    return board


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    board = services_or_skip()
    env = production_environment(DATABASE, REDIS_URL, tmp_path_factory.mktemp("media"))
    session_id = int(manage(env, "shell", "-c", SETUP % PASSWORD).split()[-1])
    servers = [AppServer("uvicorn", env) for _ in range(2)]
    yield board, session_id, servers
    for server in servers:
        server.stop()
    board.clear()


def reader(server: AppServer):
    return connect(
        f"ws://127.0.0.1:{server.port}/ws/live/marathon/", origin=server.url, open_timeout=10
    )


def count_becomes(board: RedisBoard, session_id: int, expected: int) -> None:
    # A dead process's entries last ENTRY_TTL seconds; the rest is room for a busy machine.
    deadline = time.monotonic() + WAIT + ENTRY_TTL
    while board.total(session_id, time.time()) != expected:
        assert time.monotonic() < deadline, (
            f"the count stayed at {board.total(session_id, time.time())}, not {expected}"
        )
        time.sleep(0.1)


def editor_reads_audience(server: AppServer) -> str:
    """The editor logs in on this server and reads the desk's audience panel."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    form = opener.open(server.url + "/editor/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    fields = {"csrfmiddlewaretoken": token, "username": "chef", "password": PASSWORD}
    opener.open(
        server.url + "/editor/login/", urllib.parse.urlencode(fields).encode(), timeout=10
    ).read()
    return opener.open(server.url + "/editor/marathon/audience/", timeout=10).read().decode()


def test_the_count_follows_readers_on_two_processes_and_drops_when_one_dies(two_servers):
    board, session_id, (first, second) = two_servers
    with ExitStack() as readers:
        for server in (first, first, second, second):
            readers.enter_context(reader(server))
        with reader(first):
            count_becomes(board, session_id, 5)
            assert "<strong data-readers-now>5</strong>" in editor_reads_audience(first)
        count_becomes(board, session_id, 4)

        second.kill()
        count_becomes(board, session_id, 2)
        panel = editor_reads_audience(first)
        assert "<strong data-readers-now>2</strong>" in panel
        assert "Pic : 5 " in panel or "Peak: 5 " in panel

"""The live's audience: each process's counts add up, expire when a process stops, and the
peak and each post's first minute are kept."""

import asyncio
import time

import pytest
from channels.testing import WebsocketCommunicator

from liveblog.delivery import audience_count
from liveblog.delivery.audience_count import (
    LocalBoard,
    RedisBoard,
    first_minute,
    from_the_newsroom,
)
from newsroom.asgi import application
from tests.helpers import WAIT, connected
from tests.helpers.services import missing_service

# Redis DB 14 is shared with the other files of this group (tests/conftest.py).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("redis-db-14")]

REDIS_URL = "redis://127.0.0.1:6379/14"
T = 1_800_000_000.0  # a moment, in seconds since the epoch, on a ten-second boundary


def redis_board() -> RedisBoard:
    board = RedisBoard(REDIS_URL, prefix="test:audience")
    try:
        board.redis.ping()
    except Exception as error:
        missing_service(f"Redis is not reachable at {REDIS_URL}: {error}")
    board.clear()
    return board


@pytest.fixture(params=["memory", "redis"])
def board(request):
    board = LocalBoard() if request.param == "memory" else redis_board()
    yield board
    board.clear()


def test_the_count_of_a_live_is_the_sum_of_every_process_count(board):
    board.publish("one", {1: 120, 2: 4}, T)
    board.publish("two", {1: 80}, T)
    assert board.total(1, T + 1) == 200
    assert board.total(2, T + 1) == 4
    assert board.total(3, T + 1) == 0


def test_a_process_that_reports_no_reader_left_leaves_the_count_at_once(board):
    board.publish("one", {1: 120}, T)
    board.publish("two", {1: 80}, T)
    board.publish("two", {1: 0}, T + 2)
    assert board.total(1, T + 2) == 120


def test_a_process_that_stops_reporting_drops_out_after_its_entries_expire(board):
    board.publish("one", {1: 120}, T)
    board.publish("two", {1: 80}, T)
    if isinstance(board, RedisBoard):
        # Redis expires keys on its own clock: let the dead process's entry run out for real.
        board.redis.pexpire(f"{board.prefix}:1:process:two", 50)
        deadline = time.monotonic() + WAIT
        while board.redis.exists(f"{board.prefix}:1:process:two") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert board.total(1, T) == 120
        assert board.redis.smembers(f"{board.prefix}:1:processes") == {b"one"}
    else:
        board.publish("one", {1: 121}, T + audience_count.ENTRY_TTL - 1)
        assert board.total(1, T + audience_count.ENTRY_TTL + 1) == 121


def test_the_peak_is_the_highest_total_recorded_and_when_it_was(board):
    board.record(1, 150, T)
    board.record(1, 310, T + 60)
    board.record(1, 200, T + 120)
    assert board.peak(1) == (310, T + 60)
    assert board.peak(2) is None


def test_each_slice_of_time_keeps_its_highest_count(board):
    board.record(1, 10, T)
    board.record(1, 30, T + 3)
    board.record(1, 20, T + 7)
    board.record(1, 5, T + 12)
    assert board.samples(1) == {int(T): 30, int(T) + 10: 5}


def test_a_posts_first_minute_counts_the_most_readers_seen_in_the_minute_after_it():
    samples = {int(T) - 10: 900, int(T): 100, int(T) + 30: 250, int(T) + 50: 120, int(T) + 70: 800}
    assert first_minute(samples, T + 4) == 250
    assert first_minute(samples, T + 200) is None


def test_reporting_records_the_total_of_every_process_as_the_live_peak(settings):
    settings.REDIS_URL = ""
    board = audience_count.board()
    audience_count.report("one", {7: 3}, now=T)
    audience_count.report("two", {7: 4}, now=T + 1)
    assert board.total(7, T + 2) == 7
    assert board.peak(7) == (7, T + 1)


async def wait_for_count(session_id: int, expected: int) -> None:
    board = audience_count.board()
    deadline = time.monotonic() + WAIT
    while board.total(session_id, time.time()) != expected:
        assert time.monotonic() < deadline, f"the count never reached {expected}"
        await asyncio.sleep(0.05)


async def test_readers_on_their_sockets_are_counted_and_leave_the_count(session, monkeypatch):
    monkeypatch.setattr(audience_count, "PUBLISH_EVERY", 0.1)
    first = await connected(session.slug)
    second = await connected(session.slug)
    await wait_for_count(session.pk, 2)
    await first.disconnect()
    await wait_for_count(session.pk, 1)
    await second.disconnect()
    await wait_for_count(session.pk, 0)
    assert audience_count.board().peak(session.pk)[0] == 2


async def test_a_socket_opened_with_a_login_session_is_not_counted(session, monkeypatch):
    monkeypatch.setattr(audience_count, "PUBLISH_EVERY", 0.1)
    desk = WebsocketCommunicator(
        application,
        f"/ws/live/{session.slug}/",
        headers=[
            (b"origin", b"http://127.0.0.1:8000"),
            (b"cookie", b"csrftoken=abc; sessionid=xyz"),
        ],
    )
    assert (await desk.connect())[0]
    reader = await connected(session.slug)
    await wait_for_count(session.pk, 1)
    await reader.disconnect()
    await wait_for_count(session.pk, 0)
    await desk.disconnect()


def test_only_the_login_session_cookie_marks_a_socket_as_the_newsrooms():
    def scope(cookie: bytes) -> dict:
        return {"headers": [(b"origin", b"http://x"), (b"cookie", cookie)]}

    assert from_the_newsroom(scope(b"sessionid=abc"))
    assert from_the_newsroom(scope(b"django_language=fr; sessionid=abc"))
    assert not from_the_newsroom(scope(b"csrftoken=abc; django_language=fr"))
    assert not from_the_newsroom(scope(b"oldsessionid=abc"))
    assert not from_the_newsroom({"headers": []})


def test_the_desk_shows_readers_now_the_peak_and_each_posts_first_minute(
    client, editor, session, make_post
):
    post = make_post(session, title="Le peloton passe le pont", minutes=12)
    published = post.published_at.timestamp()
    board = audience_count.board()
    board.record(session.pk, 420, published + 20)
    board.record(session.pk, 390, published + 400)
    board.publish("one", {session.pk: 37}, time.time())
    client.force_login(editor)
    page = client.get(f"/editor/{session.slug}/audience/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "37</strong> lecteurs en ce moment" in text
    assert "Pic : 420 le 21 octobre 2025 à 6H42 TU" in text
    assert "6H42</time> Le peloton passe le pont</td><td>420</td>" in text


def test_nobody_off_the_desk_sees_the_audience(client, django_user_model, session):
    assert client.get(f"/editor/{session.slug}/audience/").status_code == 302
    client.force_login(django_user_model.objects.create_user("lecteur", password="pw"))
    assert client.get(f"/editor/{session.slug}/audience/").status_code == 403


def test_the_desk_page_loads_its_audience_panel(client, editor, session):
    client.force_login(editor)
    page = client.get(f"/editor/{session.slug}/").content.decode()
    assert f'hx-get="/editor/{session.slug}/audience/"' in page


def test_the_desk_says_so_when_the_count_cannot_be_read(client, editor, session, monkeypatch):
    # A Redis that is not there (a closed port): the desk page goes on without a count.
    unreachable = RedisBoard("redis://127.0.0.1:1/14")
    monkeypatch.setattr(audience_count, "board", lambda: unreachable)
    client.force_login(editor)
    page = client.get(f"/editor/{session.slug}/audience/")
    assert page.status_code == 200
    assert "Le nombre de lecteurs n\u2019est pas disponible pour le moment" in page.content.decode()

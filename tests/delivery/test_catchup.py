"""Catch-up over plain HTTP: what a reader missed, for pages that cannot keep a websocket."""

import asyncio
import threading

import pytest

from liveblog.delivery.catchup import Answers, database_read, missed_events
from liveblog.domain.posts import delete_post, record_edit
from liveblog.models import Block
from tests.helpers import WAIT

pytestmark = pytest.mark.django_db


def events_url(session, after) -> str:
    return f"/live/{session.slug}/events?after={after}"


def test_reader_gets_what_it_missed_edits_and_deletions_included_in_order(
    client, session, make_post
):
    at = session.last_seq
    start = make_post(session, title="Départ", minutes=0)
    finish = make_post(session, title="Arrivée", minutes=130)
    Block.objects.filter(post=start).update(text="Départ donné à 8H30.")
    record_edit(post=start, by=start.author)
    delete_post(post=finish, by=finish.author)

    response = client.get(events_url(session, at))

    assert response.status_code == 200
    events = response.json()["events"]
    assert [(e["seq"], e["kind"], e["post"]) for e in events] == [
        (at + 1, "post.published", start.pk),
        (at + 2, "post.published", finish.pk),
        (at + 3, "post.updated", start.pk),
        (at + 4, "post.deleted", finish.pk),
    ]
    assert "Départ donné à 8H30." in events[2]["html"]
    assert "Mis à jour le" in events[2]["html"]  # published on race day, edited today
    assert response.json()["reload"] is False


def test_reader_up_to_date_gets_nothing(client, session, make_post):
    make_post(session)
    assert client.get(events_url(session, session.last_seq)).json()["events"] == []


def test_catch_up_is_cacheable_for_a_few_seconds(client, session):
    response = client.get(events_url(session, 0))
    assert "max-age=3" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


def test_reader_far_behind_is_told_to_reload(client, session, make_post):
    post = make_post(session)
    for _ in range(300):
        record_edit(post=post, by=post.author)
    payload = client.get(events_url(session, 0)).json()
    assert payload == {"reload": True, "events": [], "poll_seconds": 5}


def test_position_ahead_of_the_log_means_reload(client, session):
    assert client.get(events_url(session, session.last_seq + 5)).json()["reload"] is True


@pytest.mark.parametrize("after", ["", "abc", "-1", "1e3"])
def test_malformed_position_gets_a_clear_message(client, session, after):
    response = client.get(events_url(session, after))
    assert response.status_code == 400
    assert response.json() == {
        "error": "Indiquez le numéro de séquence où vous en êtes, sous la forme ?after=<nombre>."
    }


def test_unknown_live_is_not_found(client):
    assert client.get("/live/no-such-live/events?after=0").status_code == 404


def test_each_answer_tells_the_page_how_often_to_poll(client, session, settings):
    assert client.get(events_url(session, 0)).json()["poll_seconds"] == 5
    settings.LIVEBLOG_POLL_SECONDS = 12
    assert client.get(events_url(session, 0)).json()["poll_seconds"] == 12


def test_readers_asking_from_the_same_position_get_the_first_answer_for_one_query(
    client, session, make_post, django_assert_num_queries
):
    at = session.last_seq
    make_post(session, title="Départ")
    make_post(session, title="Ravitaillement", minutes=30)
    first = client.get(events_url(session, at))
    # The second reader's request only reads the live's position (for its validators).
    with django_assert_num_queries(1):
        second = client.get(events_url(session, at))
    assert second.content == first.content
    assert [e["seq"] for e in second.json()["events"]] == [at + 1, at + 2]


def test_a_kept_answer_is_not_given_once_the_live_has_moved_on(client, session, make_post):
    at = session.last_seq
    post = make_post(session, title="Une rumeur au km 12")
    assert "Une rumeur au km 12" in client.get(events_url(session, at)).content.decode()
    delete_post(post=post, by=post.author)
    answer = client.get(events_url(session, at))
    assert "Une rumeur au km 12" not in answer.content.decode()
    assert [e["kind"] for e in answer.json()["events"]] == ["post.published", "post.deleted"]


def test_an_answer_goes_no_further_than_the_position_it_was_read_at(session, make_post):
    at = session.last_seq
    make_post(session, title="Départ")
    make_post(session, title="Arrivée", minutes=130)
    assert [event.seq for event in missed_events(session.pk, at, at + 1)] == [at + 1]


@pytest.mark.django_db(transaction=True)
async def test_websocket_side_reads_run_side_by_side_not_queued_on_one_thread():
    # Each read waits for the other to start: queued on one thread, the first would wait
    # for ever (the barrier breaks after WAIT seconds and the test fails).
    both_reading = threading.Barrier(2, timeout=WAIT)

    def read(n: int) -> int:
        both_reading.wait()
        return n

    assert await asyncio.gather(database_read(read)(1), database_read(read)(2)) == [1, 2]


def test_the_answers_a_process_keeps_stay_within_their_byte_budget():
    kept = Answers(size=10, budget=100)
    for after in range(5):
        kept.keep(("live", after), b"x" * 30)
    # Anyone may ask from any position: the oldest answers go first, the newest stay.
    assert kept.bytes <= 100
    assert kept.get(("live", 0)) is None
    assert kept.get(("live", 4)) == b"x" * 30
    kept.keep(("live", "huge"), b"x" * 101)
    assert kept.get(("live", "huge")) is None, "bigger than the budget: never kept"

"""Catch-up over plain HTTP: what a reader missed, for pages that cannot keep a websocket."""

import pytest

from liveblog.domain.posts import delete_post, record_edit
from liveblog.models import Block

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
    assert "Mis à jour à" in events[2]["html"]
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
    assert payload == {"reload": True, "events": []}


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

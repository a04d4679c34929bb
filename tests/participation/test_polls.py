import math
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from liveblog.domain.polls import cast_vote, create_poll_post, flush_poll_results
from liveblog.live.participation import VOTES_COOKIE
from liveblog.models import Event, Poll
from tests.helpers import WAIT, eventually

pytestmark = pytest.mark.django_db


def vote(client, session, poll, label="Amara", **extra):
    choice = poll.choices.get(label=label)
    url = reverse("live:poll-vote", args=[session.slug, poll.pk])
    return client.post(url, {"choice": choice.pk}, **extra)


def test_an_editor_publishes_a_poll_from_the_desk(client, session, editor):
    client.force_login(editor)
    url = reverse("desk:poll-new", args=[session.slug])
    data = {"question": "Fera-t-il beau à l'arrivée ?", "minutes": 20}
    refused = client.post(url, data | {"choice_1": "Oui"})
    assert refused.status_code == 422
    assert not Poll.objects.exists()
    client.post(url, data | {"choice_1": "Oui", "choice_2": "Non", "choice_3": "Peut-être"})
    poll = Poll.objects.get()
    assert [choice.label for choice in poll.choices.all()] == ["Oui", "Non", "Peut-être"]
    page = client.get(session.get_absolute_url()).text
    assert "Fera-t-il beau à l&#x27;arrivée ?" in page and 'name="choice"' in page


def test_a_poll_needs_two_to_six_choices(session, editor):
    from django.core.exceptions import ValidationError

    closes = timezone.now() + timedelta(minutes=5)
    with pytest.raises(ValidationError, match="entre 2 et 6"):
        create_poll_post(
            session=session, by=editor, question="?", choices=list("abcdefg"), closes_at=closes
        )


def test_a_vote_is_counted_and_shows_the_results_without_javascript(client, session, poll):
    response = vote(client, session, poll)
    assert response.status_code == 200
    assert "Merci : votre vote est compté." in response.text
    assert "1 vote" in response.text and "100 %" in response.text
    assert 'name="choice"' not in response.text
    assert VOTES_COOKIE in response.cookies
    assert poll.choices.get(label="Amara").votes == 1


def test_a_second_vote_from_the_same_browser_is_refused_and_not_counted(client, session, poll):
    vote(client, session, poll)
    again = vote(client, session, poll, label="Bruno")
    assert again.status_code == 409
    assert "Vous avez déjà voté à ce sondage." in again.text
    assert poll.choices.get(label="Bruno").votes == 0


def test_a_forged_vote_cookie_does_not_count_as_a_vote(client, session, poll):
    client.cookies[VOTES_COOKIE] = f"{poll.pk}-1:forged:signature"
    assert vote(client, session, poll).status_code == 200


def test_one_address_cannot_vote_without_end_by_clearing_its_cookie(
    client, session, poll, monkeypatch
):
    from liveblog.live import participation

    monkeypatch.setattr(participation, "VOTES_PER_ADDRESS", (2, 3600))
    for _ in range(2):
        client.cookies.clear()
        assert vote(client, session, poll).status_code == 200
    client.cookies.clear()
    refused = vote(client, session, poll)
    assert refused.status_code == 429 and "Trop de votes" in refused.text
    assert poll.choices.get(label="Amara").votes == 2


def test_results_are_hidden_on_the_live_page_until_the_poll_closes(client, session, poll):
    page = client.get(session.get_absolute_url()).text
    assert "data-poll-results hidden" in page
    Poll.objects.update(closes_at=timezone.now() - timedelta(seconds=1))
    flush_poll_results()  # the scheduler's closing event moves the page on
    page = client.get(session.get_absolute_url()).text
    assert "data-poll-results hidden" not in page and "Sondage clos" in page
    assert 'name="choice"' not in page


def test_a_vote_on_a_closed_poll_is_refused(client, session, poll):
    Poll.objects.update(closes_at=timezone.now() - timedelta(seconds=1))
    response = vote(client, session, poll)
    assert response.status_code == 400 and "Ce sondage est clos" in response.text


def test_a_vote_without_a_choice_is_refused_with_a_message(client, session, poll):
    url = reverse("live:poll-vote", args=[session.slug, poll.pk])
    response = client.post(url, {})
    assert response.status_code == 400 and "Choisissez une des réponses" in response.text


def test_votes_within_a_second_share_one_results_event_and_the_flush_sends_the_rest(session, poll):
    now = timezone.now()
    amara = poll.choices.get(label="Amara")
    cast_vote(poll=poll, choice_id=amara.pk, now=now)
    cast_vote(poll=poll, choice_id=amara.pk, now=now + timedelta(milliseconds=300))
    results = Event.objects.filter(kind="poll.results")
    assert results.count() == 1
    assert flush_poll_results(now + timedelta(milliseconds=500)) == 0
    assert flush_poll_results(now + timedelta(seconds=2)) == 1
    assert "(2 votes)" in results.order_by("seq").last().html
    assert flush_poll_results(now + timedelta(seconds=4)) == 0


def test_a_closing_poll_gets_one_last_results_event(session, poll):
    cast_vote(poll=poll, choice_id=poll.choices.first().pk)
    Poll.objects.update(closes_at=timezone.now() - timedelta(seconds=1))
    assert flush_poll_results() == 1
    assert "Sondage clos" in Event.objects.filter(kind="poll.results").last().html
    assert flush_poll_results(timezone.now() + timedelta(seconds=5)) == 0


def test_a_thousand_votes_make_a_bounded_number_of_events_and_an_exact_count(session, poll):
    choices = list(poll.choices.all())
    before = Event.objects.count()
    started = time.monotonic()
    for number in range(1000):
        cast_vote(poll=poll, choice_id=choices[number % 3].pk)
    elapsed = time.monotonic() - started
    flush_poll_results(timezone.now() + timedelta(seconds=2))
    events = Event.objects.filter(kind="poll.results").order_by("seq")
    # At most one per second of voting, plus the first and the flush.
    assert events.count() <= math.ceil(elapsed) + 2
    assert Event.objects.count() - before == events.count()
    assert [choice.votes for choice in poll.choices.all()] == [334, 333, 333]
    last = events.last().html
    assert "(334 votes)" in last and last.count("(333 votes)") == 2
    assert "1000 votes" in last


def test_the_desk_shows_the_turnout(client, session, poll, editor):
    cast_vote(poll=poll, choice_id=poll.choices.first().pk)
    client.force_login(editor)
    desk = client.get(reverse("desk:session", args=[session.slug])).text
    assert "1 vote" in desk and "Qui gagnera le marathon ?" in desk


@pytest.mark.django_db(transaction=True)
def test_a_held_back_vote_reaches_readers_without_the_scheduler(session, editor):
    create_poll_post(
        session=session,
        by=editor,
        question="Qui gagnera le marathon ?",
        choices=["Amara", "Bruno"],
        closes_at=timezone.now() + timedelta(minutes=30),
    )
    poll = Poll.objects.get()
    first, second = poll.choices.all()
    cast_vote(poll=poll, choice_id=first.pk)
    cast_vote(poll=poll, choice_id=second.pk)  # within the interval: held back
    results = Event.objects.filter(kind="poll.results").order_by("seq")
    deadline = time.monotonic() + 30  # generous: the machine may be busy
    while results.count() < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert results.count() == 2
    assert "2 votes" in results.last().html
    Poll.objects.get(pk=poll.pk, results_dirty=False)


@pytest.mark.django_db(transaction=True)
async def test_a_vote_held_back_in_a_served_request_reaches_readers_after_the_request(
    session, editor
):
    """Through the server's own handler (newsroom/handler.py): the flush is scheduled from
    the request's thread and runs after the request, and its context, have ended."""
    from asgiref.sync import sync_to_async
    from channels.testing import HttpCommunicator

    from newsroom.asgi import application

    await sync_to_async(create_poll_post)(
        session=session,
        by=editor,
        question="Qui gagnera le marathon ?",
        choices=["Amara", "Bruno"],
        closes_at=timezone.now() + timedelta(minutes=30),
    )
    poll = await Poll.objects.aget()
    url = reverse("live:poll-vote", args=[session.slug, poll.pk])
    async for choice in poll.choices.all():
        # Two browsers (no cookie between them); the second vote falls within the interval.
        communicator = HttpCommunicator(
            application,
            "POST",
            url,
            body=f"choice={choice.pk}".encode(),
            headers=[
                (b"host", b"testserver"),
                (b"content-type", b"application/x-www-form-urlencoded"),
            ],
        )
        assert (await communicator.get_response(timeout=WAIT))["status"] == 200
    results = Event.objects.filter(kind="poll.results").order_by("seq")

    async def both_sent():
        return await results.acount() == 2

    await eventually(both_sent, "the held-back results after the request")
    assert "2 votes" in (await results.alast()).html

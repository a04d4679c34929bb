"""Readers take part: a question answered on the desk, polls voted in with and without
JavaScript, totals following on another reader's page, a poll post edited on the desk.

Votes and questions are sent to the daphne server from the browsers; the desk's
answer is published there too, so readers get it through the server's own fan-out.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from liveblog.domain.polls import create_poll_post
from liveblog.models import Block, Poll, Post

pytestmark = pytest.mark.django_db(transaction=True)

# Past the desk queue's 5 s refresh and the server's event-log check, on a busy machine.
LIVE = 20_000
TYPING = 60


@pytest.fixture
def new_page(browser):
    """Pages in browser contexts of their own (two readers, a reader and an editor), all
    closed after the test, passed or failed: a reader left connected would still be
    following the live when the next test's live takes its number."""
    contexts = []

    def make(**options):
        context = browser.new_context(
            locale="fr-FR", viewport={"width": 1280, "height": 900}, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page, server, user) -> None:
    """The browser carries a session made here, as after the desk's login form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": server.url}]
    )


@pytest.fixture
def poll_session(make_session, editor):
    session = make_session()
    create_poll_post(
        session=session,
        by=editor,
        question="Qui franchira la ligne en premier ?",
        choices=["Amara", "Bruno"],
        closes_at=timezone.now() + timedelta(hours=1),
        title="Votre pronostic",
    )
    return session


def test_a_reader_asks_and_reads_the_editors_answer_on_the_live(
    server, new_page, make_session, editor
):
    session = make_session(accepts_questions=True)
    reader = new_page()
    reader.goto(f"{server.url}/live/{session.slug}/")
    reader.get_by_label("Votre question", exact=True).press_sequentially(
        "Le pont de Bercy rouvre-t-il ce soir ?", delay=TYPING
    )
    reader.get_by_label("Votre nom (facultatif)").press_sequentially("Camille", delay=TYPING)
    reader.get_by_role("button", name="Envoyer la question").click()
    expect(reader.get_by_role("status").filter(has_text="Merci")).to_contain_text(
        "transmise à la rédaction"
    )
    expect(reader.get_by_label("Votre question", exact=True)).to_have_value("")

    desk = new_page()
    log_in(desk, server, editor)
    desk.goto(f"{server.url}/editor/{session.slug}/")
    queue = desk.locator("#questions")
    expect(queue).to_contain_text("Le pont de Bercy rouvre-t-il ce soir ?", timeout=LIVE)
    expect(reader.locator("#posts")).not_to_contain_text("Le pont de Bercy")
    queue.get_by_role("link", name="Répondre").click()
    desk.get_by_label("Votre réponse").press_sequentially(
        "Oui, la préfecture annonce sa réouverture à 21 heures.", delay=TYPING
    )
    desk.get_by_role("button", name="Publier la réponse").click()
    expect(desk.locator(".messages")).to_contain_text("Votre réponse est sur le direct.")

    answer = reader.locator("#posts article").filter(has_text="Camille, lecteur, demande :")
    expect(answer).to_be_visible(timeout=LIVE)
    expect(answer).to_contain_text("Le pont de Bercy rouvre-t-il ce soir ?")
    expect(answer).to_contain_text("réouverture à 21 heures")
    expect(desk.locator("#questions")).to_contain_text("Aucune question en attente.", timeout=LIVE)


def test_a_readers_vote_updates_the_totals_on_another_readers_page(server, new_page, poll_session):
    url = f"{server.url}/live/{poll_session.slug}/"
    first, second = new_page(), new_page()
    first.goto(url)
    second.goto(url)
    poll = first.locator("[data-poll]")
    expect(poll.locator("[data-poll-results]")).to_be_hidden()
    poll.get_by_label("Amara").check()
    poll.get_by_role("button", name="Voter").click()
    expect(first.locator("[data-poll]").get_by_role("status").first).to_have_text(
        "Merci : votre vote est compté."
    )
    expect(first.locator("[data-poll] [data-poll-results]")).to_contain_text("(1 vote)")

    theirs = second.locator("[data-poll]")
    theirs.get_by_label("Bruno").check()
    theirs.get_by_role("button", name="Voter").click()
    expect(second.locator("[data-poll] [data-poll-results]")).to_contain_text("50 %")
    # The first reader did not reload: the totals come through the live's events.
    expect(first.locator("[data-poll] .poll-meta")).to_contain_text("2 votes", timeout=LIVE)
    expect(first.locator("[data-poll] [data-poll-results]")).to_contain_text("50 %")
    expect(first.locator("[data-poll] .poll-result--mine")).to_contain_text("Amara")


def test_voting_twice_from_one_browser_is_refused_with_a_message(server, new_page, poll_session):
    url = f"{server.url}/live/{poll_session.slug}/"
    page = new_page()
    page.goto(url)
    # A page of the same browser loaded before the vote and never updated since (JavaScript
    # off, as a live tab would redraw the poll as soon as the results arrive).
    stale = new_page(java_script_enabled=False)
    stale.goto(url)
    page.locator("[data-poll]").get_by_label("Amara").check()
    page.locator("[data-poll]").get_by_role("button", name="Voter").click()
    expect(page.locator("[data-poll] [data-poll-voted]")).to_be_visible()
    expect(page.locator("[data-poll] form")).to_have_count(0)

    # The same browser's cookie, on the page that still shows the form: its vote is refused.
    stale.context.add_cookies(page.context.cookies())
    poll = stale.locator("[data-poll]")
    poll.get_by_label("Bruno").check()
    poll.get_by_role("button", name="Voter").click()
    expect(stale.get_by_role("status").first).to_have_text("Vous avez déjà voté à ce sondage.")
    expect(stale.locator(".poll-meta")).to_contain_text("1 vote")
    page.reload()
    expect(page.locator("[data-poll] .poll-meta")).to_contain_text("1 vote")


def test_a_reader_without_javascript_votes_with_the_form(server, new_page, poll_session):
    page = new_page(java_script_enabled=False)
    page.goto(f"{server.url}/live/{poll_session.slug}/")
    poll = page.locator("[data-poll]")
    poll.get_by_label("Bruno").check()
    poll.get_by_role("button", name="Voter").click()
    expect(page.get_by_role("status").first).to_have_text("Merci : votre vote est compté.")
    expect(page.locator("[data-poll-results]")).to_be_visible()
    expect(page.locator("[data-poll-results]")).to_contain_text("Bruno")
    expect(page.locator(".poll-meta")).to_contain_text("1 vote")
    page.get_by_role("link", name="Retour au direct").click()
    expect(page.get_by_role("heading", name="Votre pronostic")).to_be_visible()


def test_an_editor_fixes_a_poll_posts_title_and_the_poll_stays_with_its_votes(
    server, new_page, poll_session, editor
):
    post = Post.objects.get(session=poll_session)
    reader = new_page()
    reader.goto(f"{server.url}/live/{poll_session.slug}/")
    reader.locator("[data-poll]").get_by_label("Amara").check()
    reader.locator("[data-poll]").get_by_role("button", name="Voter").click()
    expect(reader.locator("[data-poll] [data-poll-voted]")).to_be_visible()

    desk = new_page()
    log_in(desk, server, editor)
    desk.goto(f"{server.url}/editor/{poll_session.slug}/posts/{post.pk}/edit/")
    kept = desk.get_by_role("group", name="Bloc 1 · Sondage")
    expect(kept).to_contain_text("Qui franchira la ligne en premier ?")
    expect(kept).to_contain_text("Amara (1 vote)")
    title = desk.get_by_label("Titre", exact=True)
    title.click()
    title.press("End")
    # The editor types, then pauses past the autosave before sending, as people do.
    with desk.expect_response(re.compile(r"/autosave/$"), timeout=LIVE * 2):
        title.press_sequentially(" pour l'arrivée", delay=TYPING)
    expect(title).to_have_value("Votre pronostic pour l'arrivée")
    desk.get_by_role("button", name="Mettre à jour la publication").click()
    expect(desk.locator(".messages")).to_contain_text("Publication mise à jour.")

    updated = reader.locator("#posts article").filter(has_text="Votre pronostic pour l'arrivée")
    expect(updated).to_be_visible(timeout=LIVE)
    expect(updated.locator("[data-poll] .poll-meta")).to_contain_text("1 vote")
    expect(updated.locator("[data-poll]")).to_contain_text("Qui franchira la ligne en premier ?")
    poll = Poll.objects.get()
    assert list(Block.objects.filter(poll=poll).values_list("post", flat=True)) == [post.pk]
    assert poll.total_votes() == 1

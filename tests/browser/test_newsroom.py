"""The newsroom around the desk in real browsers: desk notes between two colleagues, pushed
at once and never shown to readers; the live's audience on the desk."""

import re

import pytest
from playwright.sync_api import expect

from liveblog.models import DeskNote

pytestmark = pytest.mark.django_db(transaction=True)

# Longer than every timer of the desk page: presence (15 s), audience (5 s), autosave.
PAST_TIMERS_MS = 16_000
TYPING_DELAY_MS = 40


@pytest.fixture
def people(settings, journalist, editor, session):
    """The server checks passwords with the real hasher, so set them with it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    passwords = {"jeanne": "pw-jeanne-2026", "hugo": "pw-hugo-2026"}
    for person in (journalist, editor):
        person.set_password(passwords[person.username])
        person.save()
    session.journalists.add(journalist)
    return passwords


def desk_of(browser, server, session, username, password):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{server.url}/editor/login/")
    page.get_by_label("Nom d\u2019utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes directs")).to_be_visible()
    page.goto(f"{server.url}/editor/{session.slug}/")
    # The desk's own socket is open: notes come to this page from now on.
    expect(page.locator("[data-desk-notes][data-connected]")).to_be_attached()
    return page


def test_a_note_from_one_colleague_appears_on_the_others_desk_and_never_for_readers(
    server, browser, people, session, make_post, screenshot
):
    make_post(session, title="Le peloton passe le pont")
    reader = browser.new_context(locale="fr-FR").new_page()
    reader.goto(f"{server.url}/live/{session.slug}/")
    hugo = desk_of(browser, server, session, "hugo", people["hugo"])
    jeanne = desk_of(browser, server, session, "jeanne", people["jeanne"])

    # Hugo is writing a note of his own when Jeanne's comes in.
    draft = hugo.get_by_label("Message au desk")
    draft.press_sequentially("Qui couvre l\u2019arrivée", delay=TYPING_DELAY_MS)

    message = jeanne.get_by_label("Message au desk")
    message.press_sequentially(
        "@hugo source confirmée pour la photo du pont ?", delay=TYPING_DELAY_MS
    )
    jeanne.get_by_label("À propos d\u2019une publication (facultatif)").select_option(
        label="6H30 · Le peloton passe le pont"
    )
    message.press("Control+Enter")

    notes_on_hugo = hugo.locator("#desk-notes-list")
    note = notes_on_hugo.get_by_role("listitem").filter(has_text="source confirmée")
    expect(note).to_be_visible()
    expect(note).to_contain_text("À propos de : Le peloton passe le pont")
    expect(note).to_contain_text("Vous êtes mentionné·e")
    expect(note).to_have_class(re.compile("desk-note--mention"))

    hugo.wait_for_timeout(PAST_TIMERS_MS)
    # Nothing Hugo typed is lost, and his cursor is still where he was typing.
    expect(draft).to_have_value("Qui couvre l\u2019arrivée")
    expect(draft).to_be_focused()
    expect(note).to_have_count(1)
    # Jeanne's form is empty and ready for the next note; her note shows once, not flagged.
    expect(message).to_have_value("")
    expect(message).to_be_focused()
    mine = jeanne.locator("#desk-notes-list").get_by_role("listitem")
    expect(mine).to_have_count(1)
    expect(mine).not_to_have_class(re.compile("desk-note--mention"))
    # The reader's page never shows it.
    expect(reader.get_by_text("source confirmée")).to_have_count(0)
    screenshot(hugo)
    assert DeskNote.objects.get().text == "@hugo source confirmée pour la photo du pont ?"
    for page in (reader, hugo, jeanne):
        page.context.close()


def test_an_empty_note_is_refused_and_keeps_the_desk_as_it_was(server, browser, people, session):
    jeanne = desk_of(browser, server, session, "jeanne", people["jeanne"])
    message = jeanne.get_by_label("Message au desk")
    message.press_sequentially("   ", delay=TYPING_DELAY_MS)
    message.press("Control+Enter")
    jeanne.wait_for_timeout(PAST_TIMERS_MS)
    expect(jeanne.locator("#desk-notes-list").get_by_role("listitem")).to_have_count(0)
    assert not DeskNote.objects.exists()
    jeanne.context.close()


def test_the_desk_counts_the_readers_of_the_live_but_not_itself(server, browser, people, session):
    hugo = desk_of(browser, server, session, "hugo", people["hugo"])
    readers_now = hugo.get_by_role("region", name="Audience").locator("[data-readers-now]")
    # The desk page follows the live over a socket too; it is not a reader.
    hugo.wait_for_timeout(PAST_TIMERS_MS)
    expect(readers_now).to_have_text("0")
    readers = [browser.new_context(locale="fr-FR").new_page() for _ in range(2)]
    for reader in readers:
        reader.goto(f"{server.url}/live/{session.slug}/")
    expect(readers_now).to_have_text("2", timeout=20_000)
    for reader in readers:
        reader.context.close()
    expect(readers_now).to_have_text("0", timeout=20_000)
    hugo.wait_for_timeout(PAST_TIMERS_MS)
    expect(readers_now).to_have_text("0")
    expect(hugo.get_by_role("region", name="Audience")).to_contain_text("Pic : 2 le ")
    hugo.context.close()

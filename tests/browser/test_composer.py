"""The composer at a journalist's pace: typing, pausing to check a fact, reloading, losing
the network, a colleague in another tab. Every test types key by key and pauses past the
page's timers (autosave after 2 s and every 10 s, presence every 15 s) before it looks at
what the journalist sees: the form, every character typed, and where the cursor is."""

import re

import pytest
from playwright.sync_api import expect

from liveblog.models import Draft, Post

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-jeanne-2026"
# A person typing: 60 ms a key.
PACE = 60
TITLE = "Le peloton aborde la côte des Vignes"
TEXT = "Trois coureurs tentent leur chance, le groupe laisse faire."


@pytest.fixture
def jeanne(settings, journalist, session):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    journalist.set_password(PASSWORD)
    journalist.save()
    session.journalists.add(journalist)
    return journalist


def log_in(page, server, username="jeanne", password=PASSWORD):
    page.goto(f"{server.url}/editor/login/")
    page.get_by_label("Nom d\u2019utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes directs")).to_be_visible()


def paragraph(page, number: int = 1):
    return page.get_by_role("group", name=f"Bloc {number} · Paragraphe").get_by_label("Texte")


def pause_past_every_timer(page):
    """A journalist checking a fact: long enough for the autosave and the presence beat to
    run (waited for, not guessed: the page's own requests say when they have)."""
    with page.expect_response(re.compile(r"/presence/$"), timeout=40_000):
        pass
    with page.expect_response(re.compile(r"/autosave/$"), timeout=40_000):
        page.keyboard.type(" ", delay=PACE)
        page.keyboard.press("Backspace")


def focused_label(page) -> str:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const id = el.getAttribute('aria-labelledby');
            if (id) return document.getElementById(id.split(' ')[0]).textContent.trim();
            return el.labels && el.labels.length ? el.labels[0].textContent.trim() : el.tagName;
        }"""
    )


def test_a_title_typed_then_a_pause_keeps_the_whole_form_the_words_and_the_focus(
    server, page, jeanne, session
):
    log_in(page, server)
    page.goto(f"{server.url}/editor/{session.slug}/")
    title = page.get_by_label("Titre", exact=True)
    title.click()
    title.press_sequentially(TITLE, delay=PACE)
    pause_past_every_timer(page)

    expect(page.get_by_text(re.compile(r"Brouillon enregistré à \d+H\d\d"))).to_be_visible()
    expect(page.get_by_role("heading", name="Nouvelle publication")).to_be_visible()
    expect(title).to_have_value(TITLE)
    expect(title).to_be_focused()
    expect(page.get_by_role("button", name="Publier maintenant")).to_be_visible()
    # The caret is still at the end: the next keys land after what was typed.
    title.press_sequentially(" sous le soleil", delay=PACE)
    expect(title).to_have_value(TITLE + " sous le soleil")


def test_editing_a_post_and_pausing_keeps_the_edit_form(server, page, jeanne, session, make_post):
    post = make_post(session, title="Ravitaillement au km 20", author=jeanne)
    log_in(page, server)
    page.goto(f"{server.url}/editor/{session.slug}/posts/{post.pk}/edit/")
    title = page.get_by_label("Titre", exact=True)
    title.click()
    page.keyboard.press("End")
    title.press_sequentially(" : eau et oranges", delay=PACE)
    pause_past_every_timer(page)

    expect(page.get_by_role("heading", name="Modifier la publication")).to_be_visible()
    expect(title).to_have_value("Ravitaillement au km 20 : eau et oranges")
    expect(title).to_be_focused()
    expect(page.get_by_role("button", name="Mettre à jour la publication")).to_be_visible()
    assert Draft.objects.get(post=post).data["title"] == "Ravitaillement au km 20 : eau et oranges"
    assert Post.objects.get(pk=post.pk).title == "Ravitaillement au km 20"

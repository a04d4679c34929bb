"""A contribution in real browsers, at a person's pace: the correspondent types and sends for
review, the editor (another browser) sees it arrive in the queue without reloading, changes
a word and publishes; readers get it and the correspondent sees it published."""

import re

import pytest
from playwright.sync_api import expect

from liveblog.models import AuditEntry, Post

pytestmark = pytest.mark.django_db(transaction=True)

PACE = 60
TITLE = "Six coureurs en tête au 30e kilomètre"
EDITED = "Sept coureurs en tête au 30e kilomètre"
TEXT = "Le groupe passe le pont de la Tannerie sous les encouragements."


@pytest.fixture
def people(settings, contributor, editor, session):
    """The server checks passwords with the real hasher, so set them with it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    passwords = {"amadou": "pw-amadou-2026", "hugo": "pw-hugo-2026"}
    for person in (contributor, editor):
        person.set_password(passwords[person.username])
        person.save()
    session.journalists.add(contributor)
    return passwords


def desk_of(browser, server, session, username, password):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{server.url}/editor/login/")
    page.get_by_label("Nom d\u2019utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes directs")).to_be_visible()
    page.goto(f"{server.url}/editor/{session.slug}/")
    # The desk's socket is open: the review panel follows the queue from now on.
    expect(page.locator("[data-review][data-connected]")).to_be_attached()
    return page


def test_a_contribution_goes_through_the_editors_queue_to_readers(
    server, browser, people, session, screenshot
):
    reader = browser.new_context(locale="fr-FR").new_page()
    reader.goto(f"{server.url}/live/{session.slug}/")
    hugo = desk_of(browser, server, session, "hugo", people["hugo"])
    expect(hugo.locator("#review")).to_contain_text("Rien à relire pour l'instant.")
    # A page that reloads loses this mark: the queue must come without a reload.
    hugo.evaluate("window.stillTheSamePage = true")

    amadou = desk_of(browser, server, session, "amadou", people["amadou"])
    expect(amadou.get_by_role("button", name="Publier maintenant")).to_have_count(0)
    title = amadou.get_by_label("Titre", exact=True)
    title.click()
    title.press_sequentially(TITLE, delay=PACE)
    text = amadou.get_by_role("group", name="Bloc 1 · Paragraphe").get_by_label("Texte")
    text.click()
    amadou.keyboard.type(TEXT, delay=PACE)
    # Checking a fact before sending: the autosave runs meanwhile and changes nothing typed.
    with amadou.expect_response(re.compile(r"/autosave/$"), timeout=40_000):
        pass
    expect(title).to_have_value(TITLE)
    amadou.get_by_role("button", name="Envoyer pour relecture").click()
    expect(amadou.get_by_text("Envoyée pour relecture : un éditeur la publiera")).to_be_visible()
    expect(amadou.locator("#review")).to_contain_text("En attente de relecture")

    item = hugo.locator("#review .review-item", has_text=TITLE)
    expect(item).to_be_visible()
    expect(item).to_contain_text("Amadou Sy")
    expect(item).to_contain_text(re.compile(r"envoyée à \d+H\d\d"))
    expect(hugo.locator("#review-title")).to_contain_text("(1)")
    assert hugo.evaluate("window.stillTheSamePage") is True
    screenshot(hugo, "-queue")

    item.get_by_role("link", name="Ouvrir et modifier").click()
    expect(hugo.get_by_role("heading", name="Modifier la publication")).to_be_visible()
    expect(hugo.get_by_text("Envoyée pour relecture par Amadou Sy")).to_be_visible()
    edited = hugo.get_by_label("Titre", exact=True)
    edited.click()
    hugo.keyboard.press("Home")
    for _letter in "Six":
        hugo.keyboard.press("Delete")
    hugo.keyboard.type("Sept", delay=PACE)
    expect(edited).to_have_value(EDITED)
    hugo.get_by_role("button", name="Publier maintenant").click()
    expect(hugo.locator("#review")).to_contain_text("Rien à relire pour l'instant.")

    expect(reader.locator("article", has_text=EDITED)).to_be_visible()
    expect(reader.locator("article", has_text=EDITED)).to_contain_text(TEXT)
    published = amadou.locator("#review .review-item--published", has_text=EDITED)
    expect(published).to_be_visible()

    post = Post.objects.get()
    assert (post.status, post.title, post.author.username) == ("published", EDITED, "amadou")
    review = AuditEntry.objects.get(post_id=post.pk, action="post.review_published")
    assert review.username == "hugo"


def test_a_contribution_written_on_a_dead_network_survives_and_is_sent_once(
    server, browser, people, session
):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    amadou = context.new_page()
    amadou.goto(f"{server.url}/editor/login/")
    amadou.get_by_label("Nom d\u2019utilisateur").fill("amadou")
    amadou.get_by_label("Mot de passe").fill(people["amadou"])
    amadou.get_by_role("button", name="Se connecter").click()
    amadou.goto(f"{server.url}/editor/{session.slug}/")
    title = amadou.get_by_label("Titre", exact=True)
    title.click()
    title.press_sequentially(TITLE, delay=PACE)
    expect(amadou.get_by_text(re.compile(r"Brouillon enregistré à"))).to_be_visible()

    # In the tunnel under the river: the text is typed, then sent, with no network.
    context.set_offline(True)
    amadou.get_by_role("group", name="Bloc 1 · Paragraphe").get_by_label("Texte").click()
    amadou.keyboard.type(TEXT, delay=PACE)
    amadou.get_by_role("button", name="Envoyer pour relecture").click()
    expect(amadou.get_by_text("Hors ligne : votre brouillon est gardé")).to_be_visible()
    assert not Post.objects.exists()
    amadou.close()

    # Out of the tunnel, the desk opened again: every word is back, and goes out once.
    context.set_offline(False)
    again = context.new_page()
    again.goto(f"{server.url}/editor/{session.slug}/")
    # (Its "is back" line gives way at once to the autosave sending those words: not waited for.)
    text = again.get_by_role("group", name="Bloc 1 · Paragraphe").get_by_label("Texte")
    expect(text).to_have_text(TEXT)
    expect(again.get_by_label("Titre", exact=True)).to_have_value(TITLE)
    again.get_by_role("button", name="Envoyer pour relecture").click()
    expect(again.get_by_text("Envoyée pour relecture : un éditeur la publiera")).to_be_visible()
    post = Post.objects.get()
    assert (post.status, post.title) == ("submitted", TITLE)
    assert TEXT in post.blocks.get().text
    context.close()

"""The desk in a real browser: log in, write, publish, edit, and two people on one post."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from liveblog.models import Post
from tests.helpers import WAIT_MS

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-jeanne-2026"


@pytest.fixture
def people(settings, journalist, editor, session):
    """The server checks passwords with the real hasher, so set them with it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for person, password in ((journalist, PASSWORD), (editor, "pw-hugo-2026")):
        person.set_password(password)
        person.save()
    session.journalists.add(journalist)
    return {"jeanne": PASSWORD, "hugo": "pw-hugo-2026"}


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "arrivee.jpg"
    Image.new("RGB", (320, 180), "#cc5522").save(path, "JPEG")
    return path


def log_in(page, server, username, password):
    page.goto(f"{server.url}/editor/")
    expect(page.get_by_role("heading", name="Connexion au desk")).to_be_visible()
    page.get_by_label("Nom d\u2019utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes directs")).to_be_visible()


def block(page, number: int, kind: str):
    return page.get_by_role("group", name=f"Bloc {number} · {kind}")


def opened(page, title: str):
    """The post as readers see it, opened in place from its line in the desk's timeline."""
    page.locator("#timeline .desk-item-title", has_text=title).click()
    return page.locator("#timeline").get_by_role("article", name=title)


def test_journalist_logs_in_writes_a_post_with_photo_quote_and_link_and_publishes_it(
    server, page, people, session, photo_file, screenshot
):
    log_in(page, server, "jeanne", PASSWORD)
    page.get_by_role("link", name=session.headline).click()
    expect(page.get_by_role("heading", name="Nouvelle publication")).to_be_visible()

    page.get_by_label("Titre", exact=True).fill("La tête de course au pont")
    block(page, 1, "Paragraphe").get_by_label("Texte").fill("Trois coureurs se détachent.")
    page.get_by_role("button", name="Photo", exact=True).click()
    photo = block(page, 2, "Photo")
    photo.get_by_label("Photo", exact=True).set_input_files(photo_file)
    photo.get_by_label("Légende", exact=True).fill("Le trio de tête sur le pont suspendu.")
    photo.get_by_label("Texte alternatif").fill("Trois coureurs sur un pont suspendu.")
    photo.get_by_label("Crédit photo").fill("Clairvue Photo/Léa Moreau")
    page.get_by_role("button", name="Citation").click()
    quote = block(page, 3, "Citation")
    expect(
        photo.get_by_role("img", name="Aperçu de la photo envoyée")
    ).to_be_visible()  # stored on the way: nothing to re-pick
    quote.get_by_label("Citation", exact=True).fill("On ne lâchera rien.")
    quote.get_by_label("Attribution").fill("Le meneur")
    page.get_by_role("button", name="Lien associé").click()
    link = block(page, 4, "Lien associé")
    link.get_by_label("Titre du lien").fill("Le parcours en carte")
    link.get_by_label("URL").fill("https://example.org/parcours")
    page.get_by_role("button", name="Publier maintenant").click()

    expect(page.get_by_text("Publication publiée.")).to_be_visible()
    post = opened(page, "La tête de course au pont")
    expect(post).to_be_visible()
    expect(post.get_by_role("img")).to_have_attribute("alt", "Trois coureurs sur un pont suspendu.")
    expect(post.get_by_text("© Clairvue Photo/Léa Moreau")).to_be_visible()
    expect(post.locator("blockquote")).to_have_text("On ne lâchera rien.")
    expect(post.get_by_role("link", name="Le parcours en carte")).to_be_visible()
    # The composer is empty again, ready for the next post.
    expect(page.get_by_label("Titre", exact=True)).to_have_value("")
    screenshot(page)

    page.goto(f"{server.url}/live/{session.slug}/")
    expect(page.get_by_role("article", name="La tête de course au pont")).to_be_visible()


def test_ctrl_enter_publishes_bold_text_and_an_empty_post_is_refused_keeping_the_title(
    server, page, people, session
):
    log_in(page, server, "jeanne", PASSWORD)
    page.goto(f"{server.url}/editor/{session.slug}/")
    page.get_by_label("Titre", exact=True).fill("Publié au clavier")
    text = block(page, 1, "Paragraphe").get_by_label("Texte")
    text.press("Control+Enter")
    expect(page.get_by_text("Écrivez au moins un bloc")).to_be_visible()
    expect(page.get_by_label("Titre", exact=True)).to_have_value("Publié au clavier")
    text = block(page, 1, "Paragraphe").locator(".rich-text")
    expect(text).to_have_accessible_name("Texte")
    text.fill("Sans souris.")
    text.select_text()
    block(page, 1, "Paragraphe").get_by_role("button", name="Gras").click()
    text.press("Control+Enter")
    article = opened(page, "Publié au clavier")
    expect(article.locator("strong")).to_have_text("Sans souris.")


def test_journalist_edits_a_published_post_and_readers_see_the_correction(
    server, page, people, session, make_post, journalist
):
    post = make_post(session, title="Passage au semi", author=journalist)
    log_in(page, server, "jeanne", PASSWORD)
    page.goto(f"{server.url}/editor/{session.slug}/")
    entry = page.locator(f"#desk-post-{post.pk}")
    entry.get_by_role("link", name="Modifier").click()
    expect(page.get_by_role("heading", name="Modifier la publication")).to_be_visible()
    page.get_by_label("Titre", exact=True).fill("Passage au semi-marathon")
    page.get_by_role("button", name="Mettre à jour la publication").click()
    expect(page.get_by_text("Publication mise à jour.")).to_be_visible()
    expect(page.get_by_role("article", name="Passage au semi-marathon")).to_be_visible()

    page.goto(f"{server.url}/live/{session.slug}/")
    article = page.get_by_role("article", name="Passage au semi-marathon")
    expect(article.get_by_text("Mis à jour le")).to_be_visible()


def test_two_people_editing_the_same_post_the_second_gets_the_conflict_view(
    server, browser, people, session, make_post, journalist, screenshot
):
    post = make_post(session, title="Ravitaillement", author=journalist)
    pages = []
    for username, password in (("jeanne", people["jeanne"]), ("hugo", people["hugo"])):
        context = browser.new_context(locale="fr-FR")
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        log_in(page, server, username, password)
        page.goto(f"{server.url}/editor/{session.slug}/posts/{post.pk}/edit/")
        pages.append(page)
    jeanne, hugo = pages

    hugo.get_by_label("Titre", exact=True).fill("Ravitaillement (version de Hugo)")
    hugo.get_by_role("button", name="Mettre à jour la publication").click()
    expect(hugo.get_by_text("Publication mise à jour.")).to_be_visible()

    jeanne.get_by_label("Titre", exact=True).fill("Ravitaillement (version de Jeanne)")
    jeanne.get_by_role("button", name="Mettre à jour la publication").click()
    conflict = jeanne.get_by_role("alert")
    expect(conflict).to_contain_text("Quelqu\u2019un d\u2019autre a enregistré cette publication")
    expect(conflict.get_by_role("article")).to_contain_text("Ravitaillement (version de Hugo)")
    expect(jeanne.get_by_label("Titre", exact=True)).to_have_value(
        "Ravitaillement (version de Jeanne)"
    )
    screenshot(jeanne)
    assert Post.objects.get(pk=post.pk).title == "Ravitaillement (version de Hugo)"
    for page in pages:
        page.context.close()


def test_a_draft_typed_in_one_browser_is_back_in_another(server, browser, people, session):
    contexts = [browser.new_context(locale="fr-FR") for _ in range(2)]
    first, second = (context.new_page() for context in contexts)
    log_in(first, server, "jeanne", PASSWORD)
    first.goto(f"{server.url}/editor/{session.slug}/")
    first.get_by_label("Titre", exact=True).fill("Brouillon voyageur")
    block(first, 1, "Paragraphe").get_by_label("Texte").fill("Tapé sur le premier poste.")
    expect(first.get_by_text("Brouillon enregistré à")).to_be_visible(timeout=WAIT_MS)

    log_in(second, server, "jeanne", PASSWORD)
    second.goto(f"{server.url}/editor/{session.slug}/")
    expect(second.get_by_label("Titre", exact=True)).to_have_value("Brouillon voyageur")
    expect(block(second, 1, "Paragraphe").get_by_label("Texte")).to_have_text(
        "Tapé sur le premier poste."
    )
    for context in contexts:
        context.close()


def test_a_colleagues_post_appears_on_my_desk_without_reloading(server, browser, people, session):
    contexts = [browser.new_context(locale="fr-FR") for _ in range(2)]
    mine, theirs = (context.new_page() for context in contexts)
    log_in(mine, server, "jeanne", PASSWORD)
    mine.goto(f"{server.url}/editor/{session.slug}/")
    expect(mine.get_by_text("Pas encore de publication")).to_be_visible()

    log_in(theirs, server, "hugo", people["hugo"])
    theirs.goto(f"{server.url}/editor/{session.slug}/")
    theirs.get_by_label("Titre", exact=True).fill("Publié par le chef d\u2019édition")
    block(theirs, 1, "Paragraphe").get_by_label("Texte").fill("Depuis l\u2019autre poste.")
    theirs.get_by_role("button", name="Publier maintenant").click()

    timeline = mine.locator("#timeline")
    expect(
        timeline.locator(".desk-item-title", has_text="Publié par le chef d\u2019édition")
    ).to_be_visible()
    expect(mine.get_by_text("Aussi sur ce desk : Hugo Lefèvre")).to_be_visible(timeout=WAIT_MS)
    for context in contexts:
        context.close()

"""Cards in a real browser: a journalist adds a video and an article link at human pace and
sees their cards; a reader sees the cards, and the video's player loads only on a click.

The app server reads cards from a local stand-in for YouTube, X and an article page
(tests/helpers/providers.py). Chromium never reaches the internet either: the player's
address and X's are answered by the test.
"""

import json

import pytest
from playwright.sync_api import expect

from liveblog.desk.cards import store_card
from liveblog.models import Block, LinkCard
from tests.helpers.providers import Providers
from tests.helpers.servers import AppServer, free_port

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-jeanne-2026"
VIDEO = "https://www.youtube.com/watch?v=arrivee2026"
PLAYER = "https://www.youtube-nocookie.com/embed/arrivee2026?autoplay=1"
X_POST = "https://x.com/deuxrives/status/1"
TYPING = 60  # ms per key, a journalist's pace
# Longer than every timer of the desk: autosave (2 s after typing, and every 10 s).
PAST_TIMERS_MS = 11_000

WATCH_POLICY = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture(scope="module")
def providers():
    stand_in = Providers()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="module")
def card_server(server, providers):
    """The app as in production, except that its cards come from the local stand-in."""
    port = free_port()
    env = {
        **server.env,
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LIVEBLOG_CARDS_FETCH": "1",
        "LIVEBLOG_CARDS_ALLOW_LOOPBACK": "1",
        "LIVEBLOG_OEMBED_ENDPOINTS": json.dumps(providers.endpoints()),
        # Its jobs (cards, renditions) run at once after each request's commit: the session's
        # worker (tests/browser/conftest.py) has not these settings, and would refuse the
        # stand-in's loopback address. tests/desk/test_card_jobs.py runs cards in the worker.
        "LIVEBLOG_TASKS": "immediate",
    }
    app = AppServer("daphne", env, port=port)
    yield app
    app.stop()


@pytest.fixture
def people(settings, journalist, session):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    journalist.set_password(PASSWORD)
    journalist.save()
    session.journalists.add(journalist)


def stand_in_for_the_internet(context) -> list[str]:
    """Answers the player's and X's addresses here; returns what the browser asked of them."""
    asked = []

    def answer(route):
        asked.append(route.request.url)
        route.fulfill(
            status=200,
            content_type="text/html",
            body="<!doctype html><title>Lecteur</title><p>Lecteur du fournisseur</p>",
        )

    context.route("https://www.youtube-nocookie.com/**", answer)
    context.route("https://x.com/**", answer)
    return asked


def log_in(page, url):
    page.goto(f"{url}/editor/")
    page.get_by_label("Nom d\u2019utilisateur").press_sequentially("jeanne", delay=TYPING)
    page.get_by_label("Mot de passe").press_sequentially(PASSWORD, delay=TYPING)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes directs")).to_be_visible()


def test_a_journalist_sees_the_card_of_the_video_she_adds_then_both_cards_once_published(
    card_server, providers, page, people, session, screenshot
):
    log_in(page, card_server.url)
    page.goto(f"{card_server.url}/editor/{session.slug}/")
    page.get_by_label("Titre", exact=True).press_sequentially("L'arrivée", delay=TYPING)
    page.get_by_role("button", name="Contenu intégré").click()
    embed = page.get_by_role("group", name="Bloc 2 · Contenu intégré")
    embed.get_by_label("Adresse du message ou de la vidéo").press_sequentially(VIDEO, delay=TYPING)
    page.wait_for_timeout(PAST_TIMERS_MS)
    embed.get_by_role("button", name="Afficher la carte").click()

    preview = embed.get_by_role("group", name="Aperçu de la carte")
    expect(preview.get_by_text("Les lecteurs verront cette carte :")).to_be_visible()
    expect(preview.locator("img.card-image")).to_be_visible()
    expect(preview.get_by_text("Les Deux-Rives TV")).to_be_visible()
    expect(embed.get_by_label("Auteur de la publication")).to_have_value("Les Deux-Rives TV")
    # What was typed before is still there, and can still be changed.
    expect(page.get_by_label("Titre", exact=True)).to_have_value("L'arrivée")
    text = embed.get_by_label("Texte de la publication")
    expect(text).to_have_value("L'arrivée du marathon des Deux-Rives en vidéo")
    text.clear()
    text.press_sequentially("La ligne d'arrivée, vue du pont.", delay=TYPING)

    page.get_by_role("button", name="Lien associé").click()
    link = page.get_by_role("group", name="Bloc 3 · Lien associé")
    link.get_by_label("URL").press_sequentially(f"{providers.url}/article", delay=TYPING)
    page.wait_for_timeout(PAST_TIMERS_MS)
    expect(embed.get_by_label("Texte de la publication")).to_have_value(
        "La ligne d'arrivée, vue du pont."
    )
    page.get_by_role("button", name="Publier maintenant").click()

    expect(page.get_by_text("Publication publiée.")).to_be_visible()
    # The timeline shows one line a post; she opens hers to see it as readers will.
    page.locator("#timeline .desk-item-title", has_text="L'arrivée").click()
    post = page.locator("#timeline").get_by_role("article", name="L'arrivée")
    expect(post.get_by_text("La ligne d'arrivée, vue du pont.")).to_be_visible()
    expect(
        post.get_by_role("link", name="Le parcours du marathon, kilomètre par kilomètre")
    ).to_be_visible()
    expect(post.get_by_text("Le Journal des Deux-Rives")).to_be_visible()
    screenshot(page)
    assert LinkCard.objects.filter(status="ok").count() == 2
    assert providers.hits("/oembed/youtube") == 1


def test_a_reader_sees_cards_and_the_player_loads_only_when_asked(
    card_server, providers, page, session, make_post, settings, screenshot
):
    # The stand-in is on loopback: this process may reach it for the test's own setup.
    settings.LIVEBLOG_CARDS_ALLOW_LOOPBACK = True
    settings.LIVEBLOG_OEMBED_ENDPOINTS = providers.endpoints()
    video = store_card(VIDEO)
    x_post = store_card(X_POST)
    make_post(
        session,
        title="Le pont en images",
        blocks=[
            ("embed", {"url": VIDEO, "text": "La ligne d'arrivée.", "card": video}),
            (
                "embed",
                {
                    "url": X_POST,
                    "text": x_post.text,
                    "attribution": x_post.author,
                    "card": x_post,
                },
            ),
        ],
    )
    asked = stand_in_for_the_internet(page.context)
    page.add_init_script(WATCH_POLICY)
    page.goto(f"{card_server.url}/live/{session.slug}/")

    post = page.get_by_role("article", name="Le pont en images")
    video_card = post.get_by_role("complementary", name="Publication sur YouTube")
    expect(video_card.locator("img.card-image")).to_be_visible()
    social = post.get_by_role("complementary", name="Publication sur X")
    expect(social.get_by_text("Course des Deux-Rives")).to_be_visible()
    expect(social.get_by_text("Quelle course !")).to_be_visible()
    expect(social.get_by_text("1 décembre 2026")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert asked == [], "nothing from a provider loads before the reader asks"
    assert page.locator("iframe").count() == 0

    video_card.get_by_role("link", name="Lire la vidéo").click()
    player = video_card.locator("iframe.card-player")
    expect(player).to_have_attribute("src", PLAYER)
    expect(player.content_frame.get_by_text("Lecteur du fournisseur")).to_be_visible()
    assert asked == [PLAYER]
    assert page.evaluate("window.__cspViolations") == []
    screenshot(page)

    with page.context.expect_page() as opened:
        social.get_by_role("link", name="Afficher la publication sur X").click()
    assert opened.value.url == X_POST
    assert page.url.startswith(card_server.url), "the live page stays open"
    assert Block.objects.filter(card__isnull=False).count() == 2

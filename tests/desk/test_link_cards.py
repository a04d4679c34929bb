"""Cards read from other sites: what providers and article pages say, fetched safely.

A local server stands in for X, YouTube, Bluesky and an article page. The fetcher
may reach it because the test allows that one loopback port; everything else on
loopback, and every private or reserved address, stays refused as in production.
"""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from django.core.files.storage import default_storage

from liveblog.content.fetching import FetchRefused, address_refusal, fetch
from liveblog.desk.cards import store_card
from liveblog.models import LinkCard
from tests.helpers.providers import Providers
from tests.helpers.servers import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(settings):
    server = Providers()
    settings.LIVEBLOG_CARDS_FETCH = True
    settings.LIVEBLOG_OEMBED_ENDPOINTS = server.endpoints()
    settings.LIVEBLOG_CARDS_ALLOW_LOOPBACK = {server.port}
    settings.LIVEBLOG_CARDS_TIMEOUT = 3
    yield server
    server.stop()


@pytest.fixture
def elsewhere():
    """Another local server that no test allows: reaching it would be a hole."""
    server = Providers()
    yield server
    server.stop()


def test_an_x_post_becomes_a_card_with_its_author_words_and_date(providers):
    card = store_card("https://x.com/deuxrives/status/1")
    assert card.is_read
    assert card.provider == "X"
    assert card.author == "Course des Deux-Rives"
    assert card.text == (
        "Le peloton passe le pont des Deux-Rives, Amina Diallo en tête.\nQuelle course !"
    )
    assert card.published_at == datetime(2026, 12, 1, tzinfo=UTC)
    assert providers.hits("/oembed/x") == 1
    assert "url=https%3A%2F%2Fx.com%2Fdeuxrives%2Fstatus%2F1" in providers.requests[0]


def test_a_bluesky_post_keeps_the_time_it_was_posted(providers):
    card = store_card("https://bsky.app/profile/club/post/3k")
    assert card.author == "Club des coureurs"
    assert card.text == "Ravitaillement au kilomètre 30 : bénévoles au rendez-vous."
    assert card.published_at == datetime(2026, 12, 1, 9, 42, tzinfo=UTC)


def test_a_video_thumbnail_is_copied_into_our_media_small_and_never_hotlinked(providers):
    card = store_card("https://www.youtube.com/watch?v=arrivee2026")
    assert card.title == "L'arrivée du marathon des Deux-Rives en vidéo"
    assert card.text == card.title
    assert card.author == "Les Deux-Rives TV"
    assert card.image.name.startswith("cards/")
    assert (card.image_width, card.image_height) == (640, 360)
    assert default_storage.exists(card.image.name)
    assert providers.url not in card.image.url
    assert providers.hits("/images/video.jpg") == 1


def test_a_related_article_becomes_a_card_from_its_opengraph_tags(providers):
    card = store_card(f"{providers.url}/article")
    assert card.is_read
    assert card.title == "Le parcours du marathon, kilomètre par kilomètre"
    assert card.text == "Deux ponts, un faux plat et une arrivée sur les quais."
    assert card.site_name == "Le Journal des Deux-Rives"
    # og:image was a relative address: resolved against the page, then copied.
    assert providers.hits("/images/parcours.jpg") == 1
    assert card.image.name.startswith("cards/")


def test_a_card_whose_image_is_not_an_image_is_kept_without_one(providers, monkeypatch):
    from tests.helpers import providers as stand_in

    page = stand_in.ARTICLE.replace("/images/parcours.jpg", "/images/broken.jpg")
    monkeypatch.setattr(stand_in, "ARTICLE", page)
    card = store_card(f"{providers.url}/article")
    assert card.is_read and card.title
    assert not card.image


def test_a_site_that_does_not_answer_in_time_leaves_a_failed_card(providers, settings):
    settings.LIVEBLOG_CARDS_TIMEOUT = 0.5
    card = store_card(f"{providers.url}/slow")
    assert card.status == LinkCard.Status.FAILED
    assert "timed out" in card.failure


def test_a_site_that_answers_a_byte_at_a_time_is_cut_off_at_the_deadline(providers, settings):
    # Each byte comes well within a socket timeout: only the fetch's own deadline stops it.
    settings.LIVEBLOG_CARDS_TIMEOUT = 0.5
    with pytest.raises(FetchRefused, match="timed out"):
        fetch(f"{providers.url}/drip", accept=("text/html",))


@pytest.mark.parametrize("length", ["declared", "hidden"])
def test_a_page_over_the_size_cap_is_not_read(providers, length):
    card = store_card(f"{providers.url}/huge?length={length}")
    assert card.status == LinkCard.Status.FAILED
    assert "cap" in card.failure


def test_a_document_that_is_not_a_web_page_gives_no_card(providers):
    card = store_card(f"{providers.url}/document.pdf")
    assert card.status == LinkCard.Status.FAILED
    assert "application/pdf" in card.failure


def test_a_redirect_is_followed_when_it_stays_on_a_public_address(providers):
    card = store_card(f"{providers.url}/redirect?to=/article")
    assert card.title == "Le parcours du marathon, kilomètre par kilomètre"


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:10.0.0.1]/",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_to_a_private_or_reserved_address_is_refused(providers, target):
    # Refused from the address alone, before any connection: nothing is sent there.
    with pytest.raises(FetchRefused):
        fetch(f"{providers.url}/redirect?to={target}", accept=("text/html",))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "127.1.2.3"])
def test_a_redirect_to_loopback_is_refused_like_in_production(providers, elsewhere, host):
    target = f"http://{host}:{elsewhere.port}/article"
    with pytest.raises(FetchRefused):
        fetch(f"{providers.url}/redirect?to={target}", accept=("text/html",))
    assert elsewhere.requests == []


def test_in_production_loopback_is_refused_and_the_server_never_asked(providers, settings):
    settings.LIVEBLOG_CARDS_ALLOW_LOOPBACK = False
    card = store_card(f"{providers.url}/article")
    assert card.status == LinkCard.Status.FAILED
    assert "loopback" in card.failure
    settings.LIVEBLOG_OEMBED_ENDPOINTS = providers.endpoints()
    card = store_card("https://x.com/deuxrives/status/1")
    assert card.status == LinkCard.Status.FAILED
    assert providers.requests == []


def test_addresses_are_judged_public_or_not_before_any_connection(settings):
    settings.LIVEBLOG_CARDS_ALLOW_LOOPBACK = False
    assert address_refusal("127.0.0.1", 80) == "loopback"
    assert address_refusal("::1", 443) == "loopback"
    assert address_refusal("::ffff:127.0.0.1", 443) == "loopback"
    assert address_refusal("10.1.2.3", 80) == "not a public address"
    assert address_refusal("169.254.169.254", 80) == "not a public address"
    assert address_refusal("224.0.0.1", 80) == "not a public address"
    assert address_refusal("2001:db8::1", 443) == "not a public address"
    assert address_refusal("8.8.8.8", 22) == "port 22 is not a web port"
    assert address_refusal("8.8.8.8", 443) == ""


def test_production_settings_never_allow_loopback_whatever_the_environment():
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "a-production-like-key-for-this-one-test-only-0123456789-abcdefgh",
        "ALLOWED_HOSTS": "direct.example",
        "LIVEBLOG_CARDS_ALLOW_LOOPBACK": "1",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.LIVEBLOG_CARDS_ALLOW_LOOPBACK)",
        ],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert shown.stdout.strip() == "False"

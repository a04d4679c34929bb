"""The journalist adds a URL; the desk reads its card when the composer is sent, shows the
card as readers will see it, and fills the block's empty fields, which stay editable.
A card that cannot be read never stops the post: the block is a plain link."""

import pytest

from liveblog.models import Block, LinkCard, Post
from tests.helpers import composer_data, paragraph
from tests.helpers.providers import Providers

pytestmark = pytest.mark.django_db

X_POST = "https://x.com/deuxrives/status/1"


@pytest.fixture
def providers(settings):
    server = Providers()
    settings.LIVEBLOG_CARDS_FETCH = True
    settings.LIVEBLOG_OEMBED_ENDPOINTS = server.endpoints()
    settings.LIVEBLOG_CARDS_ALLOW_LOOPBACK = {server.port}
    yield server
    server.stop()


@pytest.fixture
def desk(client, journalist, session):
    session.journalists.add(journalist)
    client.force_login(journalist)
    return client, f"/editor/{session.slug}/posts/new/"


def test_showing_the_card_fills_the_embed_and_previews_it_as_readers_will_see_it(desk, providers):
    client, url = desk
    data = composer_data(paragraph(), ("embed", {"url": X_POST}), change="card-1")
    html = client.post(url, data).content.decode()
    assert "Les lecteurs verront cette carte :" in html
    assert 'class="block block--embed card' in html
    assert "Le peloton passe le pont des Deux-Rives, Amina Diallo en tête." in html
    assert 'value="Course des Deux-Rives"' in html  # the author field, filled and editable
    assert f'name="blocks-1-card_of" value="{X_POST}"' in html
    assert "Afficher la publication sur X" in html
    assert "1 décembre 2026" in html
    assert not Post.objects.exists()  # a preview, nothing saved


def test_what_the_journalist_typed_is_never_replaced_by_the_card(desk, providers):
    client, url = desk
    embed = {"url": X_POST, "text": "Le peloton franchit le pont.", "attribution": ""}
    response = client.post(url, composer_data(("embed", embed)))
    assert response.status_code == 302
    block = Block.objects.get()
    assert block.text == "Le peloton franchit le pont."
    assert block.attribution == "Course des Deux-Rives"
    assert block.card.is_read


def test_a_field_emptied_on_purpose_stays_empty_on_the_next_save(desk, providers):
    client, url = desk
    sent = {"url": X_POST, "text": "", "attribution": "", "card_of": X_POST}
    assert client.post(url, composer_data(("embed", sent))).status_code == 302
    block = Block.objects.get()
    assert block.text == "" and block.attribution == ""


def test_a_related_link_published_with_only_its_address_takes_the_page_title(desk, providers):
    client, url = desk
    link = {"url": f"{providers.url}/article", "link_kind": "article", "link_title": ""}
    response = client.post(url, composer_data(paragraph(), ("link", link)))
    assert response.status_code == 302
    block = Block.objects.get(kind="link")
    assert block.link_title == "Le parcours du marathon, kilomètre par kilomètre"
    assert block.text == "Deux ponts, un faux plat et une arrivée sur les quais."
    assert block.card.site_name == "Le Journal des Deux-Rives"
    reader = client.get("/live/marathon/").content.decode()
    assert 'class="block block--link block--link-article card card--link"' in reader
    assert f'src="/media/{block.card.image.name}"' in reader
    assert "Le Journal des Deux-Rives" in reader


def test_a_link_that_cannot_be_read_is_published_as_a_plain_link_card(desk, providers):
    client, url = desk
    link = {
        "url": f"{providers.url}/document.pdf",
        "link_kind": "article",
        "link_title": "Le règlement de la course",
    }
    response = client.post(url, composer_data(paragraph(), ("link", link)))
    assert response.status_code == 302
    block = Block.objects.get(kind="link")
    assert block.card.status == LinkCard.Status.FAILED
    reader = client.get("/live/marathon/").content.decode()
    assert ">Le règlement de la course</a>" in reader
    assert "card-image" not in reader
    assert "127.0.0.1" in reader  # the site's name, from the address


def test_a_link_without_a_title_that_cannot_be_read_asks_for_the_title(desk, providers):
    client, url = desk
    link = {"url": f"{providers.url}/document.pdf", "link_kind": "article", "link_title": ""}
    response = client.post(url, composer_data(paragraph(), ("link", link)))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Cette adresse n\u2019a pas pu être lue : les lecteurs verront un simple lien." in html
    assert "Donnez le titre que verront les lecteurs." in html
    assert f'value="{providers.url}/document.pdf"' in html  # nothing typed is lost


def test_a_slow_provider_does_not_stop_the_post_going_out(desk, providers, settings):
    settings.LIVEBLOG_CARDS_TIMEOUT = 0.5
    settings.LIVEBLOG_OEMBED_ENDPOINTS = {"X": f"{providers.url}/slow?url={{url}}"}
    client, url = desk
    embed = {"url": X_POST, "text": "Le peloton s'étire."}
    assert client.post(url, composer_data(("embed", embed))).status_code == 302
    post = Post.objects.get()
    assert post.is_published
    reader = client.get("/live/marathon/").content.decode()
    assert "Le peloton s&#x27;étire." in reader
    assert "Afficher la publication sur X" in reader


def test_with_card_reading_off_nothing_is_fetched_and_the_button_is_gone(desk, providers, settings):
    settings.LIVEBLOG_CARDS_FETCH = False
    client, url = desk
    html = client.post(url, composer_data(("embed", {"url": X_POST}), change="card-0"))
    assert "Afficher la carte" not in html.content.decode()
    assert providers.requests == []


def test_editing_a_post_shows_its_card_and_does_not_read_it_again(desk, providers):
    client, url = desk
    client.post(url, composer_data(("embed", {"url": X_POST})))
    post = Post.objects.get()
    html = client.get(f"/editor/marathon/posts/{post.pk}/edit/").content.decode()
    assert "Les lecteurs verront cette carte :" in html
    assert "Relire la carte" in html
    assert providers.hits("/oembed/x") == 1

"""The journalist adds a URL; the desk asks the worker for its card when the composer is
sent, shows the card as readers will see it once read, and fills the block's empty fields,
which stay editable. A card that cannot be read never stops the post: the block is a
plain link. (Jobs run at once in tests, after the request's transaction: `sent` below.)"""

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


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Sends the composer, then runs the jobs it asked for, as the worker would."""

    def send(client, url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return send


def test_showing_the_card_fills_the_embed_and_previews_it_as_readers_will_see_it(
    desk, providers, sent
):
    client, url = desk
    data = composer_data(paragraph(), ("embed", {"url": X_POST}), change="card-1")
    asked = sent(client, url, data).content.decode()
    assert "La carte est en cours de lecture sur le site." in asked
    assert providers.hits("/oembed/x") == 1, "read by the job, after the request"
    html = client.post(url, data).content.decode()
    assert "Les lecteurs verront cette carte :" in html
    assert 'class="block block--embed card' in html
    assert "Le peloton passe le pont des Deux-Rives, Amina Diallo en tête." in html
    assert 'value="Course des Deux-Rives"' in html  # the author field, filled and editable
    assert f'name="blocks-1-card_of" value="{X_POST}"' in html
    assert "Afficher la publication sur X" in html
    assert "1 décembre 2026" in html
    assert not Post.objects.exists()  # a preview, nothing saved


def test_what_the_journalist_typed_is_never_replaced_by_the_card(desk, providers, sent):
    client, url = desk
    embed = {"url": X_POST, "text": "Le peloton franchit le pont.", "attribution": ""}
    response = sent(client, url, composer_data(("embed", embed)))
    assert response.status_code == 302
    block = Block.objects.get()
    assert block.text == "Le peloton franchit le pont."
    assert block.attribution == "Course des Deux-Rives"
    assert block.card.is_read


def test_a_field_emptied_on_purpose_stays_empty_on_the_next_save(desk, providers, sent):
    client, url = desk
    sent(client, url, composer_data(("embed", {"url": X_POST}), change="card-0"))  # read
    emptied = {"url": X_POST, "text": "", "attribution": "", "card_of": X_POST}
    assert sent(client, url, composer_data(("embed", emptied))).status_code == 302
    block = Block.objects.get()
    assert block.text == "" and block.attribution == ""


def test_a_related_link_published_with_only_its_address_takes_the_page_title(desk, providers, sent):
    client, url = desk
    link = {"url": f"{providers.url}/article", "link_kind": "article", "link_title": ""}
    response = sent(client, url, composer_data(paragraph(), ("link", link)))
    assert response.status_code == 302
    block = Block.objects.get(kind="link")
    assert block.link_title == "Le parcours du marathon, kilomètre par kilomètre"
    assert block.text == "Deux ponts, un faux plat et une arrivée sur les quais."
    assert block.card.site_name == "Le Journal des Deux-Rives"
    reader = client.get("/live/marathon/").content.decode()
    assert 'class="block block--link block--link-article card card--link"' in reader
    assert f'src="/media/{block.card.image.name}"' in reader
    assert "Le Journal des Deux-Rives" in reader


def test_a_link_that_cannot_be_read_is_published_as_a_plain_link_card(desk, providers, sent):
    client, url = desk
    link = {
        "url": f"{providers.url}/document.pdf",
        "link_kind": "article",
        "link_title": "Le règlement de la course",
    }
    response = sent(client, url, composer_data(paragraph(), ("link", link)))
    assert response.status_code == 302
    block = Block.objects.get(kind="link")
    assert block.card.status == LinkCard.Status.FAILED
    reader = client.get("/live/marathon/").content.decode()
    assert ">Le règlement de la course</a>" in reader
    assert "card-image" not in reader
    assert "127.0.0.1" in reader  # the site's name, from the address


def test_a_link_without_a_title_that_cannot_be_read_stays_a_plain_link_to_fill_in(
    desk, providers, sent
):
    client, url = desk
    address = f"{providers.url}/document.pdf"
    link = {"url": address, "link_kind": "article", "link_title": ""}
    response = sent(client, url, composer_data(paragraph(), ("link", link)))
    assert response.status_code == 302, "publishing never waits for a card"
    block = Block.objects.get(kind="link")
    assert block.card.status == LinkCard.Status.FAILED
    assert block.link_title == address, "its address stands for its title"
    reader = client.get("/live/marathon/").content.decode()
    assert f">{address}</a>" in reader and "card-image" not in reader
    html = client.get(f"/editor/marathon/posts/{block.post_id}/edit/").content.decode()
    assert "Cette adresse n\u2019a pas pu être lue : les lecteurs verront un simple lien." in html
    assert f'name="blocks-1-link_title" value="{address}"' in html  # to replace by hand


def test_a_slow_provider_does_not_stop_the_post_going_out(desk, providers, sent, settings):
    settings.LIVEBLOG_CARDS_TIMEOUT = 0.5
    settings.LIVEBLOG_OEMBED_ENDPOINTS = {"X": f"{providers.url}/slow?url={{url}}"}
    client, url = desk
    embed = {"url": X_POST, "text": "Le peloton s'étire."}
    assert sent(client, url, composer_data(("embed", embed))).status_code == 302
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


def test_editing_a_post_shows_its_card_and_does_not_read_it_again(desk, providers, sent):
    client, url = desk
    sent(client, url, composer_data(("embed", {"url": X_POST})))
    post = Post.objects.get()
    html = client.get(f"/editor/marathon/posts/{post.pk}/edit/").content.decode()
    assert "Les lecteurs verront cette carte :" in html
    assert "Relire la carte" in html
    assert providers.hits("/oembed/x") == 1

"""The newsroom's branding, set in the admin, on every public page; and a language choice
that sticks."""

import pytest
from django.core.cache import cache

from liveblog.models import Branding
from tests.helpers import jpeg
from tests.helpers.pages import read_head

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_branding():
    # The branding is cached between requests; each test starts and ends without one.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("chef", password="pw-chef-2026")
    client.force_login(admin)
    return client


def save_branding(admin_client, **fields):
    data = {"name": "Le Courrier du Fleuve", "colour": "#0b4a8b", "headline_font": "serif"}
    return admin_client.post("/admin/liveblog/branding/add/", data | fields)


def test_an_admin_names_the_newsroom_and_every_public_page_shows_it(
    admin_client, client, session, make_post
):
    post = make_post(session, title="Départ donné")
    response = save_branding(admin_client, logo=jpeg("logo.jpg"))
    assert response.status_code == 302
    branding = Branding.objects.get()
    client.logout()
    for url in ("/", f"/live/{session.slug}/", f"/live/{session.slug}/posts/{post.pk}/"):
        html = client.get(url).content.decode()
        # The logo stands for the name: its text alternative is the name.
        logo = f'<img src="{branding.logo.url}" alt="Le Courrier du Fleuve" width="80" height="45">'
        assert logo in html, url
    embed = client.get(f"/live/{session.slug}/embed/").content.decode()
    assert "Le Courrier du Fleuve" in embed
    head = read_head(client.get(f"/live/{session.slug}/").content.decode())
    assert head.meta["og:site_name"] == "Le Courrier du Fleuve"
    feed = client.get(f"/live/{session.slug}/feed.atom").content.decode()
    assert "<name>Le Courrier du Fleuve</name>" in feed


def test_the_brand_colour_and_headline_face_reach_pages_as_a_stylesheet(admin_client, client):
    save_branding(admin_client, colour="#1d5e3a", headline_font="sans")
    branding = Branding.current()
    html = client.get("/").content.decode()
    assert f'href="/branding.css?v={branding.version}"' in html
    css = client.get(f"/branding.css?v={branding.version}")
    assert "--brand: #1d5e3a;" in css.content.decode()
    assert "--brand-ink: #ffffff;" in css.content.decode()
    assert "--headline: system-ui" in css.content.decode()
    assert "immutable" in css["Cache-Control"]


def test_a_colour_too_light_to_read_is_refused_with_the_reason(admin_client):
    response = save_branding(admin_client, colour="#ffd84d")
    assert response.status_code == 200
    assert "trop claire pour être lue sur du blanc" in response.content.decode()
    assert not Branding.objects.exists()


def test_without_branding_the_publisher_name_from_settings_is_used(client, settings):
    settings.PUBLISHER_NAME = "Rédaction par défaut"
    assert "<span>Rédaction par défaut</span>" in client.get("/").content.decode()
    css = client.get("/branding.css").content.decode()
    assert "--brand: #b00020;" in css


def test_the_language_a_reader_chooses_sticks_on_the_next_pages(client, session):
    home = client.get("/").content.decode()
    # Each language in its own name, whatever the page's language.
    assert 'name="language" value="en" lang="en">English</button>' in home
    assert 'value="fr" lang="fr" aria-current="true">Français</button>' in home
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    again = client.get("/").content.decode()
    assert '<html lang="en">' in again
    assert "Live coverage" in again
    assert "Page not found" in client.get("/live/none/").content.decode()


def test_a_live_page_is_in_the_lives_language_and_offers_no_switch(client, session):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/live/{session.slug}/").content.decode()
    assert '<html lang="fr">' in html
    assert 'class="language-switch"' not in html

"""A post's own page (what a shared link opens) and “L'essentiel” on the live page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liveblog.domain.posts import set_key_event
from tests.helpers.pages import json_ld, read_head

pytestmark = pytest.mark.django_db

SITE = "https://direct.example.org"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = SITE


def post_url(post) -> str:
    return f"/live/{post.session.slug}/posts/{post.pk}/"


def test_shared_post_shows_its_own_title_and_photo(client, make_session, make_post, make_photo):
    session = make_session(lead_photo=make_photo(caption="Le départ."))
    photo = make_photo(caption="Amina Diallo sur la ligne.", alt_text="Une coureuse bras levés.")
    post = make_post(
        session,
        title="Amina Diallo remporte le marathon",
        minutes=150,
        blocks=[
            ("paragraph", {"text": "La Franco-Sénégalaise s'impose en 2 h 24."}),
            ("photo", {"photo": photo}),
        ],
    )
    response = client.get(post_url(post))
    assert response.status_code == 200
    html = response.content.decode()
    head = read_head(html)
    assert head.links["canonical"] == f"{SITE}/live/marathon/posts/{post.pk}/"
    assert head.meta["og:url"] == f"{SITE}/live/marathon/posts/{post.pk}/"
    assert head.meta["og:title"] == "Amina Diallo remporte le marathon"
    assert head.meta["og:description"] == "La Franco-Sénégalaise s'impose en 2 h 24."
    assert head.meta["og:image"] == f"{SITE}{photo.image.url}"
    assert head.meta["og:image:alt"] == "Une coureuse bras levés."
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["twitter:title"] == "Amina Diallo remporte le marathon"
    assert head.meta["twitter:image"] == f"{SITE}{photo.image.url}"
    assert (
        "<title>Amina Diallo remporte le marathon · Marathon des Deux-Rives en direct</title>"
        in html
    )
    assert f'<article id="post-{post.pk}"' in html
    assert "Suivre le direct" in html


def test_post_without_photo_is_shared_with_the_lives_lead_photo(
    client, make_session, make_post, make_photo
):
    lead = make_photo(caption="Le départ.")
    post = make_post(make_session(lead_photo=lead), title="Ravitaillement au km 20")
    head = read_head(client.get(post_url(post)).content.decode())
    assert head.meta["og:title"] == "Ravitaillement au km 20"
    assert head.meta["og:image"] == f"{SITE}{lead.image.url}"


def test_post_page_structured_data_is_a_blog_posting_of_the_live(client, session, make_post):
    post = make_post(session, title="Le peloton passe le pont", minutes=68)
    data = json_ld(client.get(post_url(post)).content.decode())
    assert data["@type"] == "BlogPosting"
    assert data["url"] == f"{SITE}/live/marathon/posts/{post.pk}/"
    assert data["headline"] == "Le peloton passe le pont"
    assert data["datePublished"] == "2025-10-21T07:38:00+00:00"
    assert data["articleBody"] == "Les coureurs passent le pont."
    assert data["isPartOf"]["@type"] == "LiveBlogPosting"
    assert data["isPartOf"]["@id"] == f"{SITE}/live/marathon/"


@pytest.mark.parametrize("status", ["draft", "scheduled", "deleted"])
def test_a_post_readers_cannot_see_has_no_page(client, session, make_post, status):
    post = make_post(session, title="Pas pour les lecteurs", status=status)
    response = client.get(post_url(post))
    assert response.status_code == 404
    assert "Pas pour les lecteurs" not in response.content.decode()


def test_a_post_is_only_found_under_its_own_live(client, make_session, make_post):
    post = make_post(make_session(slug="marathon"))
    other = make_session(slug="election")
    assert client.get(f"/live/{other.slug}/posts/{post.pk}/").status_code == 404


def test_english_live_post_page_is_in_english(client, make_session, make_post):
    session = make_session(slug="city-marathon", language="en", headline="City marathon live")
    post = make_post(session, title="", minutes=68)
    html = client.get(post_url(post)).content.decode()
    assert read_head(html).meta["og:title"] == "Post at 07:38"
    assert "Follow the live" in html


def test_every_post_on_the_live_page_links_to_its_page_and_can_be_shared(
    client, session, make_post
):
    post = make_post(session, title="Départ donné")
    html = client.get(f"/live/{session.slug}/").content.decode()
    assert f'<a class="permalink" href="/live/marathon/posts/{post.pk}/">' in html
    assert f'data-share-url="/live/marathon/posts/{post.pk}/"' in html
    assert 'data-share-title="Départ donné"' in html
    assert '<script type="module" src="/static/liveblog/share.js"></script>' in html


def essentials(html: str) -> str:
    start = html.index('aria-labelledby="key-posts-title"')
    return html[start : html.index("</nav>", start)]


def test_the_essentials_list_key_posts_newest_first_linking_to_them(
    client, session, make_post, editor
):
    start = make_post(session, title="Départ donné", minutes=0, key_event=True)
    make_post(session, title="Ravitaillement", minutes=60)
    finish = make_post(session, title="Victoire d'Amina Diallo", minutes=150)
    set_key_event(post=finish, key_event=True, by=editor)
    html = client.get(f"/live/{session.slug}/").content.decode()
    assert "L'essentiel" in html
    listed = essentials(html)
    assert listed.index("Victoire d&#x27;Amina Diallo") < listed.index("Départ donné")
    assert f'href="#post-{finish.pk}"' in listed
    assert f'href="#post-{start.pk}"' in listed
    assert "Ravitaillement" not in listed
    assert '<time datetime="2025-10-21T09:00:00+00:00">9H00</time>' in listed


def test_a_key_post_beyond_the_first_page_links_to_its_own_page(
    client, settings, session, make_post
):
    settings.LIVEBLOG_PAGE_SIZE = 2
    old = make_post(session, title="Départ donné", minutes=0, key_event=True)
    make_post(session, minutes=10)
    make_post(session, minutes=20)
    html = client.get(f"/live/{session.slug}/").content.decode()
    assert f'href="/live/marathon/posts/{old.pk}/"' in essentials(html)


def test_no_essentials_without_key_posts(client, session, make_post):
    make_post(session)
    html = client.get(f"/live/{session.slug}/").content.decode()
    # The empty list is kept hidden, ready for the first key event to arrive live.
    assert 'data-shown="6" hidden>' in html
    assert "<li" not in essentials(html)


def test_the_essentials_cost_the_same_queries_however_many_key_posts(client, session, make_post):
    def queries_for_page():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/live/{session.slug}/").status_code == 200
        return len(queries)

    make_post(session, minutes=0, key_event=True)
    one = queries_for_page()
    for minutes in range(1, 8):
        make_post(session, minutes=minutes, key_event=True)
    assert queries_for_page() == one


def test_an_untitled_key_post_is_listed_by_its_time(client, session, make_post):
    post = make_post(session, title="", minutes=68, key_event=True)
    listed = essentials(client.get(f"/live/{session.slug}/").content.decode())
    assert (
        f'<a href="#post-{post.pk}"><time datetime="2025-10-21T07:38:00+00:00">7H38</time> Essentiel</a>'
        in listed
    )

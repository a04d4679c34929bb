"""HTTP caching a CDN can use: validators, 304 answers, shared lifetimes, gzip, and nothing
a signed-in person is sent kept by anyone else."""

import gzip

import feedparser
import pytest

from liveblog.domain.posts import delete_post, record_edit
from liveblog.domain.sessions import start_session
from liveblog.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(session, make_post):
    post = make_post(session, title="Le départ est donné")
    return session, post


def public_urls(session, post) -> list[str]:
    s = session.slug
    return [
        "/",
        f"/live/{s}/",
        f"/live/{s}/?before=9999999999999999-1",
        f"/live/{s}/posts/{post.pk}/",
        f"/live/{s}/embed/",
        f"/live/{s}/feed.atom",
        f"/live/{s}/feed.rss",
        f"/live/{s}/events?after=0",
        "/api/lives/",
        f"/api/lives/{s}/",
        f"/api/lives/{s}/posts/",
    ]


def test_every_public_page_feed_and_api_answers_a_conditional_request_with_304(client, live):
    for url in public_urls(*live):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["ETag"].startswith('W/"'), url
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304, url


def test_a_new_post_makes_every_public_answer_new_again(client, live, make_post):
    session, post = live
    tags = {url: client.get(url)["ETag"] for url in public_urls(session, post)}
    make_post(session, title="Premier ravitaillement", minutes=5)
    for url, tag in tags.items():
        response = client.get(url, HTTP_IF_NONE_MATCH=tag)
        assert response.status_code == 200, url


def test_a_withdrawn_post_is_not_answered_as_unchanged(client, live, editor):
    session, post = live
    url = f"/live/{session.slug}/"
    tag = client.get(url)["ETag"]
    delete_post(post=post, by=editor)
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert "Le départ est donné" not in response.content.decode()


def test_a_conditional_request_for_the_live_page_costs_one_query(
    client, live, django_assert_num_queries
):
    session, _post = live
    tag = client.get(f"/live/{session.slug}/")["ETag"]
    with django_assert_num_queries(1):
        assert client.get(f"/live/{session.slug}/", HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_each_public_answer_may_be_shared_briefly_and_served_stale_while_refreshed(client, live):
    for url in public_urls(*live):
        control = client.get(url)["Cache-Control"]
        assert "public" in control, url
        assert "s-maxage=" in control, url
        # The catch-up log alone is never served stale: withdrawn words leave it at once.
        if "/events" not in url:
            assert "stale-while-revalidate=" in control, url
        else:
            assert "stale-while-revalidate" not in control and "must-revalidate" in control
    live_page = client.get(f"/live/{live[0].slug}/")["Cache-Control"]
    assert "s-maxage=5" in live_page


def test_nothing_sent_to_a_signed_in_journalist_is_stored_by_a_shared_cache(
    client, live, journalist
):
    session, post = live
    session.journalists.add(journalist)
    client.force_login(journalist)
    for url in [*public_urls(session, post), "/editor/", f"/editor/{session.slug}/"]:
        control = client.get(url)["Cache-Control"]
        assert "private" in control, url
        assert "no-store" in control, url
        assert "public" not in control and "s-maxage" not in control, url


def test_an_empty_feed_keeps_its_date_from_one_request_to_the_next(client, session):
    url = f"/live/{session.slug}/feed.atom"
    first = client.get(url)
    second = client.get(url)
    assert feedparser.parse(first.content).feed.updated == (
        feedparser.parse(second.content).feed.updated
    )
    assert first["Last-Modified"] == second["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_html_json_and_feeds_travel_compressed_and_photos_as_they_are(client, live, make_photo):
    session, _post = live
    for url in [
        f"/live/{session.slug}/",
        f"/api/lives/{session.slug}/",
        f"/live/{session.slug}/feed.atom",
    ]:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in response["Vary"]
        assert gzip.decompress(response.content)
    photo = client.get(make_photo().image.url, HTTP_ACCEPT_ENCODING="gzip")
    assert not photo.has_header("Content-Encoding")


def test_changes_on_the_desk_are_not_answered_with_304_either(client, live, editor):
    session, post = live
    url = f"/api/lives/{session.slug}/posts/"
    tag = client.get(url)["ETag"]
    post.title = "Le départ est donné à 8H30"
    post.save(update_fields=["title"])
    record_edit(post=post, by=editor)
    assert Post.objects.get().title.endswith("8H30")
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert "8H30" in response.content.decode()


def test_a_page_in_another_language_is_not_answered_as_unchanged(client, live):
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/", HTTP_IF_NONE_MATCH=french["ETag"], HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    assert "Accept-Language" in english["Vary"]


def test_a_new_branding_is_not_answered_as_unchanged(client, live, django_user_model):
    session, _post = live
    url = f"/live/{session.slug}/"
    tag = client.get(url)["ETag"]
    admin = django_user_model.objects.create_superuser("chef", password="pw-chef-2026")
    client.force_login(admin)
    data = {"name": "Le Courrier du Fleuve", "colour": "#0b4a8b", "headline_font": "serif"}
    assert client.post("/admin/liveblog/branding/add/", data).status_code == 302
    client.logout()
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert "Le Courrier du Fleuve" in response.content.decode()


def test_the_sitemap_robots_txt_and_alerts_worker_answer_a_conditional_request_with_304(
    client, live
):
    for url in ["/sitemap.xml", "/robots.txt", "/live/push-worker.js"]:
        first = client.get(url)
        assert first.status_code == 200, url
        assert "public" in first["Cache-Control"] and "s-maxage=" in first["Cache-Control"]
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""


def test_a_new_post_or_a_live_starting_makes_the_sitemap_new_again(
    client, live, make_post, make_session, editor
):
    session, _post = live
    other = make_session(slug="soiree-electorale", status="scheduled", headline="Soirée électorale")
    first = client.get("/sitemap.xml")
    assert "/live/soiree-electorale/" not in first.content.decode()
    make_post(session, title="Premier ravitaillement", minutes=5)
    response = client.get("/sitemap.xml", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    start_session(session=other, by=editor)
    started = client.get("/sitemap.xml", HTTP_IF_NONE_MATCH=response["ETag"])
    assert started.status_code == 200
    assert "/live/soiree-electorale/" in started.content.decode()


def test_a_live_s_pages_and_the_api_keep_one_copy_for_readers_of_every_language(client, live):
    """A live's pages follow the live's language: a CDN keeps one copy, not one per browser."""
    session, post = live
    for url in [*public_urls(session, post)[1:], "/sitemap.xml", "/api/openapi.json"]:
        french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.8")
        assert "Accept-Language" not in french.get("Vary", ""), url
        english = client.get(
            url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9", HTTP_IF_NONE_MATCH=french["ETag"]
        )
        assert english.status_code == 304, url


def test_the_home_page_varies_with_the_browser_s_language_and_the_switcher_s_cookie(
    client, live, settings
):
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert {"Accept-Language", "Cookie"} <= {name.strip() for name in french["Vary"].split(",")}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert english.content != french.content
    assert client.get("/", HTTP_IF_NONE_MATCH=french["ETag"]).status_code == 200

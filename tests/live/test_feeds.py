"""Atom and RSS feeds per live, the sitemap and robots.txt, as feed readers and crawlers see them."""

import html
import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from liveblog.domain.posts import record_edit
from liveblog.domain.sessions import end_session, start_session
from tests.helpers import START

pytestmark = pytest.mark.django_db

SITE = "https://direct.example.org"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = SITE
    settings.PUBLISHER_NAME = "La Gazette des Deux-Rives"


def read_feed(client, session, kind):
    response = client.get(f"/live/{session.slug}/feed.{kind}")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize(("kind", "version"), [("atom", "atom10"), ("rss", "rss20")])
def test_feed_lists_published_posts_newest_first(
    client, session, make_post, journalist, kind, version
):
    first = make_post(session, title="Départ donné", minutes=0, rubric="course")
    make_post(session, title="Brouillon", status="draft")
    make_post(session, title="Retiré", minutes=5, status="deleted")
    last = make_post(
        session,
        title="",
        minutes=68,
        rubric="ambiance",
        blocks=[("paragraph", {"text": "<p>La foule <em>applaudit</em> & chante.</p>"})],
    )
    feed = read_feed(client, session, kind)
    assert feed.version == version
    assert feed.feed.title == "Marathon des Deux-Rives en direct"
    assert feed.feed.link == f"{SITE}/live/marathon/"
    assert feed.feed.language == "fr"
    assert [entry.title for entry in feed.entries] == ["Publication de 7H38", "Départ donné"]

    newest, oldest = feed.entries
    assert newest.link == f"{SITE}/live/marathon/posts/{last.pk}/"
    assert newest.id == f"{SITE}/live/marathon/posts/{last.pk}/"
    assert "<p>La foule <em>applaudit</em> &amp; chante.</p>" in newest.summary
    assert newest.published_parsed[:5] == (2025, 10, 21, 7, 38)
    assert [tag.term for tag in newest.tags] == ["ambiance"]
    assert oldest.link == f"{SITE}/live/marathon/posts/{first.pk}/"
    assert oldest.author == "Jeanne Martin"


def test_atom_feed_tells_when_a_post_was_corrected(client, session, make_post, journalist):
    post = make_post(session, title="Le vainqueur", minutes=150)
    block = post.blocks.get()
    block.text = "Amina Diallo gagne en 2 h 24 min 10 s."
    block.save()
    record_edit(post=post, by=journalist)
    post.refresh_from_db()
    feed = read_feed(client, session, "atom")
    entry = feed.entries[0]
    assert "2 h 24 min 10 s" in entry.summary
    assert entry.updated_parsed[:6] == post.edited_at.utctimetuple()[:6]
    assert entry.published_parsed[:5] == (2025, 10, 21, 9, 0)


def test_english_live_has_an_english_feed(client, make_session, make_post):
    session = make_session(slug="city-marathon", language="en", headline="City marathon live")
    make_post(session, title="", minutes=68)
    feed = read_feed(client, session, "rss")
    assert feed.feed.language == "en"
    assert feed.entries[0].title == "Post at 07:38"


def test_unknown_live_has_no_feed(client):
    assert client.get("/live/nexiste-pas/feed.atom").status_code == 404


def test_live_page_points_feed_readers_to_its_feeds(client, session):
    html = client.get(f"/live/{session.slug}/").content.decode()
    assert 'type="application/atom+xml"' in html
    assert 'href="/live/marathon/feed.atom"' in html
    assert 'href="/live/marathon/feed.rss"' in html


def sitemap_entries(client) -> dict[str, ET.Element]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {url.findtext(f"{SITEMAP}loc"): url for url in root.findall(f"{SITEMAP}url")}


def test_sitemap_lists_public_lives_with_news_fields_for_fresh_ones(
    client, make_session, make_post, editor
):
    now = timezone.now()
    running = make_session(slug="marathon")
    post = make_post(running, minutes=30)
    just_ended = make_session(
        slug="election", status="scheduled", headline="Soirée électorale en direct"
    )
    start_session(session=just_ended, by=editor, at=now - timedelta(hours=6))
    end_session(session=just_ended, by=editor, at=now - timedelta(hours=1))
    old = make_session(slug="tempete", status="ended", headline="La tempête Aline en direct")
    make_session(slug="bientot", status="scheduled", headline="Pas encore commencé")

    entries = sitemap_entries(client)
    assert set(entries) == {
        f"{SITE}/live/marathon/",
        f"{SITE}/live/election/",
        f"{SITE}/live/tempete/",
        f"{SITE}/live/marathon/posts/{post.pk}/",
    }
    news = entries[f"{SITE}/live/marathon/"].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "La Gazette des Deux-Rives"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "fr"
    assert news.findtext(f"{NEWS}publication_date") == START.isoformat()
    assert news.findtext(f"{NEWS}title") == "Marathon des Deux-Rives en direct"
    assert entries[f"{SITE}/live/marathon/"].findtext(f"{SITEMAP}changefreq") == "always"

    election = entries[f"{SITE}/live/election/"].find(f"{NEWS}news")
    assert election.findtext(f"{NEWS}title") == "Soirée électorale en direct"
    assert entries[f"{SITE}/live/tempete/"].find(f"{NEWS}news") is None, (
        f"{old.headline} ended long ago: not news any more"
    )


def test_sitemap_lists_each_published_posts_page_with_its_last_change(
    client, session, make_post, make_session, journalist
):
    edited = make_post(session, minutes=30)
    record_edit(post=edited, by=journalist)
    edited.refresh_from_db()
    plain = make_post(session, minutes=40)
    make_post(session, minutes=50, status="deleted")
    make_post(session, minutes=60, status="draft")
    entries = sitemap_entries(client)
    posts = {url for url in entries if "/posts/" in url}
    assert posts == {
        f"{SITE}/live/marathon/posts/{edited.pk}/",
        f"{SITE}/live/marathon/posts/{plain.pk}/",
    }
    lastmod = entries[f"{SITE}/live/marathon/posts/{edited.pk}/"].findtext(f"{SITEMAP}lastmod")
    assert lastmod == edited.edited_at.isoformat()
    assert (
        entries[f"{SITE}/live/marathon/posts/{plain.pk}/"].findtext(f"{SITEMAP}lastmod")
        == "2025-10-21T07:10:00+00:00"
    )


def test_sitemap_last_modified_follows_the_latest_post_edit(client, session, make_post, journalist):
    post = make_post(session, minutes=30)
    record_edit(post=post, by=journalist)
    post.refresh_from_db()
    lastmod = sitemap_entries(client)[f"{SITE}/live/marathon/"].findtext(f"{SITEMAP}lastmod")
    assert lastmod >= post.edited_at.isoformat()[:19]


def test_robots_txt_points_crawlers_to_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in text
    assert "Disallow: /editor/" in text


def test_feed_entries_carry_the_whole_post_with_its_photo(client, session, post_with_every_block):
    photo = post_with_every_block.blocks.get(kind="photo").photo
    entry = read_feed(client, session, "atom").entries[0]
    content = html.unescape(entry.summary)
    assert "<p>Amina Diallo <strong>franchit</strong> la ligne.</p>" in content
    assert (
        f'<img alt="Une coureuse bras levés." height="360" src="{SITE}{photo.image.url}" width="640" />'
        in content
    )
    assert "La ligne d'arrivée. © Clairvue Photo/Léa Moreau" in content
    assert "Je n'ai rien lâché." in content
    assert "— Amina Diallo" in content
    assert '<a href="https://youtu.be/arrivee">Voir la vidéo sur YouTube</a>' in content
    assert 'Lire <a href="https://example.org/portrait">Qui est Amina Diallo ?</a>' in content
    assert 'Voir <a href="https://example.org/video">L\'arrivée en images</a>' in content

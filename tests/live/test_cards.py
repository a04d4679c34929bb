"""Readers see embeds and related links as cards drawn by our HTML, with our copy of the
image; the provider's player loads only on a click. The API and the structured data
carry the same words."""

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from liveblog.models import LinkCard
from tests.helpers.pages import json_ld

pytestmark = pytest.mark.django_db

VIDEO = "https://www.youtube.com/watch?v=arrivee2026"
X_POST = "https://x.com/deuxrives/status/1"
ARTICLE = "https://journal.example/parcours"


def picture() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), "#cc3322").save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="carte.jpg")


@pytest.fixture
def cards():
    now = timezone.now()
    video = LinkCard.objects.create(
        url=VIDEO,
        status="ok",
        provider="YouTube",
        title="L'arrivée en vidéo",
        text="L'arrivée en vidéo",
        author="Les Deux-Rives TV",
        image=picture(),
        fetched_at=now,
    )
    post = LinkCard.objects.create(
        url=X_POST,
        status="ok",
        provider="X",
        text="Le peloton passe le pont.",
        author="Course des Deux-Rives",
        published_at=datetime(2026, 12, 1, tzinfo=UTC),
        fetched_at=now,
    )
    article = LinkCard.objects.create(
        url=ARTICLE,
        status="ok",
        site_name="Le Journal des Deux-Rives",
        title="Le parcours",
        text="Deux ponts et un faux plat.",
        image=picture(),
        fetched_at=now,
    )
    return video, post, article


@pytest.fixture
def carded_post(session, make_post, cards):
    video, x_post, article = cards
    return make_post(
        session,
        title="Arrivée",
        blocks=[
            ("embed", {"url": VIDEO, "text": "L'arrivée en vidéo", "card": video}),
            (
                "embed",
                {
                    "url": X_POST,
                    "text": "Le peloton passe le pont.",
                    "attribution": "Course des Deux-Rives",
                    "card": x_post,
                },
            ),
            (
                "link",
                {
                    "url": ARTICLE,
                    "link_kind": "article",
                    "link_title": "Le parcours",
                    "text": "Deux ponts et un faux plat.",
                    "card": article,
                },
            ),
        ],
    )


def test_a_video_card_shows_our_thumbnail_and_plays_only_on_a_click(client, carded_post, cards):
    video = cards[0]
    html = client.get("/live/marathon/").content.decode()
    assert 'class="block block--embed card card--video"' in html
    assert f'src="/media/{video.image.name}"' in html
    assert 'width="640" height="360"' in html
    assert "youtube.com/embed" not in html and "<iframe" not in html
    assert 'data-player="https://www.youtube-nocookie.com/embed/arrivee2026?autoplay=1"' in html
    assert f'href="{VIDEO}"' in html  # without JavaScript, the link goes to the video
    assert "Lire la vidéo" in html
    assert "liveblog/cards.js" in html


def test_a_social_post_card_shows_author_words_and_date_and_links_out(client, carded_post):
    html = client.get("/live/marathon/").content.decode()
    assert '<span class="card-author">Course des Deux-Rives</span>' in html
    assert (
        '<blockquote cite="https://x.com/deuxrives/status/1"><p>Le peloton passe le pont.' in html
    )
    assert '<time datetime="2026-12-01T00:00:00+00:00">1 décembre 2026</time>' in html
    assert "Afficher la publication sur X" in html
    assert "platform.twitter.com" not in html


def test_a_related_link_card_shows_title_summary_site_and_image(client, carded_post, cards):
    html = client.get("/live/marathon/").content.decode()
    assert '<a class="card-title" href="https://journal.example/parcours">Le parcours</a>' in html
    assert '<span class="card-text">Deux ponts et un faux plat.</span>' in html
    assert '<span class="card-site">Le Journal des Deux-Rives</span>' in html
    assert f'src="/media/{cards[2].image.name}"' in html


def test_a_card_that_failed_later_shows_as_a_plain_link(client, carded_post, cards):
    LinkCard.objects.filter(pk=cards[2].pk).update(status="failed", failure="timed out")
    html = client.get("/live/marathon/").content.decode()
    assert "Le Journal des Deux-Rives" not in html
    assert '<span class="card-site">journal.example</span>' in html


def test_the_api_gives_each_card_with_our_copy_of_its_image(client, carded_post, cards):
    answer = json.loads(client.get("/api/lives/marathon/posts/").content)
    video, x_post, link = answer["posts"][0]["blocks"]
    assert video["thumbnail"].endswith(cards[0].image.url)
    assert video["author"] is None
    assert x_post["author"] == "Course des Deux-Rives"
    assert x_post["text"] == "Le peloton passe le pont."
    assert x_post["published_at"] == "2026-12-01T00:00:00+00:00"
    assert link["description"] == "Deux ponts et un faux plat."
    assert link["site_name"] == "Le Journal des Deux-Rives"
    assert link["image"].endswith(cards[2].image.url)


def test_structured_data_cites_the_social_post_with_its_author(client, carded_post):
    html = client.get(f"/live/marathon/posts/{carded_post.pk}/").content.decode()
    data = json_ld(html)
    assert "Le peloton passe le pont. — Course des Deux-Rives, X" in data["articleBody"]
    cited = {item["url"]: item for item in data["citation"]}
    assert cited[X_POST] == {
        "@type": "SocialMediaPosting",
        "url": X_POST,
        "text": "Le peloton passe le pont.",
        "author": {"@type": "Person", "name": "Course des Deux-Rives"},
        "datePublished": "2026-12-01T00:00:00+00:00",
    }
    assert cited[ARTICLE]["name"] == "Le parcours"


def test_a_block_written_outside_the_desk_shows_the_card_its_url_already_has(
    client, session, make_post, cards
):
    # The admin, an archive import or the demo write blocks without asking for a card.
    make_post(session, title="Depuis l'admin", blocks=[("embed", {"url": X_POST, "text": "Ah !"})])
    html = client.get("/live/marathon/").content.decode()
    assert '<time datetime="2026-12-01T00:00:00+00:00">1 décembre 2026</time>' in html


def test_feeds_carry_the_embedded_post_author_and_the_link_summary(client, carded_post):
    feed = client.get("/live/marathon/feed.atom").content.decode()
    assert "« Le peloton passe le pont. » — Course des Deux-Rives" in feed
    assert "Le parcours&lt;/a&gt; — Deux ponts et un faux plat." in feed

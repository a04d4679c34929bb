"""The schema.org LiveBlogPosting search engines read on every live page, field by field."""

from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from liveblog.domain.posts import record_edit, set_pinned
from liveblog.domain.sessions import end_session
from liveblog.models import Block, Branding
from tests.helpers import START, jpeg
from tests.helpers.pages import json_ld, read_head

pytestmark = pytest.mark.django_db

SITE = "https://direct.example.org"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = SITE
    settings.PUBLISHER_NAME = "La Gazette des Deux-Rives"


def live_data(client, session) -> dict:
    return json_ld(client.get(f"/live/{session.slug}/").content.decode())


def updates_by_url(data: dict) -> dict[str, dict]:
    return {update["url"]: update for update in data["liveBlogUpdate"]}


def test_live_page_describes_the_session_as_a_live_blog_posting(client, make_session, make_photo):
    lead = make_photo(caption="La ligne de départ.")
    session = make_session(lead_photo=lead)
    data = live_data(client, session)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "LiveBlogPosting"
    assert data["url"] == f"{SITE}/live/marathon/"
    assert data["mainEntityOfPage"] == f"{SITE}/live/marathon/"
    assert data["headline"] == "Marathon des Deux-Rives en direct"
    assert data["description"] == "Suivez la course du départ à l'arrivée."
    assert data["inLanguage"] == "fr"
    assert data["coverageStartTime"] == "2025-10-21T06:30:00+00:00"
    assert data["datePublished"] == "2025-10-21T06:30:00+00:00"
    assert "coverageEndTime" not in data, "a running live has no end yet"
    assert data["image"] == [
        {
            "@type": "ImageObject",
            "url": f"{SITE}{lead.image.url}",
            "width": 64,
            "height": 36,
            "caption": "La ligne de départ.",
            "creditText": "© Clairvue Photo/Léa Moreau",
        }
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "La Gazette des Deux-Rives",
        "url": SITE,
        "logo": {
            "@type": "ImageObject",
            "url": f"{SITE}/static/liveblog/logo.png",
            "width": 600,
            "height": 120,
        },
    }
    assert data["author"] == [
        {"@type": "Organization", "name": "La Gazette des Deux-Rives", "url": SITE}
    ], "a live without posts yet is the newsroom's"
    assert data["liveBlogUpdate"] == []


def test_each_post_shown_is_a_blog_posting_anchored_on_the_page(
    client, session, make_post, post_with_every_block
):
    with_photo = post_with_every_block
    photo = with_photo.blocks.get(kind="photo").photo
    short = make_post(session, title="", minutes=70)
    data = live_data(client, session)
    updates = updates_by_url(data)
    assert len(updates) == 2

    first = updates[f"{SITE}/live/marathon/#post-{with_photo.pk}"]
    assert first["@type"] == "BlogPosting"
    assert first["headline"] == "Arrivée de la tête de course"
    assert first["datePublished"] == "2025-10-21T09:00:00+00:00"
    assert first["dateModified"] == "2025-10-21T09:00:00+00:00"
    assert first["articleBody"] == (
        "Amina Diallo franchit la ligne.\n\n« Je n'ai rien lâché. » Amina Diallo"
        "\n\nBravo ! — Bluesky\n\nQui est Amina Diallo ?\n\nL'arrivée en images"
    )
    assert [image["url"] for image in first["image"]] == [f"{SITE}{photo.image.url}"]
    assert (first["image"][0]["width"], first["image"][0]["height"]) == (640, 360)
    assert first["author"] == {"@type": "Person", "name": "Jeanne Martin"}
    assert data["author"] == [{"@type": "Person", "name": "Jeanne Martin"}]

    untitled = updates[f"{SITE}/live/marathon/#post-{short.pk}"]
    assert untitled["headline"] == "Publication de 7H40"
    assert untitled["articleBody"] == "Les coureurs passent le pont."
    assert "image" not in untitled, "a post without a photo claims no image"


def test_every_update_has_a_body_a_photo_only_post_its_caption(
    client, session, make_post, make_photo
):
    photo = make_photo(caption="La foule applaudit les derniers coureurs.")
    make_post(session, title="En images", minutes=5, blocks=[("photo", {"photo": photo})])
    make_post(
        session,
        title="Sur les réseaux",
        minutes=6,
        blocks=[("embed", {"url": "https://bsky.app/profile/course/post/1", "text": "Bravo !"})],
    )
    bodies = {u["headline"]: u["articleBody"] for u in live_data(client, session)["liveBlogUpdate"]}
    # An embed's words name where they come from, as its card does.
    assert bodies == {
        "En images": "La foule applaudit les derniers coureurs.",
        "Sur les réseaux": "Bravo ! — Bluesky",
    }


def test_list_items_and_paragraphs_stay_apart_in_the_body(client, session, make_post):
    text = "<p>Les chiffres :</p><ul><li>17 842 partants</li><li>96 nationalités</li></ul>"
    make_post(session, title="Les chiffres", blocks=[("paragraph", {"text": text})])
    update = live_data(client, session)["liveBlogUpdate"][0]
    assert update["articleBody"] == "Les chiffres :\n17 842 partants\n96 nationalités"


def test_the_publisher_logo_is_the_newsrooms_own_once_uploaded(client, session):
    branding = Branding(name="Le Courrier du Fleuve", colour="#0b4a8b")
    branding.logo.save("logo.jpg", ContentFile(jpeg().read()), save=False)
    branding.save()
    try:
        data = live_data(client, session)
        assert data["publisher"]["name"] == "Le Courrier du Fleuve"
        assert data["publisher"]["logo"]["url"] == f"{SITE}{branding.logo.url}"
        assert (data["publisher"]["logo"]["width"], data["publisher"]["logo"]["height"]) == (80, 45)
    finally:
        cache.clear()


def test_pinned_posts_are_updates_too_and_unpublished_ones_are_not(
    client, session, make_post, editor
):
    pinned = make_post(session, title="Le parcours modifié", minutes=5)
    set_pinned(post=pinned, pinned=True, by=editor)
    make_post(session, title="Brouillon", status="draft")
    make_post(session, title="Retiré", minutes=9, status="deleted")
    headlines = [update["headline"] for update in live_data(client, session)["liveBlogUpdate"]]
    assert headlines == ["Le parcours modifié"]


def test_an_edited_post_shows_its_new_text_and_modification_time(
    client, session, make_post, journalist
):
    post = make_post(session, title="Au kilomètre 30", minutes=150)
    block = post.blocks.get()
    block.text = "Le peloton s'étire au kilomètre 30."
    block.save()
    post.title = "Au kilomètre 30, le peloton s'étire"
    post.save()
    record_edit(post=post, by=journalist)
    post.refresh_from_db()

    data = live_data(client, session)
    update = updates_by_url(data)[f"{SITE}/live/marathon/#post-{post.pk}"]
    assert update["headline"] == "Au kilomètre 30, le peloton s'étire"
    assert update["articleBody"] == "Le peloton s'étire au kilomètre 30."
    assert update["datePublished"] == "2025-10-21T09:00:00+00:00"
    assert update["dateModified"] == post.edited_at.isoformat()
    assert datetime.fromisoformat(data["dateModified"]) >= post.edited_at


def test_an_ended_live_gives_its_coverage_end_time(client, session, make_post, editor):
    make_post(session, title="Les derniers arrivants", minutes=400)
    end_session(session=session, by=editor, at=START + timedelta(hours=13, minutes=45))
    data = live_data(client, session)
    assert data["coverageStartTime"] == "2025-10-21T06:30:00+00:00"
    assert data["coverageEndTime"] == "2025-10-21T20:15:00+00:00"
    assert [u["headline"] for u in data["liveBlogUpdate"]] == ["Les derniers arrivants"]


def test_a_scheduled_live_announces_its_planned_start(client, make_session):
    planned = START + timedelta(days=2)
    session = make_session(slug="election", status="scheduled", scheduled_for=planned)
    data = live_data(client, session)
    assert data["coverageStartTime"] == planned.isoformat()
    assert "coverageEndTime" not in data


def test_post_text_cannot_break_out_of_the_json_ld_block(client, session, make_post):
    hostile = "</script><script>alert('pris')</script> & <!--"
    post = make_post(session, title=hostile)
    Block.objects.filter(post=post).update(kind="quote", text=hostile)
    html = client.get(f"/live/{session.slug}/").content.decode()
    head = html[: html.index("</head>")]
    assert "<script>alert" not in head
    update = json_ld(html)["liveBlogUpdate"][0]
    assert update["headline"] == hostile
    assert hostile in update["articleBody"]


def test_live_page_carries_canonical_and_share_tags_for_the_session(
    client, make_session, make_photo
):
    lead = make_photo(alt_text="La foule sur le quai au départ.", size=(1200, 630))
    session = make_session(lead_photo=lead)
    head = read_head(client.get(f"/live/{session.slug}/").content.decode())
    assert head.links["canonical"] == f"{SITE}/live/marathon/"
    assert head.meta["og:type"] == "article"
    assert head.meta["og:url"] == f"{SITE}/live/marathon/"
    assert head.meta["og:title"] == "Marathon des Deux-Rives en direct"
    assert head.meta["og:description"] == "Suivez la course du départ à l'arrivée."
    assert head.meta["og:site_name"] == "La Gazette des Deux-Rives"
    assert head.meta["og:locale"] == "fr_FR"
    assert head.meta["og:image"] == f"{SITE}{lead.image.url}"
    assert head.meta["og:image:width"] == "1200"
    assert head.meta["og:image:alt"] == "La foule sur le quai au départ."
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["twitter:title"] == "Marathon des Deux-Rives en direct"
    assert head.meta["twitter:image"] == f"{SITE}{lead.image.url}"


def test_a_live_without_a_photo_gets_a_plain_summary_card(client, session):
    head = read_head(client.get(f"/live/{session.slug}/").content.decode())
    assert head.meta["twitter:card"] == "summary"
    assert "og:image" not in head.meta

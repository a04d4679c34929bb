"""The public JSON API: a live and its posts, paged by key, as an app or a partner reads it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liveblog.domain.posts import record_edit
from liveblog.domain.sessions import archive_session
from tests.helpers import START

pytestmark = pytest.mark.django_db

SITE = "https://direct.example.org"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = SITE


def get_json(client, url, status=200) -> dict:
    response = client.get(url.removeprefix(SITE))
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def all_pages(client, url) -> list[list[dict]]:
    pages = []
    while url:
        answer = get_json(client, url)
        pages.append(answer["posts"])
        url = answer["next"]
    return pages


def test_session_gives_what_an_app_needs_to_show_the_live(client, make_session, make_photo):
    lead = make_photo(caption="La ligne de départ.")
    session = make_session(
        lead_photo=lead,
        credits="Jeanne Martin, Hugo Lefèvre",
        summary="Le départ est donné\nLe ciel est dégagé",
    )
    data = get_json(client, "/api/lives/marathon/")
    assert data == {
        "slug": "marathon",
        "url": f"{SITE}/live/marathon/",
        "headline": "Marathon des Deux-Rives en direct",
        "standfirst": "Suivez la course du départ à l'arrivée.",
        "summary": ["Le départ est donné", "Le ciel est dégagé"],
        "language": "fr",
        "status": "live",
        "scheduled_for": None,
        "started_at": "2025-10-21T06:30:00+00:00",
        "ended_at": None,
        "lead_photo": {
            "url": f"{SITE}{lead.image.url}",
            "width": 64,
            "height": 36,
            "alt": "Des coureurs sous une arche.",
            "caption": "La ligne de départ.",
            "credit": "© Clairvue Photo/Léa Moreau",
        },
        "credits": "Jeanne Martin, Hugo Lefèvre",
        "last_seq": session.last_seq,
        "post_count": 0,
        "posts": f"{SITE}/api/lives/marathon/posts/",
        "feeds": {
            "atom": f"{SITE}/live/marathon/feed.atom",
            "rss": f"{SITE}/live/marathon/feed.rss",
        },
    }


def test_posts_come_newest_first_with_their_blocks(
    client, session, make_post, post_with_every_block
):
    post = post_with_every_block
    photo = post.blocks.get(kind="photo").photo
    make_post(session, title="Départ donné", minutes=0)
    make_post(session, title="Brouillon", status="draft")
    make_post(session, title="Retiré", minutes=3, status="deleted")
    answer = get_json(client, "/api/lives/marathon/posts/")
    assert [p["title"] for p in answer["posts"]] == ["Arrivée de la tête de course", "Départ donné"]
    assert answer["next"] is None
    first = answer["posts"][0]
    assert first["id"] == post.pk
    assert first["url"] == f"{SITE}/live/marathon/posts/{post.pk}/"
    assert first["anchor"] == f"{SITE}/live/marathon/#post-{post.pk}"
    assert first["rubric"] == "course"
    assert first["published_at"] == "2025-10-21T09:00:00+00:00"
    assert first["edited_at"] is None
    assert first["author"] == "Jeanne Martin"
    assert first["blocks"] == [
        {"kind": "paragraph", "html": "<p>Amina Diallo <strong>franchit</strong> la ligne.</p>"},
        {
            "kind": "photo",
            "url": f"{SITE}{photo.image.url}",
            "width": 640,
            "height": 360,
            "alt": "Une coureuse bras levés.",
            "caption": "La ligne d'arrivée.",
            "credit": "© Clairvue Photo/Léa Moreau",
        },
        {"kind": "quote", "text": "Je n'ai rien lâché.", "attribution": "Amina Diallo"},
        {
            "kind": "embed",
            "url": "https://bsky.app/profile/course/post/1",
            "provider": "Bluesky",
            "text": "Bravo !",
            "author": None,
            "published_at": None,
            "thumbnail": None,
        },
        {
            "kind": "embed",
            "url": "https://youtu.be/arrivee",
            "provider": "YouTube",
            "text": "",
            "author": None,
            "published_at": None,
            "thumbnail": None,
        },
        {
            "kind": "link",
            "url": "https://example.org/portrait",
            "link_kind": "article",
            "title": "Qui est Amina Diallo ?",
            "description": "",
            "site_name": "example.org",
            "image": None,
        },
        {
            "kind": "link",
            "url": "https://example.org/video",
            "link_kind": "video",
            "title": "L'arrivée en images",
            "description": "",
            "site_name": "example.org",
            "image": None,
        },
    ]


def test_pages_follow_each_other_by_key_without_gaps_or_repeats(client, session, make_post):
    posts = [make_post(session, title=f"Kilomètre {n}", minutes=n) for n in range(7)]
    pages = all_pages(client, "/api/lives/marathon/posts/?limit=3")
    assert [len(page) for page in pages] == [3, 3, 1]
    seen = [p["id"] for page in pages for p in page]
    assert seen == [post.pk for post in reversed(posts)]


def test_posts_published_at_the_same_second_are_all_paged(client, session, make_post):
    same_time = [make_post(session, title=f"Flash {n}", minutes=30) for n in range(5)]
    pages = all_pages(client, "/api/lives/marathon/posts/?limit=2")
    assert sorted(p["id"] for page in pages for p in page) == sorted(p.pk for p in same_time)


def test_a_post_published_while_paging_does_not_shift_the_next_page(client, session, make_post):
    older = [make_post(session, title=f"Kilomètre {n}", minutes=n) for n in range(4)]
    first = get_json(client, "/api/lives/marathon/posts/?limit=2")
    make_post(session, title="Nouveau", minutes=300)
    second = get_json(client, first["next"])
    assert [p["id"] for p in second["posts"]] == [older[1].pk, older[0].pk]
    assert "limit=2" in first["next"]
    assert first["next"].startswith(f"{SITE}/api/lives/marathon/posts/?before=")


def test_an_edited_post_says_when_and_which_version(client, session, make_post, journalist):
    post = make_post(session, minutes=10)
    record_edit(post=post, by=journalist)
    post.refresh_from_db()
    data = get_json(client, "/api/lives/marathon/posts/")["posts"][0]
    assert data["version"] == 2
    assert data["edited_at"] == post.edited_at.isoformat()
    assert data["correction"] is None


def test_a_corrected_post_carries_its_note(client, session, make_post, journalist):
    make_post(session, minutes=10, correction="Le pont est celui des Arts, pas des Deux-Rives.")
    data = get_json(client, "/api/lives/marathon/posts/")["posts"][0]
    assert data["correction"] == "Le pont est celui des Arts, pas des Deux-Rives."


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("before=hier", "Ce lien vers les publications précédentes est mal formé."),
        ("limit=0", "La limite doit être un nombre entier de 1 à 100."),
        ("limit=500", "La limite doit être un nombre entier de 1 à 100."),
        ("limit=beaucoup", "La limite doit être un nombre entier de 1 à 100."),
    ],
)
def test_bad_paging_gets_a_clear_message(client, session, query, message):
    answer = get_json(client, f"/api/lives/marathon/posts/?{query}", status=400)
    assert answer == {"error": message, "code": "invalid_parameter"}


@pytest.mark.parametrize("path", ["/api/lives/nexiste-pas/", "/api/lives/nexiste-pas/posts/"])
def test_unknown_live_is_a_json_404(client, path):
    answer = get_json(client, path, status=404)
    assert answer == {"error": "Aucun direct n'a cette adresse.", "code": "not_found"}


def test_list_of_lives_is_the_home_pages(client, make_session, editor):
    make_session(slug="marathon")
    make_session(slug="election", status="scheduled", headline="Soirée électorale")
    archived = make_session(slug="tempete", status="ended", headline="La tempête")
    archive_session(session=archived, by=editor, at=START + timedelta(days=1))
    answer = get_json(client, "/api/lives/")
    assert [s["slug"] for s in answer["sessions"]] == ["marathon", "election"]


def test_query_count_does_not_grow_with_posts_returned(client, session, make_post, make_photo):
    photo = make_photo()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            get_json(client, "/api/lives/marathon/posts/")
        return len(captured)

    def add(count, offset):
        for n in range(count):
            make_post(
                session,
                minutes=offset + n,
                rubric=f"rubrique {n % 3}",
                blocks=[("paragraph", {"text": "Texte."}), ("photo", {"photo": photo})],
            )

    add(2, 0)
    few = queries()
    add(10, 100)
    assert queries() == few


def test_errors_follow_the_language_asked_for(client, session):
    answer = get_json(client, "/api/lives/marathon/posts/?limit=0&lang=en", status=400)
    assert answer == {
        "error": "The limit must be a whole number from 1 to 100.",
        "code": "invalid_parameter",
    }

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liveblog.domain.posts import record_edit, set_pinned
from liveblog.live.views import before_token
from liveblog.models import PhotoCredit, Post

pytestmark = pytest.mark.django_db


def live_url(session, **query):
    url = f"/live/{session.slug}/"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_live_page_has_every_element_of_the_anatomy(client, make_session, make_post, make_photo):
    lead = make_photo(caption="La ligne de départ, quai des Deux-Rives.")
    session = make_session(
        lead_photo=lead, credits="Rédaction : Jeanne Martin et Hugo Lefèvre, avec Clairvue."
    )
    make_post(session, title="Départ donné", minutes=0)
    make_post(session, title="Premier ravitaillement", minutes=68, rubric="ambiance")
    html = client.get(live_url(session)).content.decode()
    assert "Direct démarré le 21 octobre 2025 à 6H30 TU" in html
    assert '<h1 class="live-headline">Marathon des Deux-Rives en direct</h1>' in html
    assert "Suivez la course du départ à l&#x27;arrivée." in html
    assert "Les horaires sont affichés en temps universel." in html
    assert "</svg>Partager</summary>" in html
    assert "La ligne de départ, quai des Deux-Rives." in html
    assert "© Clairvue Photo/Léa Moreau" in html
    assert "2 publications" in html
    assert '<time class="post-time" datetime="2025-10-21T07:38:00+00:00">7H38</time>' in html
    assert '<span class="rubric">ambiance</span>' in html
    assert "Qui anime ce direct ?" in html
    assert "Rédaction : Jeanne Martin et Hugo Lefèvre, avec Clairvue." in html
    assert html.index("Premier ravitaillement") < html.index("Départ donné"), "newest first"


def test_ended_live_shows_its_end_above_its_start(client, make_session):
    session = make_session(status="ended")
    html = client.get(live_url(session)).content.decode()
    ended = html.index("Direct terminé le 21 octobre 2025 à 20H15 TU")
    assert ended < html.index("Direct démarré le 21 octobre 2025 à 6H30 TU")


def test_scheduled_live_says_when_it_starts(client, make_session):
    moment = timezone.now().replace(year=2030, month=5, day=2, hour=18, minute=0)
    session = make_session(status="scheduled", scheduled_for=moment)
    assert "Direct prévu le 2 mai 2030 à 18H00 TU" in client.get(live_url(session)).content.decode()


def test_pinned_posts_come_first_and_key_posts_are_marked(client, session, make_post, editor):
    pinned = make_post(session, title="Le parcours modifié", minutes=5)
    key = make_post(session, title="Dernière minute", minutes=90, key_event=True)
    set_pinned(post=pinned, pinned=True, by=editor)
    html = client.get(live_url(session)).content.decode()
    # Titles also appear earlier (JSON-LD, “L'essentiel”): compare where the articles start.
    assert html.index(f'<article id="post-{pinned.pk}"') < html.index(
        f'<article id="post-{key.pk}"'
    )
    assert html.count(f'id="post-{pinned.pk}"') == 1, "a pinned post is shown once"
    assert "Essentiel" in html
    assert "Épinglé" in html


def test_only_published_posts_are_shown(client, session, make_post):
    make_post(session, title="Visible")
    make_post(session, title="Brouillon secret", status="draft")
    make_post(session, title="Programmé secret", status="scheduled", minutes=600)
    make_post(session, title="Supprimé secret", status="deleted")
    html = client.get(live_url(session)).content.decode()
    assert "Visible" in html
    assert "secret" not in html
    assert "1 publication" in html


def test_an_update_the_same_day_says_its_time_and_on_another_day_its_date(
    client, session, make_post
):
    post = make_post(session)
    record_edit(post=post, by=None)
    post.refresh_from_db()
    local = timezone.localtime(post.edited_at, timezone.UTC)
    clock = f"{local.hour}H{local.minute:02d}"
    html = client.get(live_url(session)).content.decode()
    # Published on race day (2025), corrected today.
    assert f"Mis à jour le {local.day} " in html and f"{local.year} à {clock}" in html
    Post.objects.filter(pk=post.pk).update(published_at=post.edited_at)
    post.refresh_from_db()
    record_edit(post=post, by=None)  # a new event, so the page is rendered again
    post.refresh_from_db()
    local = timezone.localtime(post.edited_at, timezone.UTC)
    clock = f"{local.hour}H{local.minute:02d}"
    html = client.get(live_url(session)).content.decode()
    assert f"Mis à jour à {clock}" in html


def test_each_block_type_renders_as_semantic_html(client, session, post_with_every_block):
    html = client.get(live_url(session)).content.decode()
    assert "<p>Amina Diallo <strong>franchit</strong> la ligne.</p>" in html
    assert 'alt="Une coureuse bras levés."' in html
    assert '<span class="caption">La ligne d&#x27;arrivée.</span>' in html
    assert "<blockquote><p>Je n&#x27;ai rien lâché.</p></blockquote>" in html
    assert "<cite>Amina Diallo</cite>" in html
    assert "Afficher la publication sur Bluesky" in html
    assert '<blockquote cite="https://bsky.app/profile/course/post/1">' in html
    assert "Lire la vidéo" in html
    assert (
        '<span class="link-kind">Lire</span>\n'
        '      <a class="card-title" href="https://example.org/portrait">Qui est Amina Diallo ?</a>'
        in html
    )
    assert (
        '<span class="link-kind">Voir</span>\n'
        '      <a class="card-title" href="https://example.org/video">L&#x27;arrivée en images</a>'
        in html
    )


def test_photo_credit_is_rendered_from_its_record(client, session, make_post, make_photo):
    credit = PhotoCredit.objects.create(photographer="Office X", via="AP")
    make_post(session, blocks=[("photo", {"photo": make_photo(credit=credit)})])
    assert "© Office X via AP" in client.get(live_url(session)).content.decode()


def test_page_shows_the_newest_twenty_and_links_to_older_ones(client, session, make_post):
    posts = [make_post(session, title=f"Point {n:02d}", minutes=n) for n in range(45)]
    first = client.get(live_url(session))
    shown = first.context["posts"]
    assert [p.title for p in shown] == [f"Point {n:02d}" for n in range(44, 24, -1)]
    assert first.context["older"] == before_token(posts[25])
    second = client.get(live_url(session, before=first.context["older"]))
    assert [p.title for p in second.context["posts"]] == [
        f"Point {n:02d}" for n in range(24, 4, -1)
    ]
    third = client.get(live_url(session, before=second.context["older"]))
    assert [p.title for p in third.context["posts"]] == [f"Point {n:02d}" for n in range(4, -1, -1)]
    assert third.context["older"] is None
    assert 'rel="next"' not in third.content.decode()
    assert "Retour aux dernières publications" in third.content.decode()


def test_exactly_twenty_posts_need_no_older_link(client, session, make_post):
    for n in range(20):
        make_post(session, title=f"Point {n}", minutes=n)
    response = client.get(live_url(session))
    assert len(response.context["posts"]) == 20
    assert response.context["older"] is None


def test_posts_at_the_same_minute_page_without_loss_or_repeat(client, session, make_post):
    same_time = [make_post(session, title=f"Simultané {n}", minutes=30) for n in range(25)]
    first = client.get(live_url(session))
    second = client.get(live_url(session, before=first.context["older"]))
    seen = [p.pk for p in first.context["posts"]] + [p.pk for p in second.context["posts"]]
    assert sorted(seen) == sorted(p.pk for p in same_time)


def test_backdated_post_takes_its_place_in_time(client, session, make_post):
    make_post(session, title="Neuf heures", minutes=150)
    make_post(session, title="Sept heures, publié après", minutes=30)
    html = client.get(live_url(session)).content.decode()
    assert html.index("Neuf heures") < html.index("Sept heures, publié après")


def test_query_count_does_not_grow_with_posts_shown(client, session, make_post, make_photo):
    photo = make_photo()

    def queries_for_page():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(live_url(session)).status_code == 200
        return len(queries)

    def add_posts(count, offset):
        for n in range(count):
            post = make_post(
                session,
                minutes=offset + n,
                rubric=f"rubrique {n % 4}",
                blocks=[
                    ("paragraph", {"text": "Texte."}),
                    ("photo", {"photo": photo}),
                    ("quote", {"text": "Citation.", "attribution": "Quelqu'un"}),
                ],
            )
            if n == 0:
                set_pinned(post=post, pinned=True, by=None)

    add_posts(2, 0)
    few = queries_for_page()
    add_posts(20, 100)
    assert queries_for_page() == few


def test_unknown_live_is_a_404_page(client):
    response = client.get("/live/nexiste-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.parametrize("before", ["abc", "12-", "-5", "1" * 40 + "-1", "12-ab", "0x10-5", ""])
def test_malformed_older_link_is_a_400_page_that_says_why(client, session, before):
    response = client.get(live_url(session, before=before))
    assert response.status_code == 400
    assert "Ce lien vers les publications précédentes est mal formé." in response.content.decode()


def test_home_lists_live_then_scheduled_then_recent_ended(client, make_session):
    now = timezone.now()
    older = make_session(slug="fini", status="ended", headline="Soirée électorale")
    older.started_at, older.ended_at = now - timedelta(days=6), now - timedelta(days=5)
    older.save()
    old = make_session(slug="ancien", status="ended", headline="Vieux direct")
    old.ended_at = now - timedelta(days=90)
    old.started_at = now - timedelta(days=91)
    old.save()
    make_session(
        slug="prevu",
        status="scheduled",
        headline="Nuit des régionales",
        scheduled_for=now + timedelta(days=1),
    )
    make_session(slug="encours", status="live", headline="Marathon en cours")
    recent = make_session(slug="recent", status="ended", headline="Tempête Aline")
    recent.started_at, recent.ended_at = now - timedelta(days=2), now - timedelta(days=1)
    recent.save()
    html = client.get("/").content.decode()
    order = ["Marathon en cours", "Nuit des régionales", "Tempête Aline", "Soirée électorale"]
    positions = [html.index(title) for title in order]
    assert positions == sorted(positions)
    assert "Vieux direct" not in html


def test_pages_name_their_icon_so_browsers_do_not_ask_for_a_missing_one(client, session):
    html = client.get(live_url(session)).content.decode()
    assert '<link rel="icon" href="/static/liveblog/favicon.svg"' in html
    assert client.get("/static/liveblog/favicon.svg").status_code == 200


def test_a_post_on_x_is_quoted_and_linked_by_its_provider_name(client, session, make_post):
    embed = {"url": "https://x.com/course/status/1", "text": "Le peloton s'étire."}
    make_post(session, blocks=[("embed", embed)])
    html = client.get(live_url(session)).content.decode()
    assert '<blockquote cite="https://x.com/course/status/1">' in html
    assert "Afficher la publication sur X" in html

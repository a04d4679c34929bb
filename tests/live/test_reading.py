"""Reading a long live: order, rubric filter, day separators, load more, bylines, summary,
and the status line of an archived live."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group

from liveblog.domain.sessions import archive_session, update_header
from liveblog.models import Event, LiveSession

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def titles(response) -> list[str]:
    return [post.title for post in response.context["posts"]]


def test_oldest_first_is_kept_in_the_url_and_in_the_next_page_link(
    client, settings, session, make_post
):
    settings.LIVEBLOG_PAGE_SIZE = 2
    for n in range(5):
        make_post(session, title=f"Point {n}", minutes=n)
    first = client.get(f"/live/{session.slug}/?order=oldest")
    assert titles(first) == ["Point 0", "Point 1"]
    html = first.content.decode()
    assert '<option value="oldest" selected>' in html
    next_url = first.context["next_url"]
    assert next_url.startswith("?order=oldest&after=")
    second = client.get(f"/live/{session.slug}/{next_url}")
    assert titles(second) == ["Point 2", "Point 3"]
    assert "Retour aux premières publications" in second.content.decode()


def test_the_rubric_filter_shows_only_that_rubrics_posts_as_typed_or_folded(
    client, session, make_post
):
    make_post(session, title="Le vainqueur", rubric="Élections", minutes=1)
    make_post(session, title="Les ponts", rubric="circulation", minutes=2)
    make_post(session, title="Le taux de participation", rubric="élections", minutes=3)
    for asked in ("elections", "Élections"):
        response = client.get(f"/live/{session.slug}/", {"rubric": asked})
        assert titles(response) == ["Le taux de participation", "Le vainqueur"]
    html = client.get(f"/live/{session.slug}/").content.decode()
    assert '<option value="elections">Élections</option>' in html
    assert '<option value="circulation">circulation</option>' in html


def test_an_unknown_rubric_shows_no_post_and_says_so(client, session, make_post):
    make_post(session, rubric="course")
    make_post(session, rubric="ambiance")
    response = client.get(f"/live/{session.slug}/", {"rubric": "météo"})
    assert response.status_code == 200
    assert titles(response) == []
    assert "Aucune publication dans cette rubrique pour l'instant." in response.content.decode()


def test_a_live_over_several_days_separates_them_with_full_dates(client, session, make_post):
    make_post(session, title="Veille", minutes=0)
    make_post(session, title="Lendemain matin", minutes=24 * 60)
    make_post(session, title="Lendemain midi", minutes=24 * 60 + 300)
    html = client.get(f"/live/{session.slug}/").content.decode()
    html = html[html.index('id="posts"') :]
    assert html.count('class="day-break"') == 2
    assert '<time datetime="2025-10-22">mercredi 22 octobre 2025</time>' in html
    assert '<time datetime="2025-10-21">mardi 21 octobre 2025</time>' in html
    assert html.index("mercredi 22 octobre") < html.index("Lendemain midi")
    assert html.index("Lendemain matin") < html.index("mardi 21 octobre") < html.index("Veille")


def test_a_one_day_live_has_no_date_separator(client, session, make_post):
    make_post(session, minutes=0)
    make_post(session, minutes=600)
    assert 'class="day-break"' not in client.get(f"/live/{session.slug}/").content.decode()


def test_load_more_with_htmx_gets_the_next_posts_and_pager_only(
    client, settings, session, make_post
):
    settings.LIVEBLOG_PAGE_SIZE = 2
    for n in range(5):
        make_post(session, title=f"Point {n}", minutes=n)
    first = client.get(f"/live/{session.slug}/")
    html = first.content.decode()
    older = first.context["older"]
    assert (
        f'<a rel="next" class="load-more" href="?before={older}" hx-get="?before={older}"' in html
    )
    more = client.get(f"/live/{session.slug}/?before={older}", **HTMX)
    fragment = more.content.decode()
    assert "<html" not in fragment and "<h1" not in fragment
    assert fragment.count("<article") == 2
    assert 'id="pager" aria-label="Plus de publications" hx-swap-oob="true"' in fragment
    assert "HX-Request" in more["Vary"]
    # The same link without JavaScript is a whole page.
    assert "<h1" in client.get(f"/live/{session.slug}/?before={older}").content.decode()


def test_bylines_show_when_several_people_write_the_live(
    client, session, make_post, django_user_model
):
    make_post(session, title="Départ", minutes=0)
    html = client.get(f"/live/{session.slug}/").content.decode()
    assert "live--one-author" in html
    colleague = django_user_model.objects.create_user("amel", first_name="Amel", last_name="Benali")
    colleague.groups.add(Group.objects.get_or_create(name="journalists")[0])
    make_post(session, title="Arrivée", minutes=10, author=colleague)
    html = client.get(f"/live/{session.slug}/").content.decode()
    assert "live--one-author" not in html
    assert '<p class="byline">Par Amel Benali</p>' in html
    assert '<p class="byline">Par Jeanne Martin</p>' in html


def test_the_summary_is_a_list_of_the_editors_lines(client, session, editor):
    update_header(session=session, by=editor, summary="Le record tombe\n\n  Les ponts rouvrent  ")
    html = client.get(f"/live/{session.slug}/").content.decode()
    assert "<ul><li>Le record tombe</li><li>Les ponts rouvrent</li></ul>" in html
    event = session.events.order_by("-seq").first()
    assert event.kind == Event.Kind.SESSION_UPDATED
    assert "<li>Le record tombe</li>" in event.html


def test_editors_write_the_summary_on_the_desk_and_tags_are_dropped(client, session, editor):
    client.force_login(editor)
    response = client.post(
        f"/editor/{session.slug}/header/",
        {
            "headline": session.headline,
            "standfirst": session.standfirst,
            "summary": "<b>Le record</b> tombe<script>x()</script>\r\n\r\nLes ponts rouvrent",
            "credits": "",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.summary == "Le record tombex()\nLes ponts rouvrent"


def test_an_archived_live_says_it_is_archived(client, make_session, editor):
    session = make_session(status="ended")
    archive_session(session=session, by=editor)
    html = client.get(f"/live/{session.slug}/").content.decode()
    assert "Direct archivé" in html
    assert "live-header--archived" in html
    assert "Direct terminé le 21 octobre 2025 à 20H15 TU" in html


def test_times_corrected_in_the_admin_reach_readers(client, make_session, django_user_model):
    session = make_session(status="ended")
    admin = django_user_model.objects.create_superuser("chef", password="pw-chef-2026")
    client.force_login(admin)
    page = client.get(f"/admin/liveblog/livesession/{session.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data |= {
        "lead_photo": "",
        "journalists": [],
        "started_at_0": "2025-10-21",
        "started_at_1": "06:30:00",
        "ended_at_0": "2025-10-21",
        "ended_at_1": "21:00:00",
        "scheduled_for_0": "",
        "scheduled_for_1": "",
        "archived_at_0": "",
        "archived_at_1": "",
    }
    before = session.last_seq
    response = client.post(f"/admin/liveblog/livesession/{session.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    session.refresh_from_db()
    assert session.ended_at == session.started_at + timedelta(hours=14, minutes=30)
    event = session.events.get(seq=before + 1)
    assert "Direct terminé le 21 octobre 2025 à 21H00 TU" in event.html
    assert LiveSession.objects.get(pk=session.pk).status == "ended"


def test_the_post_page_loads_its_main_photo_at_once(client, session, make_post, make_photo):
    post = make_post(
        session,
        title="L'arrivée",
        blocks=[("photo", {"photo": make_photo()}), ("photo", {"photo": make_photo()})],
    )
    html = client.get(f"/live/{session.slug}/posts/{post.pk}/").content.decode()
    images = html[html.index("<article") :].split("<img ")[1:]
    assert 'loading="lazy"' not in images[0], "the largest paint must not wait"
    assert 'loading="lazy"' in images[1]
    assert '<h1 class="post-title"' in html

"""The desk's timeline: one line a post, filters and search as plain links, the post
opened in place."""

import re

import pytest

from liveblog.models import Block, Rubric
from tests.helpers import composer_data, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def shift(session, journalist, editor, make_post, make_photo):
    """A live mid-shift: published posts with rubrics, a photo, drafts, one scheduled, one deleted."""
    session.journalists.add(journalist)
    make_post(session, title="Départ sous la pluie", rubric="Course", minutes=1)
    make_post(
        session,
        title="Le maire au départ",
        rubric="Politique",
        minutes=2,
        author=editor,
        blocks=(("paragraph", {"text": "Il salue les coureurs du podium."}),),
    )
    photo_post = make_post(session, title="Le pont suspendu", rubric="Course", minutes=3)
    Block.objects.create(post=photo_post, position=1, kind="photo", photo=make_photo())
    make_post(session, title="Brouillon de Jeanne", status="draft", rubric=None)
    make_post(session, title="Brouillon du chef", status="draft", author=editor, rubric=None)
    make_post(session, title="Arrivée prévue", status="scheduled", minutes=600, rubric=None)
    make_post(session, title="Retirée", status="deleted", minutes=4, rubric=None)
    return session


def titles(html: str) -> list[str]:
    return re.findall(r'<span class="desk-item-title">([^<]*)</span>', html)


def test_each_post_is_one_line_with_time_rubric_title_status_author_and_thumbnail(
    client, journalist, shift
):
    client.force_login(journalist)
    html = client.get("/editor/marathon/").content.decode()
    line = re.search(r'<summary class="desk-item-line">(.*?)</summary>', html, re.S).group(1)
    assert "16H30" in line and "Arrivée prévue" in line and "Programmée" in line
    assert "Jeanne Martin" in line
    # What goes out next first, then drafts; then the live, newest first.
    assert titles(html) == [
        "Arrivée prévue",
        "Brouillon de Jeanne",
        "Le pont suspendu",
        "Le maire au départ",
        "Départ sous la pluie",
    ]
    assert 'class="desk-item-thumb" src="/media/' in html
    assert 'width="48" height="32"' in html
    assert "Brouillon du chef" not in html, "a journalist sees only their own drafts"
    assert "Retirée" not in html


def test_filters_are_links_that_work_without_javascript(client, editor, shift):
    client.force_login(editor)
    page = client.get("/editor/marathon/").content.decode()
    links = dict(re.findall(r'<a href="/editor/marathon/(\?[^"]*)" hx-get[^>]*>([^< ]+)', page))
    assert set(links.values()) >= {"Toutes", "Brouillons", "Programmées", "Publiées"}
    drafts = client.get("/editor/marathon/?show=drafts").content.decode()
    assert titles(drafts) == ["Brouillon du chef", "Brouillon de Jeanne"]
    assert 'aria-current="true">Brouillons <span class="count">2</span>' in drafts
    scheduled = client.get("/editor/marathon/?show=scheduled").content.decode()
    assert titles(scheduled) == ["Arrivée prévue"]
    published = client.get("/editor/marathon/?show=published").content.decode()
    assert titles(published) == ["Le pont suspendu", "Le maire au départ", "Départ sous la pluie"]
    mine = client.get("/editor/marathon/?show=mine").content.decode()
    assert titles(mine) == ["Brouillon du chef", "Le maire au départ"]
    deleted = client.get("/editor/marathon/?show=deleted").content.decode()
    assert titles(deleted) == ["Retirée"] and "Annuler la suppression" in deleted


def test_a_journalist_cannot_list_deleted_posts(client, journalist, shift):
    client.force_login(journalist)
    html = client.get("/editor/marathon/?show=deleted").content.decode()
    assert "Retirée" not in html and "Supprimées" not in html


def test_rubric_and_search_narrow_the_list_and_combine_with_the_status(client, editor, shift):
    client.force_login(editor)
    course = Rubric.objects.get(key="course")
    html = client.get(f"/editor/marathon/?rubric={course.pk}").content.decode()
    assert titles(html) == ["Le pont suspendu", "Départ sous la pluie"]
    assert f'<option value="{course.pk}" selected>Course</option>' in html
    found = client.get("/editor/marathon/?q=coureurs+podium").content.decode()
    assert titles(found) == ["Le maire au départ"], "words found in the post's text"
    assert 'value="coureurs podium"' in found
    nothing = client.get("/editor/marathon/?q=tempête").content.decode()
    assert titles(nothing) == [] and "Aucune publication ne correspond." in nothing
    found = client.get("/editor/marathon/?show=drafts&q=chef").content.decode()
    assert titles(found) == ["Brouillon du chef"]


def test_htmx_gets_the_filtered_timeline_alone_and_it_knows_its_address(client, editor, shift):
    client.force_login(editor)
    html = client.get("/editor/marathon/?show=drafts", headers={"HX-Request": "true"})
    html = html.content.decode()
    assert html.lstrip().startswith('<div id="timeline"')
    assert 'data-url="/editor/marathon/?show=drafts"' in html
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    full = client.get("/editor/marathon/?show=drafts", headers=restore).content.decode()
    assert "<html" in full, "going back in history gets the whole page"


def test_publishing_with_htmx_keeps_the_timeline_filter_of_the_page(client, editor, shift):
    client.force_login(editor)
    headers = {
        "HX-Request": "true",
        "HX-Current-URL": "http://testserver/editor/marathon/?show=mine",
    }
    data = composer_data(paragraph("Le vent se lève."), title="Rafales au km 30")
    html = client.post("/editor/marathon/posts/new/", data, headers=headers).content.decode()
    timeline = html[html.index('<div id="timeline"') :]
    assert titles(timeline) == ["Brouillon du chef", "Rafales au km 30", "Le maire au départ"]


def test_pinning_redraws_the_post_open_in_place(client, journalist, shift):
    client.force_login(journalist)
    post = shift.posts.get(title="Le pont suspendu")
    html = client.post(
        f"/editor/marathon/posts/{post.pk}/pin/", headers={"HX-Request": "true"}
    ).content.decode()
    assert html.lstrip().startswith(
        f'<div class="desk-post desk-post--published" id="desk-post-{post.pk}">'
    )
    assert '<details class="desk-item" open>' in html
    assert '<span class="desk-item-title">Le pont suspendu</span>' in html
    assert 'class="desk-item-thumb" src="/media/' in html

"""Corrections: two people never silently overwrite each other, and every version is kept."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from liveblog.domain.revisions import public_corrections, restore_revision, snapshot
from liveblog.domain.writing import check_displayed_time
from liveblog.models import Event, Post, Revision
from tests.helpers import composer_data, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(session, journalist, make_post):
    session.journalists.add(journalist)
    return make_post(session, title="Premier kilomètre", author=journalist)


def edit(client, post, text, title, version):
    data = composer_data(paragraph(text), title=title, version=version, rubric="course")
    return client.post(f"/editor/{post.session.slug}/posts/{post.pk}/edit/", data)


def test_the_second_of_two_editors_gets_the_conflict_view_with_both_versions(
    post, journalist, editor
):
    jeanne, hugo = Client(), Client()
    jeanne.force_login(journalist)
    hugo.force_login(editor)
    started_from = post.version
    assert edit(hugo, post, "Version de Hugo.", "Titre de Hugo", started_from).status_code == 302
    response = edit(jeanne, post, "Version de Jeanne.", "Titre de Jeanne", started_from)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Quelqu\u2019un d\u2019autre a enregistré cette publication" in html
    assert "Version de Hugo." in html
    assert "Version de Jeanne." in html and 'value="Titre de Jeanne"' in html
    post.refresh_from_db()
    assert post.title == "Titre de Hugo"
    # The conflict view now carries the current version: saving again is a deliberate choice.
    assert f'name="version" value="{post.version}"' in html
    assert (
        edit(jeanne, post, "Version de Jeanne.", "Titre de Jeanne", post.version).status_code == 302
    )
    post.refresh_from_db()
    assert post.title == "Titre de Jeanne"


def test_a_stale_save_changes_nothing(post, client, journalist):
    client.force_login(journalist)
    edit(client, post, "Nouveau texte.", "Nouveau titre", post.version)
    events = Event.objects.count()
    edit(client, post, "Texte périmé.", "Titre périmé", 1)
    post.refresh_from_db()
    assert post.title == "Nouveau titre"
    assert post.blocks.get().text == "<p>Nouveau texte.</p>"
    assert Event.objects.count() == events


def test_every_saved_version_is_kept_and_editors_see_what_changed(post, client, editor):
    client.force_login(editor)
    edit(client, post, "Texte corrigé.", "Premier kilomètre", post.version)
    edit(client, post, "Texte corrigé.", "Premier kilomètre (corrigé)", post.version + 1)
    assert list(post.revisions.values_list("version", flat=True)) == [3, 2, 1]
    html = client.get(f"/editor/{post.session.slug}/posts/{post.pk}/revisions/").content.decode()
    assert "Version 3" in html and "Version 2" in html and "Version 1" in html
    assert "Par Hugo Lefèvre" in html
    assert "Modifié : titre" in html
    assert "Modifié : contenu" in html
    assert "première version" in html


def test_restoring_a_revision_is_a_new_edit_readers_see(post, client, editor):
    client.force_login(editor)
    edit(client, post, "Première correction.", "Titre A", post.version)
    edit(client, post, "Seconde correction.", "Titre B", post.version + 1)
    client.post(f"/editor/{post.session.slug}/posts/{post.pk}/revisions/2/restore/")
    post = Post.objects.get(pk=post.pk)
    assert post.title == "Titre A" and post.version == 4
    assert post.blocks.get().text == "<p>Première correction.</p>"
    assert Revision.objects.filter(post=post, version=4, author=editor).exists()
    assert Event.objects.filter(post=post, kind="post.updated").count() == 3
    reader = client.get(f"/live/{post.session.slug}/").content.decode()
    assert "Première correction." in reader and "Mis à jour le" in reader


def test_restoring_a_revision_whose_photo_left_the_library_keeps_the_rest(
    post, client, editor, make_photo
):
    photo = make_photo()
    client.force_login(editor)
    data = composer_data(
        paragraph("Avec photo."),
        ("photo", {"photo": photo.pk, "alt_text": "Le départ.", "credit": "Ana Ruiz"}),
        title="Avec photo",
        version=post.version,
        rubric="course",
    )
    client.post(f"/editor/{post.session.slug}/posts/{post.pk}/edit/", data)
    edit(client, post, "Sans photo.", "Sans photo", post.version + 1)
    photo.delete()
    client.post(f"/editor/{post.session.slug}/posts/{post.pk}/revisions/2/restore/")
    post.refresh_from_db()
    assert post.title == "Avec photo"
    assert [block.kind for block in post.blocks.all()] == ["paragraph"]


@pytest.mark.django_db(transaction=True)
def test_two_saves_racing_from_the_same_version_never_both_win(
    session, journalist, editor, make_post
):
    """The conditional update, not the view, decides: run both saves at the same moment."""
    import threading

    from django.db import connection

    from liveblog.domain.writing import EditConflict, save_post

    post = make_post(session, title="Départ", author=journalist)
    barrier = threading.Barrier(2)
    outcomes = []

    def save(person, title):
        try:
            barrier.wait()
            save_post(
                session=session,
                by=person,
                post=Post.objects.get(pk=post.pk),
                title=title,
                rubric="course",
                blocks=[{"kind": "paragraph", "text": f"<p>{title}</p>"}],
                action="publish",
                expected_version=post.version,
            )
            outcomes.append(("saved", title))
        except EditConflict:
            outcomes.append(("conflict", title))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(person, title))
        for person, title in ((journalist, "Version A"), (editor, "Version B"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kind for kind, _title in outcomes) == ["conflict", "saved"]
    winner = next(title for kind, title in outcomes if kind == "saved")
    post.refresh_from_db()
    assert post.title == winner and post.version == 2
    assert post.blocks.get().text == f"<p>{winner}</p>"


def test_editor_opens_the_history_of_a_post_saved_outside_the_desk(post, client, editor):
    assert not post.revisions.exists(), "made without the desk, as the admin does"
    client.force_login(editor)
    page = client.get(f"/editor/{post.session.slug}/posts/{post.pk}/revisions/")
    assert page.status_code == 200
    assert post.title in page.content.decode()


def test_restoring_an_older_version_keeps_the_correction_note_public(post, editor):
    snapshot(post, by=editor)  # version 1, before any note
    post.correction = "Le départ a été donné à 8 h 30, pas à 8 h."
    post.title = "Départ à 8 h 30"
    post.version = 2
    post.save()
    snapshot(post, by=editor)
    restore_revision(Revision.objects.get(post=post, version=1), by=editor)
    post.refresh_from_db()
    assert post.title == "Premier kilomètre"
    assert post.correction == "Le départ a été donné à 8 h 30, pas à 8 h."
    notes = [correction.note for correction in public_corrections(post)]
    assert notes == ["Le départ a été donné à 8 h 30, pas à 8 h."]


@pytest.mark.parametrize(
    ("minutes_back", "allowed"),
    [(0, True), (10, True), (11, False), (-1, False), (60 * 24, False)],
)
def test_a_journalists_displayed_time_keeps_to_the_lives_rule(
    post, journalist, minutes_back, allowed
):
    post.session.journalist_backdate_minutes = 10
    now = datetime(2025, 10, 21, 9, 30, 40, tzinfo=post.published_at.tzinfo)
    moment = now.replace(second=0) - timedelta(minutes=minutes_back)
    check = dict(session=post.session, by=journalist, displayed_at=moment, now=now)
    if allowed:
        check_displayed_time(**check)
    else:
        with pytest.raises(ValidationError):
            check_displayed_time(**check)
    post.session.journalist_backdate_minutes = 0
    with pytest.raises(ValidationError, match="seuls les éditeurs"):
        check_displayed_time(**check)

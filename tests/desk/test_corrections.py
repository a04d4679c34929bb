"""Time and corrections said right: backdating is not a correction, “Updated” only for
a real change, and an editor's correction note shown to readers."""

import pytest

from liveblog.models import AuditEntry, Post
from tests.helpers import START, composer_data, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def eclient(client, editor):
    client.force_login(editor)
    return client


def edit_url(post) -> str:
    return f"/editor/{post.session.slug}/posts/{post.pk}/edit/"


def same_content(post, **fields) -> dict:
    block = post.blocks.get()
    return composer_data(
        ("paragraph", {"text": block.text, "text_format": "html"}),
        title=post.title,
        rubric=post.rubric.name,
        version=post.version,
        **fields,
    )


def reader_page(client, post) -> str:
    return client.get(f"/live/{post.session.slug}/").content.decode()


def test_setting_the_displayed_time_moves_the_post_without_marking_it_updated(
    eclient, session, make_post
):
    post = make_post(session, title="Départ lancé")
    data = same_content(post, displayed_at="2025-10-21T06:05")
    eclient.post(edit_url(post), data)
    post.refresh_from_db()
    assert post.published_at.isoformat() == "2025-10-21T06:05:00+00:00"
    assert post.edited_at is None and post.version == 2
    assert "Mis à jour" not in reader_page(eclient, post)
    entry = AuditEntry.objects.filter(action="post.edited").latest("id")
    assert entry.detail["content_changed"] is False
    assert entry.detail["displayed_at"]["to"] == "2025-10-21T06:05:00+00:00"
    audit = eclient.get(f"/editor/{session.slug}/audit/").content.decode()
    assert "a changé l\u2019heure affichée de « Départ lancé »" in audit


def test_saving_without_a_change_stamps_nothing(eclient, session, make_post):
    post = make_post(session)
    eclient.post(edit_url(post), same_content(post))
    post.refresh_from_db()
    assert post.edited_at is None


def test_a_real_change_says_updated_with_the_day_when_it_differs(eclient, session, make_post):
    post = make_post(session)
    data = same_content(post) | {"title": "Le peloton a passé le pont"}
    eclient.post(edit_url(post), data)
    post.refresh_from_db()
    assert post.edited_at is not None and post.published_at == START
    assert "Mis à jour le " in reader_page(eclient, post)


def test_an_editor_attaches_a_correction_note_that_readers_see(eclient, session, make_post):
    post = make_post(session, title="Arrivée en 2 h 05")
    data = same_content(post, correction="Le temps de l\u2019arrivée était 2 h 07, pas 2 h 05.")
    data["title"] = "Arrivée en 2 h 07"
    eclient.post(edit_url(post), data)
    post.refresh_from_db()
    assert post.correction == "Le temps de l\u2019arrivée était 2 h 07, pas 2 h 05."
    html = reader_page(eclient, post)
    assert "<strong>Correction :</strong> Le temps de l\u2019arrivée était 2 h 07" in html
    audit = eclient.get(f"/editor/{session.slug}/audit/").content.decode()
    assert "a corrigé « Arrivée en 2 h 07 »" in audit


def test_a_silent_typo_fix_shows_no_correction(eclient, session, make_post):
    post = make_post(session, title="Le pelotn passe")
    data = same_content(post) | {"title": "Le peloton passe"}
    eclient.post(edit_url(post), data)
    html = reader_page(eclient, post)
    assert "Correction :" not in html


def test_journalists_cannot_set_a_correction_note(client, journalist, session, make_post):
    session.journalists.add(journalist)
    client.force_login(journalist)
    post = make_post(session, author=journalist)
    data = composer_data(
        paragraph("Texte corrigé."), title=post.title, version=post.version, correction="Non."
    )
    client.post(edit_url(post), data)
    post.refresh_from_db()
    assert post.correction == "" and post.version == 2
    assert Post.objects.get(pk=post.pk).blocks.get().text == "<p>Texte corrigé.</p>"

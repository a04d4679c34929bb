"""A photo's caption, alt text and credit show wherever the photo is used: only someone who
may edit all those places changes them, the change is audited, and readers see it."""

import pytest

from liveblog.domain.sessions import update_header
from liveblog.models import AuditEntry, Event, Photo, PhotoCredit
from tests.helpers import composer_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(make_session, make_post, make_photo, editor):
    """A photo published by an editor in a live the journalist is not assigned to."""
    other = make_session(slug="elections", headline="Soirée électorale")
    photo = make_photo(caption="Le dépouillement à la mairie.")
    post = make_post(
        other, title="Dépouillement", author=editor, blocks=[("photo", {"photo": photo})]
    )
    return photo, post


def photo_block(photo, **description):
    fields = {
        "photo": photo.pk,
        "caption": photo.caption,
        "alt_text": photo.alt_text,
        "credit": photo.credit.label,
    }
    return ("photo", fields | description)


def post_as(client, user, session, data):
    client.force_login(user)
    return client.post(f"/editor/{session.slug}/posts/new/", data)


def test_a_journalist_cannot_rewrite_a_photo_published_in_a_live_they_are_not_assigned_to(
    client, journalist, assigned, elsewhere
):
    photo, _post = elsewhere
    data = composer_data(
        photo_block(photo, caption="Une fausse légende.", credit="© Personne"), title="Vol"
    )

    response = post_as(client, journalist, assigned, data)

    assert response.status_code == 422
    assert (
        "aussi dans des publications que vous ne pouvez pas modifier" in response.content.decode()
    )
    assert "Une fausse légende." in response.content.decode(), "what was typed is kept"
    photo.refresh_from_db()
    assert photo.caption == "Le dépouillement à la mairie."
    assert photo.credit.label == "© Clairvue Photo/Léa Moreau"
    assert not PhotoCredit.objects.filter(photographer="Personne").exists()
    assert not assigned.posts.exists()


def test_a_journalist_may_reuse_a_library_photo_as_it_is_described(
    client, journalist, assigned, elsewhere
):
    photo, _post = elsewhere
    data = composer_data(photo_block(photo), title="Le même dépouillement")

    response = post_as(client, journalist, assigned, data)

    assert response.status_code == 302
    assert assigned.posts.get().blocks.get().photo == photo


def test_an_editor_s_new_caption_is_audited_and_reaches_every_live_showing_the_photo(
    client, editor, session, elsewhere
):
    photo, shown_in = elsewhere
    update_header(session=session, by=editor, lead_photo=photo)
    seq_elsewhere = shown_in.session.last_seq
    seq_here = session.last_seq
    data = composer_data(
        photo_block(photo, caption="Le dépouillement, bureau 12.", alt_text="Des bulletins."),
        title="Bureau 12",
    )

    response = post_as(client, editor, session, data)

    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.caption, photo.alt_text) == ("Le dépouillement, bureau 12.", "Des bulletins.")
    entry = AuditEntry.objects.get(action="photo.described")
    assert entry.username == editor.username
    assert entry.detail["photo"] == photo.pk
    assert entry.detail["caption"] == {
        "from": "Le dépouillement à la mairie.",
        "to": "Le dépouillement, bureau 12.",
    }
    updated = Event.objects.get(session=shown_in.session, seq__gt=seq_elsewhere)
    assert (updated.kind, updated.post) == ("post.updated", shown_in)
    assert "Le dépouillement, bureau 12." in updated.html
    header = Event.objects.filter(session=session, seq__gt=seq_here, kind="session.updated")
    assert "Le dépouillement, bureau 12." in header.get().html
    assert "Le dépouillement à la mairie." not in client.get("/live/elections/").content.decode()


def test_a_journalist_describes_a_photo_used_only_in_their_own_posts(
    client, journalist, assigned, make_post, make_photo
):
    photo = make_photo(caption="Au départ.")
    make_post(assigned, title="Départ", blocks=[("photo", {"photo": photo})])
    data = composer_data(photo_block(photo, caption="Au départ, sous la pluie."), title="Pluie")

    assert post_as(client, journalist, assigned, data).status_code == 302
    assert Photo.objects.get(pk=photo.pk).caption == "Au départ, sous la pluie."
    assert AuditEntry.objects.filter(action="photo.described").count() == 1

"""Odd input from a desk's browser (or from someone poking at it) gets a clear answer,
never a server error, and loses nothing saved."""

import logging

import pytest

from liveblog.models import Draft, Post
from tests.helpers import composer_data, paragraph

pytestmark = pytest.mark.django_db

BROKEN_TAG = "<![>"


def test_a_broken_tag_in_plain_text_fields_is_dropped_not_a_server_error(
    jclient, assigned, make_photo
):
    photo = make_photo()
    data = composer_data(
        paragraph(f"Le départ {BROKEN_TAG} est donné."),
        ("quote", {"text": f"Allez {BROKEN_TAG} !", "attribution": f"Un {BROKEN_TAG} coureur"}),
        (
            "photo",
            {
                "photo": photo.pk,
                "caption": photo.caption,
                "alt_text": photo.alt_text,
                "credit": photo.credit.label,
            },
        ),
        title=f"Départ {BROKEN_TAG} donné",
    )
    response = jclient.post(f"/editor/{assigned.slug}/posts/new/", data)
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.title == "Départ donné"
    assert post.blocks.get(kind="quote").attribution == "Un coureur"


def test_a_broken_tag_in_the_headline_is_dropped(client, editor, session):
    client.force_login(editor)
    response = client.post(
        f"/editor/{session.slug}/header/",
        {"headline": f"Marathon {BROKEN_TAG} en direct", "standfirst": f"Le {BROKEN_TAG} départ."},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.headline, session.standfirst) == ("Marathon en direct", "Le départ.")


@pytest.mark.parametrize("photo", ["abc", "9" * 30, "-1"])
def test_a_photo_that_is_not_a_number_is_an_unknown_photo(jclient, assigned, photo):
    data = composer_data(("photo", {"photo": photo, "alt_text": "Une image.", "credit": "Ana"}))
    response = jclient.post(f"/editor/{assigned.slug}/posts/new/", data)
    assert response.status_code == 422
    assert "Choisissez une photo à envoyer." in response.content.decode()


@pytest.mark.parametrize("photo", ["abc", "9" * 30])
def test_an_autosave_with_a_bad_photo_number_does_not_break_the_desk(jclient, assigned, photo):
    state = composer_data(("photo", {"photo": photo, "alt_text": "Une image."}), title="Photo")
    assert jclient.post(f"/editor/{assigned.slug}/autosave/", state).status_code == 200
    response = jclient.get(f"/editor/{assigned.slug}/")
    assert response.status_code == 200
    assert 'value="Photo"' in response.content.decode(), "the draft is shown, as typed"


def test_a_nul_character_is_dropped_from_an_autosave_and_the_draft_kept(jclient, assigned):
    state = composer_data(paragraph("Le départ\x00 est donné."), title="Dé\x00part")
    response = jclient.post(f"/editor/{assigned.slug}/autosave/", state)
    assert response.status_code == 200
    draft = Draft.objects.get()
    assert draft.data["title"] == "Départ"
    assert draft.data["blocks-0-text"] == "Le départ est donné."


def test_a_nul_character_is_dropped_from_a_published_post(jclient, assigned):
    data = composer_data(paragraph("Le départ\x00 est donné."), title="Dé\x00part")
    assert jclient.post(f"/editor/{assigned.slug}/posts/new/", data).status_code == 302
    assert Post.objects.get().title == "Départ"


@pytest.mark.django_db(transaction=True)
async def test_a_websocket_to_an_unknown_path_is_refused_quietly(caplog):
    from channels.testing import WebsocketCommunicator

    from newsroom.asgi import application

    with caplog.at_level(logging.INFO):
        for path in ("/ws/nowhere/", "/ws/live/bad slug!/", "/anything"):
            socket = WebsocketCommunicator(
                application, path, headers=[(b"origin", b"http://127.0.0.1:8000")]
            )
            accepted, _code = await socket.connect()
            assert not accepted
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    refusals = [r for r in caplog.records if "unknown path refused" in r.getMessage()]
    assert len(refusals) == 3 and all(r.levelno == logging.INFO for r in refusals)

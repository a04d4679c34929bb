"""Desk notes: a private thread per live for the people on its desk, pushed to their own
authenticated socket, never to readers, kept in the newsroom's export."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from liveblog.domain.archive import export_session, import_session
from liveblog.domain.notes import post_note
from liveblog.models import DeskNote, LiveSession
from newsroom.asgi import application
from tests.helpers import connected

pytestmark = pytest.mark.django_db(transaction=True)

db = database_sync_to_async
ORIGIN = (b"origin", b"http://127.0.0.1:8000")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk(session, journalist, editor, django_user_model):
    """The marathon's desk: Jeanne assigned, Hugo the editor; Paul a journalist elsewhere,
    Léon a reader with an account but no role."""
    session.journalists.add(journalist)
    outsider = django_user_model.objects.create_user("paul", password="pw-paul-2026")
    outsider.groups.add(Group.objects.get_or_create(name="journalists")[0])
    reader = django_user_model.objects.create_user("leon", password="pw-leon-2026")
    return {"jeanne": journalist, "hugo": editor, "paul": outsider, "leon": reader}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def desk_socket(session, client: Client | None = None) -> WebsocketCommunicator:
    headers = [ORIGIN]
    if client is not None:
        cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/desk/{session.slug}/", headers)


def test_a_note_is_saved_trimmed_and_names_who_it_mentions(session, journalist):
    note = post_note(
        session=session, author=journalist, text="  @Hugo source confirmée ? cc @jeanne.  "
    )
    assert note.text == "@Hugo source confirmée ? cc @jeanne."
    assert note.mentioned == ["hugo", "jeanne"]
    assert DeskNote(text="écrire à paul@example.org").mentioned == []


def test_an_empty_or_overlong_note_is_refused_with_a_reason(session, journalist):
    with pytest.raises(ValidationError, match="Écrivez un message avant de"):
        post_note(session=session, author=journalist, text="   ")
    with pytest.raises(ValidationError, match="au plus 1000 caractères"):
        post_note(session=session, author=journalist, text="x" * 1001)
    assert not DeskNote.objects.exists()


def test_a_note_cannot_be_about_a_post_of_another_live(make_session, make_post, journalist):
    marathon = make_session()
    election = make_session(slug="nuit-electorale", headline="Nuit électorale")
    post = make_post(election, title="Premiers résultats")
    with pytest.raises(ValidationError):
        post_note(session=marathon, author=journalist, text="Chiffres vérifiés ?", post=post)


def test_a_journalist_sends_a_note_about_a_post_from_the_desk(desk, session, make_post):
    post = make_post(session, title="Le peloton passe le pont", author=desk["jeanne"])
    answer = logged_in(desk["jeanne"]).post(
        f"/editor/{session.slug}/notes/",
        {"text": "@hugo la photo du pont est-elle créditée ?", "post": post.pk},
        **HTMX,
    )
    note = DeskNote.objects.get()
    assert (note.author, note.post) == (desk["jeanne"], post)
    html = answer.content.decode()
    assert (
        '<textarea id="desk-note-text" name="text" rows="2" maxlength="1000" required></textarea>'
        in html
    )
    assert f'id="desk-note-{note.pk}"' in html and "À propos de :" in html


def test_a_refused_note_keeps_what_was_typed_and_says_why(desk, session):
    typed = "Relire le chapô " + "x" * 1000
    answer = logged_in(desk["jeanne"]).post(
        f"/editor/{session.slug}/notes/", {"text": typed}, **HTMX
    )
    html = answer.content.decode()
    assert "Une note du desk compte au plus 1000 caractères (celle-ci en a 1016)." in html
    assert typed in html
    assert not DeskNote.objects.exists()


def test_a_note_about_someone_elses_draft_is_refused(desk, session, make_post):
    draft = make_post(session, title="Brouillon du chef", author=desk["hugo"], status="draft")
    answer = logged_in(desk["jeanne"]).post(
        f"/editor/{session.slug}/notes/", {"text": "Prêt ?", "post": draft.pk}, **HTMX
    )
    assert "plus sur ce desk : choisissez-en une autre" in answer.content.decode()
    assert not DeskNote.objects.exists()


def test_the_desk_highlights_the_notes_that_mention_me(desk, session):
    post_note(session=session, author=desk["hugo"], text="@jeanne peux-tu rappeler la police ?")
    post_note(session=session, author=desk["hugo"], text="Pause café à 10H.")
    page = logged_in(desk["jeanne"]).get(f"/editor/{session.slug}/").content.decode()
    assert page.count("desk-note--mention") == 1
    assert "Vous êtes mentionné·e" in page
    other = logged_in(desk["hugo"]).get(f"/editor/{session.slug}/").content.decode()
    assert "desk-note--mention" not in other


def test_notes_never_reach_the_reader_page_feeds_or_api(desk, session, make_post, client):
    make_post(session, title="Le peloton passe le pont")
    post_note(session=session, author=desk["hugo"], text="Secret de rédaction : vérifier.")
    for url in (
        f"/live/{session.slug}/",
        f"/live/{session.slug}/events?after=0",
        f"/live/{session.slug}/feed.atom",
        f"/live/{session.slug}/feed.rss",
        f"/live/{session.slug}/embed/",
        f"/api/lives/{session.slug}/",
        f"/api/lives/{session.slug}/posts/",
    ):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "Secret de rédaction" not in answer.content.decode(), url


def test_the_newsroom_export_keeps_the_notes_and_an_import_restores_them(desk, session, make_post):
    post = make_post(session, title="Le peloton passe le pont")
    post_note(session=session, author=desk["hugo"], text="Source confirmée ?", post=post)
    archive = json.loads(json.dumps(export_session(session)))
    assert archive["notes"] == [
        {
            "author": "hugo",
            "post": post.pk,
            "text": "Source confirmée ?",
            "created_at": DeskNote.objects.get().created_at.isoformat(),
        }
    ]
    call_command("flush", interactive=False, verbosity=0)
    restored = import_session(archive)
    note = restored.desk_notes.get()
    assert (note.author.username, note.post_id, note.text) == (
        "hugo",
        post.pk,
        "Source confirmée ?",
    )


async def test_a_note_reaches_the_desk_socket_of_a_colleague_and_no_reader(desk, session):
    hugo = await db(logged_in)(desk["hugo"])
    colleague = desk_socket(session, hugo)
    accepted, _code = await colleague.connect()
    assert accepted
    reader = await connected(session.slug)

    jeanne = await db(logged_in)(desk["jeanne"])
    await db(jeanne.post)(
        f"/editor/{session.slug}/notes/", {"text": "@hugo source confirmée ?"}, **HTMX
    )
    frame = json.loads(await colleague.receive_from(timeout=15))
    assert frame["kind"] == "note" and frame["mentions"] == ["hugo"]
    assert "@hugo source confirmée ?" in frame["html"]
    assert await reader.receive_nothing(timeout=1)
    await colleague.disconnect()
    await reader.disconnect()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [(None, False), ("leon", False), ("paul", False), ("jeanne", True), ("hugo", True)],
)
async def test_only_the_lives_desk_may_open_its_socket(desk, session, who, allowed):
    client = await db(logged_in)(desk[who]) if who else None
    socket = desk_socket(session, client)
    accepted, _code = await socket.connect()
    assert accepted is allowed
    if accepted:
        await socket.send_to(text_data='{"text": "un message par la socket"}')
        closed = await socket.receive_output(timeout=15)
        assert (closed["type"], closed["code"]) == ("websocket.close", 4008)
    assert not await db(DeskNote.objects.exists)()


async def test_a_desk_socket_for_a_live_that_does_not_exist_is_refused(desk):
    hugo = await db(logged_in)(desk["hugo"])
    socket = desk_socket(LiveSession(slug="nulle-part"), hugo)
    accepted, _code = await socket.connect()
    assert not accepted

"""An archive is a file from outside: anything in it that the app would not have written is
refused with a message, and nothing of it is written; event HTML is never taken from it."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from liveblog.domain.events import render_event
from liveblog.domain.posts import set_pinned
from liveblog.models import Block, Event, LiveSession, Photo, PhotoCredit, Post
from liveblog.photos.renditions import make_renditions

# The archive is exported, then the database flushed as on a new server: committed data.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def archive(session, make_post, make_photo):
    """A small live's archive, its database emptied as on a new server."""
    photo = make_photo(size=(700, 350))
    make_renditions(photo)
    make_post(session, title="Départ", blocks=[("photo", {"photo": photo})])
    post = make_post(session, title="Arrivée", minutes=120)
    set_pinned(post=post, pinned=True, by=post.author)
    out = StringIO()
    call_command("export_session", session.slug, stdout=out)
    call_command("flush", interactive=False, verbosity=0)
    return json.loads(out.getvalue())


def import_text(tmp_path, text: str) -> None:
    path = tmp_path / "archive.json"
    path.write_text(text, encoding="utf-8")
    call_command("import_session", str(path), stdout=StringIO(), stderr=StringIO())


def nothing_written() -> bool:
    models = (LiveSession, Post, Block, Photo, PhotoCredit, Event, get_user_model())
    return not any(model.objects.exists() for model in models)


def set_slug(archive):
    archive["session"]["slug"] = "bad slug!"


def lower_last_seq(archive):
    archive["session"]["last_seq"] -= 2


def raise_last_seq(archive):
    archive["session"]["last_seq"] += 5


def escape_media(archive):
    archive["photos"][0]["file"] = "../../../../etc/passwd"


def absolute_media(archive):
    archive["photos"][0]["file"] = "/etc/passwd"


def escape_renditions(archive):
    archive["photos"][0]["renditions"][0]["file"] = "renditions/../../../etc/passwd"


def huge_post_id(archive):
    archive["posts"][0]["id"] = 10**30


def huge_width(archive):
    archive["photos"][0]["width"] = 10**30


def script_link(archive):
    archive["posts"][0]["blocks"].append(
        {
            "kind": "link",
            "text": "",
            "attribution": "",
            "url": "javascript:alert(1)",
            "link_kind": "article",
            "link_title": "Lire",
            "photo": None,
        }
    )


def bad_username(archive):
    archive["people"][0]["username"] = "bad user!"
    archive["posts"][0]["author"] = "bad user!"


def unknown_event_kind(archive):
    archive["events"][-1]["kind"] = "post.exploded"


def poll_not_kept(archive):
    # As an archive written before polls were kept in it.
    archive.pop("polls", None)
    archive["posts"][0]["blocks"].append(
        {
            "kind": "poll",
            "text": "",
            "attribution": "",
            "url": "",
            "link_kind": "",
            "link_title": "",
            "photo": None,
        }
    )


def one_choice_poll(archive):
    archive["polls"] = [
        {
            "id": 1,
            "question": "Qui gagnera ?",
            "closes_at": "2025-10-21T12:00:00+00:00",
            "created_at": "2025-10-21T08:00:00+00:00",
            "closing_announced": False,
            "choices": [{"label": "Amara", "votes": 3}],
        }
    ]


def question_answered_elsewhere(archive):
    archive["questions"] = [
        {
            "text": "Le pont est-il ouvert ?",
            "name": "",
            "status": "answered",
            "sent_at": "2025-10-21T08:00:00+00:00",
            "answer": 999_999,
            "decided_by": None,
            "decided_at": "2025-10-21T08:05:00+00:00",
        }
    ]


def note_about_another_post(archive):
    archive["notes"] = [
        {"author": None, "post": 999_999, "text": "Vu.", "created_at": "2025-10-21T08:00:00+00:00"}
    ]


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (set_slug, "L\u2019adresse du direct « bad slug! » n\u2019est pas valide"),
        (lower_last_seq, "doit être numéroté de 1 à last_seq"),
        (raise_last_seq, "doit être numéroté de 1 à last_seq"),
        (escape_media, "nomme le fichier « ../../../../etc/passwd »"),
        (absolute_media, "nomme le fichier « /etc/passwd »"),
        (escape_renditions, "nomme le fichier « renditions/../../../etc/passwd »"),
        (huge_post_id, "doit être un nombre entier"),
        (huge_width, "doit être un nombre entier"),
        (script_link, "Saisissez une URL valide"),
        (bad_username, "Le nom d\u2019utilisateur « bad user! » n\u2019est pas valide"),
        (unknown_event_kind, "d\u2019un type inconnu"),
        (poll_not_kept, "montre un sondage absent de l\u2019archive"),
        (one_choice_poll, "doit avoir de 2 à 6 choix"),
        (question_answered_elsewhere, "a pour réponse une publication absente"),
        (note_about_another_post, "porte sur une publication absente"),
    ],
)
def test_a_hostile_archive_is_refused_with_a_message_and_nothing_is_written(
    archive, tmp_path, spoil, message
):
    spoil(archive)
    with pytest.raises(CommandError) as refused:
        import_text(tmp_path, json.dumps(archive))
    assert message in str(refused.value)
    assert "Rien n\u2019a été importé." in str(refused.value)
    assert nothing_written()


def test_an_archive_nested_deeper_than_any_real_one_gets_a_message(tmp_path):
    with pytest.raises(CommandError, match="imbriquée trop profondément"):
        import_text(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert nothing_written()


def test_event_html_and_data_are_rendered_again_from_the_imported_posts(archive, tmp_path):
    for event in archive["events"]:
        event["html"] = '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">Lire</a>'
        event["data"] = {"post": event["post"], "pinned": True, "sort": "zzz", "extra": "<b>"}

    import_text(tmp_path, json.dumps(archive))

    session = LiveSession.objects.get()
    stored = list(session.events.order_by("seq"))
    assert all("onerror" not in e.html and "javascript:" not in e.html for e in stored)
    assert all("extra" not in e.data for e in stored)
    for post in session.posts.published():
        latest = session.events.filter(post=post).order_by("-seq").first()
        assert (latest.html, latest.data) == render_event(session, latest.kind, post)

"""Every URL of the project against every role: the server answers as the rules say,
whatever the page shows. The list is checked against the URL resolver, so a new URL
without its line here fails `test_every_url_of_the_project_is_in_the_matrix`."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group
from django.db import connections
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from liveblog.delivery.routing import websocket_urls
from liveblog.domain.polls import create_poll_post
from liveblog.domain.posts import publish_post
from liveblog.domain.review import submit_for_review
from liveblog.domain.revisions import snapshot
from liveblog.models import Post, Question
from newsroom.asgi import application
from tests.helpers import WAIT, ReaderSocket

ANONYMOUS, OUTSIDER, CONTRIBUTOR, ASSIGNED, EDITOR, ADMIN = (
    "anonymous",
    "journalist not assigned",
    "contributor assigned",
    "journalist assigned",
    "editor",
    "admin",
)
ROLES = [ANONYMOUS, OUTSIDER, CONTRIBUTOR, ASSIGNED, EDITOR, ADMIN]
EVERYONE = ROLES
DESK_USERS = [OUTSIDER, CONTRIBUTOR, ASSIGNED, EDITOR, ADMIN]
# The staff of the live: contributors write and send for review, nothing more.
WRITERS = [ASSIGNED, EDITOR, ADMIN]
CONTRIBUTORS_TOO = [CONTRIBUTOR, *WRITERS]
EDITORS = [EDITOR, ADMIN]

# (URL name, method, URL, roles allowed). {s} is the session, {own} the assigned
# journalist's post, {other} the editor's, {deleted} a deleted post; the contributor's
# {draft}, {sent} (waiting for review) and {out} (published by an editor).
# Anonymous people are sent to log in wherever they are not allowed; others get a 403.
CASES = [
    ("home", "get", "/", EVERYONE),
    ("live:session", "get", "/live/{s}/", EVERYONE),
    ("live:events", "get", "/live/{s}/events?after=0", EVERYONE),
    ("live:post", "get", "/live/{s}/posts/{own}/", EVERYONE),
    ("live:feed-atom", "get", "/live/{s}/feed.atom", EVERYONE),
    ("live:feed-rss", "get", "/live/{s}/feed.rss", EVERYONE),
    ("live:embed", "get", "/live/{s}/embed/", EVERYONE),
    ("live:question", "post", "/live/{s}/questions/", EVERYONE),
    ("live:poll-vote", "post", "/live/{s}/polls/{poll}/vote/", EVERYONE),
    ("live:alerts-start", "post", "/live/{s}/alerts/", EVERYONE),
    ("live:alerts-stop", "get", "/live/alerts/no-such-token/stop/", EVERYONE),
    ("live:push-worker", "get", "/live/push-worker.js", EVERYONE),
    ("api:sessions", "get", "/api/lives/", EVERYONE),
    ("api:session", "get", "/api/lives/{s}/", EVERYONE),
    ("api:session-posts", "get", "/api/lives/{s}/posts/", EVERYONE),
    ("api:openapi", "get", "/api/openapi.json", EVERYONE),
    # Any other address under /api/: the same JSON 404 for everyone.
    ("api:unknown", "get", "/api/nothing/", EVERYONE),
    ("sitemap", "get", "/sitemap.xml", EVERYONE),
    ("robots", "get", "/robots.txt", EVERYONE),
    ("media", "get", "/media/{photo}", EVERYONE),
    ("branding-css", "get", "/branding.css", EVERYONE),
    ("set_language", "post", "/i18n/setlang/", EVERYONE),
    ("desk:login", "get", "/editor/login/", EVERYONE),
    ("desk:logout", "post", "/editor/logout/", EVERYONE),
    ("desk:sessions", "get", "/editor/", DESK_USERS),
    ("desk:photos", "get", "/editor/photos/", DESK_USERS),
    ("desk:photo-upload", "post", "/editor/photos/upload/", DESK_USERS),
    ("desk:session", "get", "/editor/{s}/", CONTRIBUTORS_TOO),
    ("desk:autosave", "post", "/editor/{s}/autosave/", CONTRIBUTORS_TOO),
    ("desk:presence", "post", "/editor/{s}/presence/", CONTRIBUTORS_TOO),
    ("desk:audience", "get", "/editor/{s}/audience/", WRITERS),
    ("desk:notes", "get", "/editor/{s}/notes/", WRITERS),
    ("desk:notes", "post", "/editor/{s}/notes/", WRITERS),
    ("desk:post-new", "post", "/editor/{s}/posts/new/", CONTRIBUTORS_TOO),
    ("desk:poll-new", "get", "/editor/{s}/polls/new/", WRITERS),
    ("desk:questions", "get", "/editor/{s}/questions/", WRITERS),
    ("desk:questions-toggle", "post", "/editor/{s}/questions/toggle/", EDITORS),
    ("desk:question-answer", "get", "/editor/{s}/questions/{question}/answer/", WRITERS),
    ("desk:question-discard", "post", "/editor/{s}/questions/{question}/discard/", WRITERS),
    ("desk:session-header", "get", "/editor/{s}/header/", EDITORS),
    ("desk:session-start", "post", "/editor/{s}/start/", EDITORS),
    ("desk:session-end", "post", "/editor/{s}/end/", EDITORS),
    ("desk:session-lead-photo", "post", "/editor/{s}/lead-photo/", EDITORS),
    ("desk:live-new", "get", "/editor/new/", EDITORS),
    ("desk:live-new", "post", "/editor/new/", EDITORS),
    ("desk:session-reopen", "post", "/editor/{s}/reopen/", EDITORS),
    ("desk:session-archive", "post", "/editor/{s}/archive/", EDITORS),
    ("desk:session-delete", "get", "/editor/{s}/delete/", EDITORS),
    ("desk:session-delete", "post", "/editor/{s}/delete/", EDITORS),
    ("desk:session-schedule", "get", "/editor/{s}/schedule/", EDITORS),
    ("desk:session-schedule", "post", "/editor/{s}/schedule/", EDITORS),
    ("desk:session-people", "get", "/editor/{s}/people/", EDITORS),
    ("desk:session-people", "post", "/editor/{s}/people/", EDITORS),
    ("desk:session-rubrics", "get", "/editor/{s}/rubrics/", EDITORS),
    ("desk:session-rubrics", "post", "/editor/{s}/rubrics/", EDITORS),
    ("desk:session-rubric-withdraw", "post", "/editor/{s}/rubrics/{rubric}/withdraw/", EDITORS),
    ("desk:audit", "get", "/editor/{s}/audit/", EDITORS),
    ("desk:session-export", "get", "/editor/{s}/export/", EDITORS),
    ("desk:review", "get", "/editor/{s}/review/", [CONTRIBUTOR, *EDITORS]),
    ("desk:review-publish", "post", "/editor/{s}/posts/{sent}/review/publish/", EDITORS),
    ("desk:review-send-back", "post", "/editor/{s}/posts/{sent}/review/send-back/", EDITORS),
    ("desk:post-edit", "get", "/editor/{s}/posts/{draft}/edit/", [CONTRIBUTOR, *EDITORS]),
    ("desk:post-edit", "post", "/editor/{s}/posts/{draft}/edit/", [CONTRIBUTOR, *EDITORS]),
    ("desk:post-edit", "get", "/editor/{s}/posts/{sent}/edit/", EDITORS),
    ("desk:post-edit", "post", "/editor/{s}/posts/{out}/edit/", EDITORS),
    ("desk:post-autosave", "post", "/editor/{s}/posts/{draft}/autosave/", [CONTRIBUTOR, *EDITORS]),
    ("desk:post-pin", "post", "/editor/{s}/posts/{draft}/pin/", EDITORS),
    ("desk:post-key-event", "post", "/editor/{s}/posts/{out}/key-event/", EDITORS),
    ("desk:post-delete", "post", "/editor/{s}/posts/{out}/delete/", EDITORS),
    ("desk:post-edit", "get", "/editor/{s}/posts/{own}/edit/", WRITERS),
    ("desk:post-edit", "get", "/editor/{s}/posts/{other}/edit/", EDITORS),
    ("desk:post-edit", "post", "/editor/{s}/posts/{other}/edit/", EDITORS),
    ("desk:post-autosave", "post", "/editor/{s}/posts/{own}/autosave/", WRITERS),
    ("desk:post-autosave", "post", "/editor/{s}/posts/{other}/autosave/", EDITORS),
    ("desk:post-delete", "get", "/editor/{s}/posts/{own}/delete/", WRITERS),
    ("desk:post-delete", "post", "/editor/{s}/posts/{other}/delete/", EDITORS),
    ("desk:post-undelete", "post", "/editor/{s}/posts/{deleted}/undelete/", EDITORS),
    ("desk:post-pin", "post", "/editor/{s}/posts/{own}/pin/", WRITERS),
    ("desk:post-pin", "post", "/editor/{s}/posts/{other}/pin/", EDITORS),
    ("desk:post-key-event", "post", "/editor/{s}/posts/{own}/key-event/", WRITERS),
    ("desk:post-key-event", "post", "/editor/{s}/posts/{other}/key-event/", EDITORS),
    ("desk:post-revisions", "get", "/editor/{s}/posts/{own}/revisions/", EDITORS),
    ("desk:post-photo-add", "post", "/editor/{s}/posts/{own}/photos/", WRITERS),
    ("desk:post-photo-add", "post", "/editor/{s}/posts/{other}/photos/", EDITORS),
    ("desk:revision-restore", "post", "/editor/{s}/posts/{own}/revisions/1/restore/", EDITORS),
    # Django's admin is one include: its own rules (staff only) hold for all its pages.
    ("admin:*", "get", "/admin/", [ADMIN]),
    ("admin:*", "get", "/admin/liveblog/post/", [ADMIN]),
    ("admin:*", "get", "/admin/liveblog/auditentry/", [ADMIN]),
    ("admin:*", "get", "/admin/auth/user/", [ADMIN]),
]
# The reader's websocket: public and read-only (tested below, for every role); the desk's:
# writers of the live only (tests/newsroom/test_desk_notes.py, for every role).
WEBSOCKETS = ["ws/live/<slug:slug>/", "ws/desk/<slug:slug>/"]
# Answers that mean "you may": pages, redirects after an action, and the refusals of a
# request that was let in but incomplete (a missing file, a stale version, a bad form).
ALLOWED_STATUSES = {200, 302, 400, 409, 422}


def url_names(patterns=None, namespace: str = "") -> set[str]:
    names = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                names.add("admin:*")
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else str(entry.pattern).strip("^"))
    return names


def test_every_url_of_the_project_is_in_the_matrix():
    assert url_names() == {case[0] for case in CASES}
    assert [str(pattern.pattern) for pattern in websocket_urls] == WEBSOCKETS


@pytest.fixture
def world(session, make_post, make_photo, journalist, editor, contributor, django_user_model):
    """A session, one post by the assigned journalist and one by the editor, and everyone."""
    session.journalists.add(journalist)
    outsider = django_user_model.objects.create_user("paul", password="pw-paul-2026")
    outsider.groups.add(Group.objects.get_or_create(name="journalists")[0])
    admin = django_user_model.objects.create_superuser("admin", password="pw-admin-2026")
    own = make_post(session, title="Le sien", author=journalist)
    snapshot(own)
    other = make_post(session, title="Celui du chef", author=editor)
    deleted = make_post(session, title="Supprimé", author=journalist, status="deleted")
    question = Question.objects.create(session=session, text="Le pont est-il ouvert ?")
    closes = timezone.now() + timedelta(hours=1)
    poll_post = create_poll_post(
        session=session, by=editor, question="Qui gagne ?", choices=["A", "B"], closes_at=closes
    )
    session.journalists.add(contributor)
    draft = make_post(session, title="Au 30e", author=contributor, status="draft")
    sent = make_post(session, title="Six en tête", author=contributor, status="draft")
    submit_for_review(post=sent, by=contributor)
    out = make_post(session, title="Publié par le chef", author=contributor, status="draft")
    publish_post(post=out, by=editor)
    people = {ANONYMOUS: None, OUTSIDER: outsider, ASSIGNED: journalist, EDITOR: editor}
    people |= {ADMIN: admin, CONTRIBUTOR: contributor}
    urls = {
        "s": session.slug,
        "own": own.pk,
        "other": other.pk,
        "deleted": deleted.pk,
        "photo": make_photo().image.name,
        "rubric": own.rubric_id,
        "question": question.pk,
        "poll": poll_post.blocks.get().poll_id,
        "draft": draft.pk,
        "sent": sent.pk,
        "out": out.pk,
    }
    return {"session": session, "own": own, "other": other, "people": people, "urls": urls}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "template", "allowed"),
    CASES,
    ids=[f"{case[1]} {case[2]}" for case in CASES],
)
def test_each_url_answers_each_role_as_the_rules_say(
    client, world, role, name, method, template, allowed
):
    person = world["people"][role]
    if person:
        client.force_login(person)
    url = template.format(**world["urls"])
    data = {"version": 99, "photo": "", "language": "en"} if method == "post" else {}
    response = getattr(client, method)(url, data)
    location = response.get("Location", "")
    sent_to_login = response.status_code == 302 and "/login/?next=" in location
    if name == "api:unknown":
        assert response.status_code == 404
    elif role in allowed:
        assert response.status_code in ALLOWED_STATUSES and not sent_to_login, (
            response.status_code,
            location,
        )
    elif role == ANONYMOUS or name == "admin:*":
        assert sent_to_login, (response.status_code, location)
    else:
        assert response.status_code == 403


@pytest.mark.django_db
def test_a_refused_edit_changes_nothing(client, world):
    client.force_login(world["people"][ASSIGNED])
    other, slug = world["other"], world["session"].slug
    client.post(f"/editor/{slug}/posts/{other.pk}/delete/")
    client.post(f"/editor/{slug}/posts/{other.pk}/pin/")
    client.post(f"/editor/{slug}/posts/{other.pk}/key-event/")
    other.refresh_from_db()
    assert other.status == Post.Status.PUBLISHED and not other.pinned and not other.key_event


@pytest.mark.django_db
def test_my_sessions_lists_only_the_sessions_i_am_assigned_to(client, world, make_session):
    make_session(slug="nuit-electorale", headline="Nuit électorale en direct")
    client.force_login(world["people"][ASSIGNED])
    html = client.get("/editor/").content.decode()
    assert "Marathon des Deux-Rives en direct" in html
    assert "Nuit électorale en direct" not in html
    client.force_login(world["people"][EDITOR])
    assert "Nuit électorale en direct" in client.get("/editor/").content.decode()


def cookie_of(client) -> bytes:
    return "; ".join(f"{k}={v.value}" for k, v in client.cookies.items()).encode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
async def test_the_reader_socket_is_open_to_everyone_and_read_only(client, world, role):
    person = world["people"][role]
    if person:
        await database_sync_to_async(client.force_login)(person)
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"cookie", cookie_of(client))]
    socket = ReaderSocket(application, f"/ws/live/{world['urls']['s']}/", headers)
    accepted, _code = await socket.connect()
    assert accepted
    await socket.send_to(text_data='{"publish": "Un faux titre"}')
    closed = await socket.receive_output(timeout=WAIT)
    assert (closed["type"], closed["code"]) == ("websocket.close", 4008)
    await database_sync_to_async(connections.close_all)()

"""Every desk URL enforces the roles server-side, whatever the page shows."""

import pytest
from django.contrib.auth.models import Group

from liveblog.models import Post

pytestmark = pytest.mark.django_db

ANONYMOUS, OUTSIDER, ASSIGNED, EDITOR, ADMIN = (
    "anonymous",
    "journalist not assigned",
    "journalist assigned",
    "editor",
    "admin",
)
ROLES = [ANONYMOUS, OUTSIDER, ASSIGNED, EDITOR, ADMIN]


@pytest.fixture
def world(session, make_post, journalist, editor, django_user_model):
    """A session, one post by the assigned journalist and one by the editor, and everyone."""
    session.journalists.add(journalist)
    outsider = django_user_model.objects.create_user("paul", password="pw-paul-2026")
    outsider.groups.add(Group.objects.get_or_create(name="journalists")[0])
    admin = django_user_model.objects.create_superuser("admin", password="pw-admin-2026")
    own = make_post(session, title="Le sien", author=journalist)
    other = make_post(session, title="Celui du chef", author=editor)
    deleted = make_post(session, title="Supprimé", author=journalist, status="deleted")
    people = {ANONYMOUS: None, OUTSIDER: outsider, ASSIGNED: journalist, EDITOR: editor}
    people[ADMIN] = admin
    return {"session": session, "own": own, "other": other, "deleted": deleted, "people": people}


def url_for(world, template: str) -> str:
    s = world["session"].slug
    return template.format(
        s=s, own=world["own"].pk, other=world["other"].pk, deleted=world["deleted"].pk
    )


# (method, URL, roles allowed). "own" is the assigned journalist's post, "other" the editor's.
CASES = [
    ("get", "/editor/", [OUTSIDER, ASSIGNED, EDITOR, ADMIN]),
    ("get", "/editor/{s}/", [ASSIGNED, EDITOR, ADMIN]),
    ("post", "/editor/{s}/autosave/", [ASSIGNED, EDITOR, ADMIN]),
    ("post", "/editor/{s}/presence/", [ASSIGNED, EDITOR, ADMIN]),
    ("post", "/editor/{s}/posts/new/", [ASSIGNED, EDITOR, ADMIN]),
    ("get", "/editor/{s}/posts/{own}/edit/", [ASSIGNED, EDITOR, ADMIN]),
    ("get", "/editor/{s}/posts/{other}/edit/", [EDITOR, ADMIN]),
    ("post", "/editor/{s}/posts/{other}/edit/", [EDITOR, ADMIN]),
    ("post", "/editor/{s}/posts/{own}/autosave/", [ASSIGNED, EDITOR, ADMIN]),
    ("post", "/editor/{s}/posts/{other}/autosave/", [EDITOR, ADMIN]),
    ("get", "/editor/{s}/posts/{own}/delete/", [ASSIGNED, EDITOR, ADMIN]),
    ("post", "/editor/{s}/posts/{other}/delete/", [EDITOR, ADMIN]),
    ("post", "/editor/{s}/posts/{deleted}/undelete/", [EDITOR, ADMIN]),
    ("post", "/editor/{s}/posts/{own}/pin/", [ASSIGNED, EDITOR, ADMIN]),
    ("post", "/editor/{s}/posts/{other}/pin/", [EDITOR, ADMIN]),
    ("post", "/editor/{s}/posts/{other}/key-event/", [EDITOR, ADMIN]),
    ("get", "/editor/{s}/posts/{own}/revisions/", [EDITOR, ADMIN]),
    ("post", "/editor/{s}/posts/{own}/revisions/1/restore/", [EDITOR, ADMIN]),
    ("get", "/editor/{s}/header/", [EDITOR, ADMIN]),
    ("post", "/editor/{s}/start/", [EDITOR, ADMIN]),
    ("post", "/editor/{s}/end/", [EDITOR, ADMIN]),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "allowed"), CASES, ids=[c[1] for c in CASES])
def test_desk_url_answers_each_role_as_the_rules_say(
    client, world, role, method, template, allowed
):
    from liveblog.revisions import snapshot

    snapshot(world["own"])
    person = world["people"][role]
    if person:
        client.force_login(person)
    response = getattr(client, method)(url_for(world, template), {"version": 99})
    if role == ANONYMOUS:
        assert response.status_code == 302
        assert response.url.startswith("/editor/login/?next=")
    elif role in allowed:
        assert response.status_code in (200, 302, 409, 422), response.status_code
    else:
        assert response.status_code == 403


def test_a_refused_edit_changes_nothing(client, world):
    client.force_login(world["people"][ASSIGNED])
    other = world["other"]
    client.post(f"/editor/{world['session'].slug}/posts/{other.pk}/delete/")
    client.post(f"/editor/{world['session'].slug}/posts/{other.pk}/pin/")
    other.refresh_from_db()
    assert other.status == Post.Status.PUBLISHED and not other.pinned


def test_my_sessions_lists_only_the_sessions_i_am_assigned_to(client, world, make_session):
    make_session(slug="nuit-electorale", headline="Nuit électorale en direct")
    client.force_login(world["people"][ASSIGNED])
    html = client.get("/editor/").content.decode()
    assert "Marathon des Deux-Rives en direct" in html
    assert "Nuit électorale en direct" not in html
    client.force_login(world["people"][EDITOR])
    assert "Nuit électorale en direct" in client.get("/editor/").content.decode()

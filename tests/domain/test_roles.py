"""The roles: journalists write where assigned and edit their own posts; editors and admins
do anything within a session; only editors create rubrics."""

import pytest
from django.contrib.auth.models import AnonymousUser

from liveblog.domain.roles import (
    can_create_rubric,
    can_edit_post,
    can_run_lives,
    can_write_in,
    desk_sessions,
    is_editor,
    uses_desk,
)

pytestmark = pytest.mark.django_db


def test_a_journalist_writes_only_in_sessions_they_are_assigned_to(journalist, make_session):
    assigned, other = make_session(), make_session(slug="orage", headline="Orage en direct")
    assigned.journalists.add(journalist)
    assert can_write_in(journalist, assigned)
    assert not can_write_in(journalist, other)
    assert list(desk_sessions(journalist)) == [assigned]


def test_a_journalist_edits_their_own_posts_only(journalist, editor, session, make_post):
    session.journalists.add(journalist)
    own = make_post(session, author=journalist)
    others = make_post(session, author=editor)
    assert can_edit_post(journalist, own)
    assert not can_edit_post(journalist, others)


def test_a_journalist_removed_from_a_session_no_longer_edits_their_posts_there(
    journalist, session, make_post
):
    post = make_post(session, author=journalist)
    assert not can_edit_post(journalist, post)


def test_editors_and_admins_do_anything_in_any_session(
    editor, journalist, make_session, make_post, django_user_model
):
    admin = django_user_model.objects.create_superuser("admin", password="pw-admin-2026")
    session = make_session()
    post = make_post(session, author=journalist)
    for person in (editor, admin):
        assert is_editor(person) and uses_desk(person)
        assert can_write_in(person, session) and can_edit_post(person, post)
        assert can_create_rubric(person)


def test_people_without_a_role_and_anonymous_visitors_get_nothing(
    django_user_model, session, journalist
):
    reader = django_user_model.objects.create_user("lecteur", password="pw-lecteur-2026")
    session.journalists.add(reader)
    for person in (reader, AnonymousUser()):
        assert not uses_desk(person)
        assert not can_write_in(person, session)
        assert list(desk_sessions(person)) == []
    assert not can_create_rubric(journalist)


def test_only_editors_and_admins_run_lives(journalist, editor, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", password="pw-admin-2026")
    assert can_run_lives(editor) and can_run_lives(admin)
    assert not can_run_lives(journalist)
    assert not can_run_lives(AnonymousUser())

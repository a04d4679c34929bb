"""Every change to a post or a session is written to an append-only audit log."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from liveblog.domain.posts import (
    delete_post,
    publish_post,
    record_edit,
    restore_post,
    schedule_post,
    set_key_event,
    set_pinned,
)
from liveblog.domain.revisions import restore_revision, snapshot
from liveblog.domain.scheduling import publish_due_posts
from liveblog.domain.sessions import archive_session, end_session, start_session, update_header
from liveblog.models import AuditEntry, Post, Revision
from tests.helpers import START, composer_data, paragraph

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


def execute(statement: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def actions(**filters) -> list[str]:
    return list(
        AuditEntry.objects.filter(**filters).order_by("id").values_list("action", flat=True)
    )


def test_each_post_action_is_written_with_who_and_which_post(session, make_post, editor):
    post = make_post(session, title="Le départ est donné")
    set_pinned(post=post, pinned=True, by=editor)
    set_key_event(post=post, key_event=True, by=editor)
    post.title = "Le départ est donné à 8H30"
    post.save()
    record_edit(post=post, by=editor)
    delete_post(post=post, by=editor)
    restore_post(post=post, by=editor)
    assert actions(post_id=post.pk) == [
        "post.published",
        "post.pinned",
        "post.key_event",
        "post.edited",
        "post.deleted",
        "post.restored",
    ]
    pinned = AuditEntry.objects.get(post_id=post.pk, action="post.pinned")
    assert (pinned.username, pinned.user_id) == ("hugo", editor.pk)
    assert pinned.detail == {"pinned": True}
    assert (pinned.live_session_id, pinned.session_label) == (
        session.pk,
        "Marathon des Deux-Rives en direct",
    )
    assert pinned.post_label == "Le départ est donné"
    edited = AuditEntry.objects.get(post_id=post.pk, action="post.edited")
    assert edited.detail == {"version": 2, "status": "published"}


def test_scheduling_a_post_is_written_with_its_time(session, make_post, journalist):
    post = make_post(session, status="draft")
    schedule_post(post=post, at=START + timedelta(hours=1), by=journalist)
    entry = AuditEntry.objects.get(action="post.scheduled")
    assert entry.detail == {"at": "2025-10-21T07:30:00+00:00"}
    assert entry.username == "jeanne"


def test_session_start_end_archive_and_header_are_written_with_what_changed(make_session, editor):
    session = make_session(status="scheduled")
    start_session(session=session, by=editor, at=START)
    update_header(session=session, by=editor, headline="Marathon : l'arrivée", standfirst="Suivez.")
    end_session(session=session, by=editor, at=START + timedelta(hours=4))
    archive_session(session=session, by=editor, at=START + timedelta(days=40))
    assert actions(live_session_id=session.pk) == [
        "session.started",
        "session.header_updated",
        "session.ended",
        "session.archived",
    ]
    header = AuditEntry.objects.get(action="session.header_updated")
    assert header.detail == {
        "headline": {"from": "Marathon des Deux-Rives en direct", "to": "Marathon : l'arrivée"},
        "standfirst": {"from": "Suivez la course du départ à l'arrivée.", "to": "Suivez."},
    }
    started = AuditEntry.objects.get(action="session.started")
    assert started.detail["status"] == {"from": "scheduled", "to": "live"}


def test_desk_actions_are_written_with_the_address_they_came_from(client, session, journalist):
    session.journalists.add(journalist)
    client.force_login(journalist)
    url = f"/editor/{session.slug}/posts/new/"
    client.post(url, composer_data(paragraph(), title="Kilomètre 10"), REMOTE_ADDR=ADDRESS)
    post = Post.objects.get()
    client.post(f"/editor/{session.slug}/posts/{post.pk}/pin/", REMOTE_ADDR=ADDRESS)
    entries = AuditEntry.objects.filter(post_id=post.pk).order_by("id")
    assert [e.action for e in entries] == ["post.created", "post.published", "post.pinned"]
    assert {e.address for e in entries} == {ADDRESS}
    assert {e.username for e in entries} == {"jeanne"}


def test_a_draft_saved_on_the_desk_is_written(client, session, journalist):
    session.journalists.add(journalist)
    client.force_login(journalist)
    data = composer_data(paragraph(), title="Brouillon", action="draft")
    client.post(f"/editor/{session.slug}/posts/new/", data)
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    assert actions(post_id=post.pk) == ["post.created"]


def test_restoring_a_revision_is_written_with_its_version(session, make_post, editor):
    post = make_post(session, title="Première version")
    snapshot(post, by=post.author)
    post.title = "Seconde version"
    post.save()
    record_edit(post=post, by=editor)
    restore_revision(Revision.objects.get(post=post, version=1), by=editor)
    entry = AuditEntry.objects.get(action="post.revision_restored")
    assert entry.detail == {"version": 1} and entry.username == "hugo"


def test_a_refused_change_leaves_no_entry(session, make_post, make_photo):
    photo = make_photo(alt_text="")
    post = make_post(session, status="draft", blocks=[("photo", {"photo": photo})])
    with pytest.raises(ValidationError):
        publish_post(post=post, by=post.author)
    with pytest.raises(RuntimeError), transaction.atomic():
        set_pinned(post=post, pinned=True, by=post.author)
        raise RuntimeError("the database went away")
    assert actions(post_id=post.pk) == []


def test_entries_outlive_the_people_and_posts_they_name(session, make_post, django_user_model):
    post = make_post(session)
    intern = django_user_model.objects.create_user("stagiaire")
    set_pinned(post=post, pinned=True, by=intern)
    intern.delete()
    Post.objects.filter(pk=post.pk).delete()
    entry = AuditEntry.objects.get(action="post.pinned")
    assert (entry.username, entry.post_label) == ("stagiaire", "Le peloton passe le pont")


def test_the_database_refuses_to_update_or_delete_an_entry(session, make_post):
    make_post(session)
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(username="quelqu'un d'autre")
    with pytest.raises(DatabaseError, match="append-only"):
        execute("UPDATE liveblog_auditentry SET action = 'post.nothing'")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.delete()
    with pytest.raises(DatabaseError, match="append-only"):
        execute("DELETE FROM liveblog_auditentry")
    entry.refresh_from_db()
    assert entry.action == "post.published"


@pytest.mark.django_db(transaction=True)
def test_flushing_the_whole_database_empties_the_log_and_keeps_it_append_only(session, make_post):
    make_post(session)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    entry = AuditEntry.objects.create(action="post.published")
    with pytest.raises(DatabaseError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(action="post.deleted")


def test_admin_changes_are_written(admin_client, admin_user, session, make_post):
    post = make_post(session)
    url = reverse("admin:liveblog_rubric_change", args=[post.rubric.pk])
    admin_client.post(url, {"name": "Course à pied"}, REMOTE_ADDR=ADDRESS)
    entry = AuditEntry.objects.get(action="admin.changed")
    assert entry.detail == {
        "model": "rubric",
        "id": post.rubric.pk,
        "object": "Course à pied",
        "fields": ["name"],
    }
    assert (entry.username, entry.address) == (admin_user.username, ADDRESS)
    delete = reverse("admin:liveblog_post_delete", args=[post.pk])
    admin_client.post(delete, {"post": "yes"})
    deleted = AuditEntry.objects.get(action="admin.deleted")
    assert (deleted.post_id, deleted.live_session_id) == (post.pk, session.pk)


def test_admin_reads_the_log_with_filters_and_search_but_cannot_edit_it(
    admin_client, session, make_post
):
    make_post(session)
    entry = AuditEntry.objects.first()
    changelist = reverse("admin:liveblog_auditentry_changelist")
    listed = admin_client.get(changelist, {"q": "peloton", "action": "post.published"})
    assert listed.status_code == 200
    assert "Le peloton passe le pont" in listed.content.decode()
    assert admin_client.get(reverse("admin:liveblog_auditentry_add")).status_code == 403
    change = reverse("admin:liveblog_auditentry_change", args=[entry.pk])
    assert admin_client.get(change).status_code == 200
    admin_client.post(change, {"username": "personne", "action": "post.deleted"})
    delete = reverse("admin:liveblog_auditentry_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "post.published" and entry.username == "jeanne"


def test_editors_read_a_sessions_log_on_the_desk_and_journalists_cannot(
    client, session, make_post, editor, journalist
):
    session.journalists.add(journalist)
    post = make_post(session, title="Le peloton passe le pont")
    set_pinned(post=post, pinned=True, by=editor)
    client.force_login(editor)
    page = client.get(f"/editor/{session.slug}/audit/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Journal des modifications" in html
    assert "post.pinned" in html and "hugo" in html and "Le peloton passe le pont" in html
    assert "<code>pinned</code>: True" in html
    assert "<code>status</code>: scheduled → live" in html
    client.force_login(journalist)
    assert client.get(f"/editor/{session.slug}/audit/").status_code == 403


def test_an_editor_with_admin_access_reads_the_log_there_but_cannot_change_it(
    client, editor, session
):
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    assert client.get(reverse("admin:liveblog_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:liveblog_auditentry_add")).status_code == 403
    entry = AuditEntry.objects.get(action="session.started")
    delete = reverse("admin:liveblog_auditentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_giving_someone_a_role_in_the_admin_is_written(admin_client, journalist):
    editors = Group.objects.get_or_create(name="editors")[0]
    change = reverse("admin:auth_user_change", args=[journalist.pk])
    form = admin_client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"groups": [editors.pk], "date_joined_0": "2025-10-21", "date_joined_1": "06:00:00"}
    data.pop("password", None)
    data.pop("last_login", None)
    data.pop("user_permissions", None)
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="admin.changed")
    assert entry.detail["model"] == "user" and "groups" in entry.detail["fields"]
    assert entry.detail["object"] == "jeanne"


def test_a_scheduled_post_going_out_is_written_as_the_schedulers_act(
    session, make_post, journalist
):
    post = make_post(session, status="draft")
    schedule_post(post=post, at=START + timedelta(minutes=30), by=journalist)
    publish_due_posts(now=START + timedelta(hours=1))
    scheduled, published = AuditEntry.objects.filter(post_id=post.pk).order_by("id")
    assert (scheduled.action, scheduled.username) == ("post.scheduled", "jeanne")
    assert (published.action, published.username, published.user_id) == ("post.published", "", None)

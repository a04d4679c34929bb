"""Each change of a post has one home in liveblog.domain: the desk, the admin and the
scheduler get the same change, event and audit entry."""

from datetime import timedelta

import pytest

from liveblog.domain import events
from liveblog.domain.posts import delete_post, restore_post, send_back_to_draft
from liveblog.domain.scheduling import publish_due_posts
from liveblog.models import AuditEntry, Event, Post

pytestmark = pytest.mark.django_db


def test_the_scheduler_sending_a_post_back_to_draft_writes_why_in_the_audit_log(
    session, make_post, make_photo
):
    photo = make_photo(caption="Arche d'arrivée")
    post = make_post(session, status="scheduled", minutes=30, blocks=[("photo", {"photo": photo})])
    photo.alt_text = ""
    photo.save()
    assert publish_due_posts(now=post.published_at) == []
    post.refresh_from_db()
    assert (post.status, post.published_at) == (Post.Status.DRAFT, None)
    entry = AuditEntry.objects.filter(post_id=post.pk).latest("id")
    assert (entry.action, entry.username, entry.user_id) == ("post.unscheduled", "", None)
    assert "Arche d'arrivée" in entry.detail["reason"]
    assert not Event.objects.filter(post=post).exists(), "readers never saw it"


def test_a_published_post_sent_back_to_draft_leaves_readers_pages(session, make_post, editor):
    post = make_post(session)
    send_back_to_draft(post=post, by=editor)
    assert Event.objects.filter(post=post).latest("seq").kind == "post.deleted"
    entry = AuditEntry.objects.filter(post_id=post.pk).latest("id")
    assert (entry.action, entry.username) == ("post.sent_back_to_draft", "hugo")


def test_undoing_the_delete_of_a_scheduled_post_schedules_it_again_at_its_time(
    session, make_post, editor
):
    post = make_post(session, status="scheduled", minutes=90)
    at = post.published_at
    delete_post(post=post, by=editor)
    assert restore_post(post=post, by=editor) == []
    post.refresh_from_db()
    assert (post.status, post.published_at) == (Post.Status.SCHEDULED, at)
    assert not Event.objects.filter(post=post).exists(), "not out before its time"
    assert publish_due_posts(now=at - timedelta(minutes=1)) == []
    assert publish_due_posts(now=at) == [post]


def test_undoing_the_delete_of_a_draft_keeps_it_a_draft(session, make_post, editor):
    post = make_post(session, status="draft")
    delete_post(post=post, by=editor)
    restore_post(post=post, by=editor)
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert not Event.objects.filter(post=post).exists()


def test_a_restored_post_whose_photo_lost_its_credit_comes_back_as_a_draft(
    session, make_post, make_photo, editor
):
    photo = make_photo(caption="Le vainqueur")
    post = make_post(session, blocks=[("photo", {"photo": photo})])
    delete_post(post=post, by=editor)
    photo.credit = None
    photo.save()
    refused = restore_post(post=post, by=editor)
    assert refused and "Le vainqueur" in refused[0]
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert Event.objects.filter(post=post).latest("seq").kind == "post.deleted"
    entry = AuditEntry.objects.filter(post_id=post.pk).latest("id")
    assert entry.action == "post.restored" and entry.detail["status"] == "draft"


def test_the_desk_says_why_a_restored_post_did_not_go_back_out(
    client, session, make_post, make_photo, editor
):
    photo = make_photo(caption="Le vainqueur")
    post = make_post(session, blocks=[("photo", {"photo": photo})])
    delete_post(post=post, by=editor)
    photo.alt_text = ""
    photo.save()
    client.force_login(editor)
    response = client.post(f"/editor/{session.slug}/posts/{post.pk}/undelete/", follow=True)
    html = response.content.decode()
    assert "rétablie comme brouillon, sans être remise en ligne" in html
    assert "Le vainqueur" in html


def test_delivery_hears_of_an_event_only_once_its_change_is_committed(
    session, make_post, monkeypatch, django_capture_on_commit_callbacks
):
    heard = []
    monkeypatch.setattr(events, "_subscribers", [heard.append])
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(session, title="Le départ")
        assert heard == [], "nothing before commit"
    assert [(event.kind, event.post_id) for event in heard] == [("post.published", post.pk)]

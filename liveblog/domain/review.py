"""Contributors' posts and the review queue of a live.

A contributor writes a draft like anyone, then sends it for review (`submit_for_review`):
the post waits in the live's queue (status "submitted") until an editor, or one of the
live's journalists where the live allows it, publishes it (`publish_submission`, through
liveblog.domain.posts.publish_post like every post) or sends it back to its author's
drafts with a note (`return_submission`). Each step writes its audit entry in the same
transaction. The desk's views tell the desk's socket once it is saved
(liveblog.delivery.desk_channel.tell_review_changed).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liveblog.domain.audit import record_change
from liveblog.domain.posts import check_photos_publishable, publish_post
from liveblog.domain.roles import NotAllowed, can_review_in, can_write_in
from liveblog.models import LiveSession, Post

Status = Post.Status
NOTE_LIMIT = Post._meta.get_field("review_note").max_length


def submit_for_review(*, post: Post, by) -> None:
    """Put the author's draft in the live's review queue."""
    if post.author_id != by.pk or not can_write_in(by, post.session):
        raise NotAllowed(_("Only its author sends a post for review."), code="not_author")
    with transaction.atomic():
        post = locked(post)
        if post.status != Status.DRAFT:
            raise NotAllowed(
                _("Only a draft can be sent for review: this post is no longer one."),
                code="not_draft",
            )
        # The editor who opens it must be able to publish it as it is.
        check_photos_publishable(post)
        post.status, post.submitted_at, post.review_note = Status.SUBMITTED, timezone.now(), ""
        post.save(update_fields=["status", "submitted_at", "review_note", "updated_at"])
        record_change("post.submitted", by=by, post=post)


def publish_submission(*, post: Post, by) -> None:
    """Publish a post of the queue, as it is now (an editor may have edited it first)."""
    with transaction.atomic():
        post = locked(post)
        check_may_review(by, post.session)
        check_still_waiting(post)
        author = post.author.get_full_name() or post.author.get_username()
        submitted_at = post.submitted_at
        post.review_note = ""
        post.save(update_fields=["review_note", "updated_at"])
        publish_post(post=post, by=by)
        record_change(
            "post.review_published",
            by=by,
            post=post,
            detail={"author": author, "submitted_at": submitted_at and submitted_at.isoformat()},
        )


def return_submission(*, post: Post, by, note: str) -> None:
    """Send a post of the queue back to its author's drafts with a note saying why."""
    note = " ".join(note.split())
    if not note:
        raise ValidationError(
            _("Write a note for the contributor: what to change before sending it again."),
            code="note_required",
        )
    if len(note) > NOTE_LIMIT:
        raise ValidationError(
            _("A note holds at most %(limit)d characters (this one has %(count)d).")
            % {"limit": NOTE_LIMIT, "count": len(note)},
            code="note_too_long",
        )
    with transaction.atomic():
        post = locked(post)
        check_may_review(by, post.session)
        check_still_waiting(post)
        post.status, post.submitted_at, post.review_note = Status.DRAFT, None, note
        post.save(update_fields=["status", "submitted_at", "review_note", "updated_at"])
        record_change("post.review_returned", by=by, post=post, detail={"note": note})


def review_queue(session: LiveSession):
    """What waits for review in this live, the oldest first, with its author."""
    return session.posts.submitted().select_related("author", "rubric", "session")


def check_may_review(by, session: LiveSession) -> None:
    if not can_review_in(by, session):
        raise NotAllowed(
            _(
                "Only editors, and this live's journalists when it allows them, review "
                "contributors' posts."
            ),
            code="not_reviewer",
        )


def check_still_waiting(post: Post) -> None:
    if post.status != Status.SUBMITTED:
        raise NotAllowed(
            _("This post is no longer waiting for review: someone dealt with it already."),
            code="not_waiting",
        )


def locked(post: Post) -> Post:
    """The post brought up to date and locked until the transaction ends: two editors
    acting on the same submission at once, one wins and the other is told."""
    Post.objects.select_for_update().filter(pk=post.pk).values_list("pk").get()
    post.refresh_from_db()
    # Who may review is the live's setting as it is now, not as the caller last read it.
    post.session = LiveSession.objects.get(pk=post.session_id)
    return post


def set_journalists_review(*, live: LiveSession, allowed: bool, by) -> None:
    """Let the live's journalists review contributors' posts too (editors always do)."""
    if live.journalists_review == allowed:
        return
    with transaction.atomic():
        live.journalists_review = allowed
        live.save(update_fields=["journalists_review", "updated_at"])
        record_change(
            "session.journalists_review", by=by, session=live, detail={"allowed": allowed}
        )

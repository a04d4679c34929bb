"""Every change of a post's state: publish, schedule, back to draft, record an edit, delete,
restore, pin, key event.

Each one writes the change (only the fields it changes), the event readers receive and
the audit entry in one transaction. The desk, the admin, the scheduler and the demo all
call these functions; nothing else changes a post's status, flags or version.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from liveblog.domain.audit import record_change
from liveblog.domain.events import record_event
from liveblog.domain.roles import check_may_publish
from liveblog.models import Block, Event, Post

Status = Post.Status

# Every change here runs in its caller's transaction when there is one (the desk's save, the
# scheduler), without a savepoint of its own (two round trips each): an error in one fails
# the whole change, which is what each caller wants.


def check_photos_publishable(post: Post) -> None:
    """Every photo going out needs its credit (owed to its author) and alt text (owed to
    readers who cannot see it): a ValidationError names each photo that lacks one."""
    if post.pk is None:
        return
    held = post.held_blocks()
    if held is not None and not any(block.photo_id for block in held):
        return  # The blocks just written are in hand, and none shows a photo.
    problems = []
    for block in post.blocks.filter(kind=Block.Kind.PHOTO).select_related("photo"):
        photo, params = block.photo, {"photo": Truncator(str(block.photo)).chars(60)}
        if not photo.alt_text.strip() and not photo.credit_id:
            message = _("The photo “%(photo)s” needs alt text and a credit to be published.")
        elif not photo.alt_text.strip():
            message = _("The photo “%(photo)s” needs alt text to be published.")
        elif not photo.credit_id:
            message = _("The photo “%(photo)s” needs a credit to be published.")
        else:
            continue
        problems.append(ValidationError(message, code="photo_incomplete", params=params))
    if problems:
        raise ValidationError(problems)


def publish_post(*, post: Post, by, at: datetime | None = None, new: bool = False) -> None:
    """Put the post in front of readers, now or at the (editor-chosen) time `at`.

    `new`: the post was created in this same transaction already published at its time
    (liveblog.domain.writing inserts it so): its row is not written again, and it has no
    earlier event to erase. A refusal (photos) still undoes it with the transaction."""
    check_may_publish(by)
    check_photos_publishable(post)
    with transaction.atomic(savepoint=False):
        if new:
            if not post.is_published or post.published_at is None:
                raise ValueError("a new post is published by inserting it published")
        else:
            post.status = Status.PUBLISHED
            post.published_at = at or post.published_at or timezone.now()
            post.save(update_fields=["status", "published_at", "updated_at"])
        record_event(post.session, Event.Kind.POST_PUBLISHED, post=post, first=new)
        record_change(
            "post.published",
            by=by,
            post=post,
            detail={"published_at": post.published_at.isoformat()},
        )


def schedule_post(*, post: Post, at: datetime, by) -> None:
    """Hold the post back until `at`, when the scheduler publishes it."""
    check_may_publish(by)
    check_photos_publishable(post)
    with transaction.atomic(savepoint=False):
        post.status, post.published_at = Status.SCHEDULED, at
        post.save(update_fields=["status", "published_at", "updated_at"])
        record_change("post.scheduled", by=by, post=post, detail={"at": at.isoformat()})


def send_back_to_draft(*, post: Post, by, reason: str = "") -> None:
    """Back to its author's drafts, without a time: unscheduled, or taken off the live page
    (readers' pages drop it). `reason` says why when nobody pressed a button (the scheduler)."""
    with transaction.atomic(savepoint=False):
        was = _withdraw(post, status=Status.DRAFT, published_at=None)
        action = "post.unscheduled" if was == Status.SCHEDULED else "post.sent_back_to_draft"
        record_change(action, by=by, post=post, detail={"reason": reason} if reason else None)


def _withdraw(post: Post, **fields) -> str:
    """Write `fields`, a status other than published among them: a post that was out leaves
    readers' pages (sending back to draft, deleting). Returns the status it had."""
    was = post.status
    for name, value in fields.items():
        setattr(post, name, value)
    post.save(update_fields=[*fields, "updated_at"])
    if was == Status.PUBLISHED:
        record_event(post.session, Event.Kind.POST_DELETED, post=post)
    return was


def record_edit(
    *,
    post: Post,
    by,
    published_at: datetime | None = None,
    content_changed: bool = True,
    changed: list[str] | tuple[str, ...] = (),
    correction: str = "",
) -> None:
    """Call once the post's new content is saved: bumps its version and, if it is out, tells
    readers (with its new displayed time `published_at`, editors' backdating).

    Only a change of content (`content_changed`; `changed` names what changed) stamps
    "Updated at" for readers: a new displayed time or a save with nothing changed moves no
    stamp. `correction` is the editor's note to readers, written in the audit log when new."""
    with transaction.atomic(savepoint=False):
        fields = ["version", "updated_at"]
        detail: dict = {}
        if changed:
            detail["changed"] = list(changed)
        post.version = F("version") + 1
        if post.is_published:
            if content_changed:
                post.edited_at = timezone.now()
                fields.append("edited_at")
            if published_at and published_at != post.published_at:
                detail["displayed_at"] = {
                    "from": post.published_at.isoformat(),
                    "to": published_at.isoformat(),
                }
                post.published_at = published_at
                fields.append("published_at")
        if correction:
            detail["correction"] = correction
        post.save(update_fields=fields)
        post.refresh_from_db(fields=["version"])
        if post.is_published:
            record_event(post.session, Event.Kind.POST_UPDATED, post=post)
        detail |= {"version": post.version, "status": post.status}
        if not content_changed:
            detail["content_changed"] = False
        record_change("post.edited", by=by, post=post, detail=detail)


def delete_post(*, post: Post, by) -> None:
    """Take the post out of every public place; an editor can bring it back as it was."""
    if post.status == Status.DELETED:
        return
    with transaction.atomic(savepoint=False):
        was = _withdraw(post, status=Status.DELETED, status_before_delete=post.status)
        record_change(
            "post.deleted", by=by, post=post, detail={"was_published": was == Status.PUBLISHED}
        )


def restore_post(*, post: Post, by) -> list[str]:
    """Undo a delete: the post returns to the state it had, a published post at its time, a
    scheduled one held for its time. One that no longer passes the photo checks comes back
    as a draft instead: the answer says why (empty when it went back as it was)."""
    if post.status != Status.DELETED:
        return []
    status = post.status_before_delete or Status.DRAFT
    refused = []
    if status in (Status.PUBLISHED, Status.SCHEDULED):
        try:
            check_photos_publishable(post)
        except ValidationError as error:
            refused = error.messages
            status = Status.DRAFT
    with transaction.atomic(savepoint=False):
        post.status, post.status_before_delete = status, ""
        fields = ["status", "status_before_delete", "updated_at"]
        if status == Status.DRAFT:
            post.published_at = None
            fields.append("published_at")
        post.save(update_fields=fields)
        if status == Status.PUBLISHED:
            record_event(post.session, Event.Kind.POST_PUBLISHED, post=post)
        detail = {"status": status, **({"refused": refused} if refused else {})}
        record_change("post.restored", by=by, post=post, detail=detail)
    return refused


def set_pinned(*, post: Post, pinned: bool, by) -> None:
    """Pin the post above the others (or unpin it)."""
    _set_flag(post, "pinned", pinned, by)


def set_key_event(*, post: Post, key_event: bool, by) -> None:
    """Mark the post as one of the live's key events (or no longer)."""
    _set_flag(post, "key_event", key_event, by)


def _set_flag(post: Post, name: str, value: bool, by) -> None:
    with transaction.atomic(savepoint=False):
        setattr(post, name, value)
        post.save(update_fields=[name, "updated_at"])
        if post.is_published:
            record_event(post.session, Event.Kind.POST_UPDATED, post=post)
        record_change(f"post.{name}", by=by, post=post, detail={name: value})

"""Writing a post: its content replaced in one transaction, then published, scheduled or
kept as a draft, and kept as a revision.

Two people editing the same post are never silently overwritten: each save carries
the version its editor started from, and a conditional update refuses a stale one.

A sending tried again (the server crashed after saving, the answer was lost, a double
click) makes one post: a new post carries the composer's `submission_key`, and the same key
from the same person in the same live returns the post already made.
"""

from datetime import datetime, timedelta
from typing import Literal, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from liveblog.domain.audit import entries_written_together, record_change
from liveblog.domain.photos import describe_photo
from liveblog.domain.posts import publish_post, record_edit, schedule_post, send_back_to_draft
from liveblog.domain.review import publish_submission, submit_for_review
from liveblog.domain.revisions import (
    block_values,
    number_of,
    original_of,
    replace_blocks,
    snapshot,
)
from liveblog.domain.roles import (
    NotAllowed,
    can_set_displayed_time,
    check_may_publish,
    is_contributor,
    is_editor,
)
from liveblog.models import Block, Draft, LiveSession, Photo, Poll, Post, Rubric

# "submit": a contributor's draft sent to the live's review queue (liveblog.domain.review).
Action = Literal["publish", "schedule", "draft", "submit"]


class BlockContent(TypedDict, total=False):
    """One block as the journalist arranged it; a photo block also describes its photo."""

    kind: str
    text: str
    attribution: str
    url: str
    link_kind: str
    link_title: str
    photo: Photo | None
    caption: str
    alt_text: str
    credit: str
    poll: Poll | None


class EditConflict(Exception):
    """Someone saved the post since this editor opened it."""

    def __init__(self, current: Post):
        super().__init__(f"post {current.pk} is at version {current.version}")
        self.current = current


def save_post(
    *,
    session: LiveSession,
    by,
    post: Post | None = None,
    title: str,
    rubric: str,
    blocks: list[BlockContent],
    action: Action | str,
    scheduled_for: datetime | None = None,
    displayed_at: datetime | None = None,
    expected_version: int | None = None,
    correction: str | None = None,
    submission_key: str = "",
) -> Post:
    """Create (`post=None`) or rewrite a post, then act on the button pressed: publish (at
    `displayed_at`, editors' backdating, or now), schedule for `scheduled_for`, or hold it
    back as a draft. Rewriting needs the `expected_version` the editor started from.

    `correction` is an editor's note shown to readers ("Correction: …"); None leaves the
    post's note as it is (the field was not offered). Only a change of what readers read
    (title, rubric, blocks, correction) marks the post "Updated"; a new displayed time
    (backdating) or a save with nothing changed does not.

    A new post's `submission_key` (empty: none) makes a retried sending return the post
    its first try made instead of a copy; edits ignore it.

    A journalist's `displayed_at` must keep to the live's rule (`check_displayed_time`):
    a ValidationError, before anything is written.

    The writer's autosaved draft of this post (of their new post) is discarded in the same
    transaction: saved, it is no longer a draft to bring back."""
    check_displayed_time(session=session, by=by, displayed_at=displayed_at, post=post)
    key = submission_key if post is None else ""
    # No look for an earlier try first: the key is unique, so a retry's INSERT fails and
    # rolls back, and only then is the first try's post read (one query less per publish).
    try:
        return write_post(
            session=session,
            by=by,
            post=post,
            title=title,
            rubric=rubric,
            blocks=blocks,
            action=action,
            scheduled_for=scheduled_for,
            displayed_at=displayed_at,
            expected_version=expected_version,
            correction=correction,
            submission_key=key,
        )
    except IntegrityError:
        # The same sending again (a retry, a double click): the first one made the post.
        if key and (sent := sent_before(key, by=by, session=session)):
            Draft.discard(by, session, None)
            return sent
        raise


def check_displayed_time(
    *,
    session: LiveSession,
    by,
    displayed_at: datetime | None,
    post: Post | None = None,
    now: datetime | None = None,
) -> None:
    """Editors set any displayed time. A journalist may set one only if the live's editors
    allow it (`journalist_backdate_minutes`), at most that many minutes back and never
    ahead (a later time is scheduling). Leaving a post's time as it was is no change."""
    if displayed_at is None or is_editor(by):
        return
    if post is not None and post.published_at and minute(post.published_at) == minute(displayed_at):
        return  # the time it has, as the field shows it (to the minute)
    limit = session.journalist_backdate_minutes
    if not can_set_displayed_time(by, session):
        raise ValidationError(
            _("In this live, only editors set the displayed time."), code="displayed_time"
        )
    # The field is to the minute: the minute under way counts whole.
    now = minute(now or timezone.now())
    if displayed_at >= now + timedelta(minutes=1):
        raise ValidationError(
            _("The displayed time cannot be ahead of now: schedule the post instead."),
            code="displayed_time",
        )
    if displayed_at < now - timedelta(minutes=limit):
        message = ngettext(
            "In this live, journalists may set the displayed time at most %(minutes)d minute back.",
            "In this live, journalists may set the displayed time at most %(minutes)d "
            "minutes back.",
            limit,
        )
        raise ValidationError(message, code="displayed_time", params={"minutes": limit})


def minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def sent_before(key: str, *, by, session: LiveSession) -> Post | None:
    """The post an earlier try of this very sending created, if one did."""
    return Post.objects.filter(submission_key=key, author=by, session=session).first()


def write_post(
    *,
    session: LiveSession,
    by,
    post: Post | None,
    title: str,
    rubric: str,
    blocks: list[BlockContent],
    action: Action | str,
    scheduled_for: datetime | None,
    displayed_at: datetime | None,
    expected_version: int | None,
    correction: str | None,
    submission_key: str,
) -> Post:
    is_new = post is None
    if not is_new and is_contributor(by) and post.status != Post.Status.DRAFT:
        raise NotAllowed(
            _("This post is no longer a draft: only an editor can change it now."),
            code="contributor_edits",
        )
    if action in ("publish", "schedule"):
        check_may_publish(by)
    check_polls_kept(post, blocks)
    with transaction.atomic(), entries_written_together():
        named = Rubric.named(rubric) if rubric else None
        out_now = action == "publish"
        if is_new:
            # A post published at once is inserted published (one UPDATE less): publish_post
            # below, told it is `new`, then writes its event and audit entry. If anything
            # fails before, the transaction takes the INSERT back with the rest.
            post = Post.objects.create(
                session=session,
                author=by,
                title=title,
                rubric=named,
                submission_key=submission_key,
                status=Post.Status.PUBLISHED if out_now else Post.Status.DRAFT,
                published_at=(displayed_at or timezone.now()) if out_now else None,
            )
            record_change("post.created", by=by, post=post, detail={"action": action})
        else:
            # Built before the claim changes the post, saved only if the claim wins.
            original = original_of(post)
            before = content_of(post)
            content = {"title": title, "rubric": named}
            if correction is not None:
                content["correction"] = correction
            claim_for_edit(post, expected_version, **content)
            if original:
                original.save()
        for block in blocks:
            if block["kind"] == Block.Kind.PHOTO and block.get("photo"):
                describe_photo(
                    block["photo"],
                    by=by,
                    post=post,
                    caption=block.get("caption", ""),
                    alt_text=block.get("alt_text", ""),
                    credit=block.get("credit", ""),
                )
        written = replace_blocks(post, blocks, fresh=is_new)
        if is_new:
            # All its rendering needs is in hand (its author, rubric, blocks): its event and
            # the desk's line are drawn without reading it again.
            post.hold_blocks(written)
        else:
            changed = what_changed(before, content_of(post))
            record_edit(
                post=post,
                by=by,
                published_at=displayed_at,
                content_changed=bool(changed),
                changed=changed,
                correction=post.correction if "correction" in changed else "",
            )
        if is_new and out_now:
            publish_post(post=post, by=by, at=post.published_at, new=True)
        elif not post.is_published:
            if out_now and post.status == Post.Status.SUBMITTED:
                publish_submission(post=post, by=by)
            elif out_now:
                publish_post(post=post, by=by, at=displayed_at or timezone.now())
            elif action == "schedule":
                schedule_post(post=post, at=scheduled_for, by=by)
            elif action == "submit":
                submit_for_review(post=post, by=by)
            elif post.status == Post.Status.SCHEDULED:
                send_back_to_draft(post=post, by=by)
        snapshot(post, by=by, blocks=written)
        Draft.discard(by, session, None if is_new else post)
    return post


def check_polls_kept(post: Post | None, blocks: list[BlockContent]) -> None:
    """A poll stays in the post it was published in, once: readers' votes are counted there."""
    polls = [number_of(block["poll"]) for block in blocks if block.get("poll")]
    kept = set()
    if post is not None and polls:
        kept = set(post.blocks.filter(poll__isnull=False).values_list("poll_id", flat=True))
    if len(set(polls)) != len(polls) or not kept.issuperset(polls):
        raise ValidationError(
            _("A poll can appear only once, and only in the post it was published in.")
        )


def claim_for_edit(post: Post, expected_version: int | None, **content) -> None:
    """Write the new title and rubric only if nobody saved since `expected_version`."""
    claimed = Post.objects.filter(pk=post.pk, version=expected_version).update(
        **content, updated_at=timezone.now()
    )
    if not claimed:
        raise EditConflict(Post.objects.for_display().get(pk=post.pk))
    post.refresh_from_db()


def content_of(post: Post) -> dict:
    """What readers read of a post: a change here is an update; its displayed time is not."""
    return {
        "title": post.title,
        "rubric": post.rubric.name if post.rubric_id else "",
        "blocks": [
            block_values(block) | {"text": " ".join(block.text.split())}
            for block in post.blocks.order_by("position")
        ],
        "correction": post.correction,
    }


def what_changed(before: dict, after: dict) -> list[str]:
    """The names of what differs between two `content_of`; empty when the content is the same."""
    return [name for name in before if before[name] != after[name]]

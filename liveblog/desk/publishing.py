"""Saving the composer: a post's content replaced in one transaction, then published,
scheduled or kept as a draft, and kept as a revision.

Two people editing the same post are never silently overwritten: each save carries
the version its editor started from, and a conditional update refuses a stale one.
"""

from django.db import transaction
from django.utils import timezone

from liveblog.desk.attachments import describe_photo
from liveblog.desk.composer import Composer
from liveblog.domain.audit import record_change
from liveblog.domain.revisions import block_values, original_of, replace_blocks, snapshot
from liveblog.models import Block, LiveSession, Post, Rubric


class EditConflict(Exception):
    """Someone saved the post since this editor opened it."""

    def __init__(self, current: Post):
        super().__init__(f"post {current.pk} is at version {current.version}")
        self.current = current


def save_post(composer: Composer, *, by, session: LiveSession, post: Post | None = None) -> Post:
    """Create or rewrite a post from a valid composer, then act on the button pressed."""
    fields = composer.post_form.cleaned_data
    blocks = composer.blocks.filled_blocks()
    rubric_name = fields["rubric"]
    is_new = post is None
    with transaction.atomic():
        rubric = Rubric.named(rubric_name) if rubric_name else None
        if is_new:
            post = Post.objects.create(
                session=session, author=by, title=fields["title"], rubric=rubric
            )
            record_change("post.created", by=by, post=post, detail={"action": composer.action})
        else:
            # Built before the claim changes the post, saved only if the claim wins.
            original = original_of(post)
            before = content_of(post)
            content = {"title": fields["title"], "rubric": rubric}
            if "correction" in fields:
                content["correction"] = fields["correction"]
            claim_for_edit(post, composer.expected_version, **content)
            if original:
                original.save()
        for block in blocks:
            if block["kind"] == Block.Kind.PHOTO and block["photo"]:
                describe_photo(
                    block["photo"],
                    caption=block["caption"],
                    alt_text=block["alt_text"],
                    credit=block["credit"],
                )
        replace_blocks(post, blocks)
        changes = None if is_new else changes_between(before, content_of(post))
        apply_action(post, composer.action, by=by, fields=fields, changes=changes)
        snapshot(post, by=by)
    return post


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


def changes_between(before: dict, after: dict) -> dict:
    """{"changed": [names of what differs]}; empty when the content is the same."""
    changed = [name for name in before if before[name] != after[name]]
    return {"changed": changed} if changed else {}


def apply_action(post: Post, action: str, *, by, fields: dict, changes: dict | None) -> None:
    """After new content: tell readers of an edit, then publish, schedule or hold it back.

    `changes` is None for a new post, else what the edit changed ({} when only the
    displayed time moved or nothing did)."""
    displayed_at = fields.get("displayed_at")
    if changes is not None:
        detail = dict(changes)
        if displayed_at and post.is_published and displayed_at != post.published_at:
            detail["displayed_at"] = {
                "from": post.published_at.isoformat(),
                "to": displayed_at.isoformat(),
            }
            post.published_at = displayed_at
        if post.correction and "correction" in changes.get("changed", []):
            detail["correction"] = post.correction
        post.record_edit(by=by, content_changed=bool(changes), **detail)
    if post.is_published:
        return
    if action == "publish":
        post.publish(by=by, at=displayed_at or timezone.now())
    elif action == "schedule":
        post.schedule(fields["scheduled_for"], by=by)
    elif post.status == Post.Status.SCHEDULED:
        post.status, post.published_at = Post.Status.DRAFT, None
        post.save(update_fields=["status", "published_at", "updated_at"])
        record_change("post.unscheduled", by=by, post=post)

"""Saving the composer: a post's content replaced in one transaction, then published,
scheduled or kept as a draft, and kept as a revision.

Two people editing the same post are never silently overwritten: each save carries
the version its editor started from, and a conditional update refuses a stale one.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from liveblog.desk.attachments import credit_named
from liveblog.desk.composer import Composer
from liveblog.domain.audit import record_change
from liveblog.domain.photos import describe_photo, description_changes
from liveblog.domain.revisions import original_of, replace_blocks, snapshot
from liveblog.domain.roles import can_describe_photo
from liveblog.models import Block, LiveSession, Post, Rubric


class EditConflict(Exception):
    """Someone saved the post since this editor opened it."""

    def __init__(self, current: Post):
        super().__init__(f"post {current.pk} is at version {current.version}")
        self.current = current


def save_post(composer: Composer, *, by, session: LiveSession, post: Post | None = None) -> Post:
    """Create or rewrite a post from a valid composer, then act on the button pressed."""
    is_new = post is None
    key = composer.post_form.cleaned_data.get("submission_key", "") if is_new else ""
    if key and (sent := sent_before(key, by=by, session=session)):
        return sent
    try:
        return write_post(composer, by=by, session=session, post=post, key=key)
    except IntegrityError:
        # The same sending, twice at once (a double click): the other one made the post.
        if key and (sent := sent_before(key, by=by, session=session)):
            return sent
        raise


def sent_before(key: str, *, by, session: LiveSession) -> Post | None:
    """The post an earlier try of this very sending created, if one did."""
    return Post.objects.filter(submission_key=key, author=by, session=session).first()


def write_post(composer: Composer, *, by, session, post: Post | None, key: str) -> Post:
    fields = composer.post_form.cleaned_data
    blocks = composer.blocks.filled_blocks()
    rubric_name = fields["rubric"]
    is_new = post is None
    with transaction.atomic():
        rubric = Rubric.named(rubric_name) if rubric_name else None
        if is_new:
            post = Post.objects.create(
                session=session,
                author=by,
                title=fields["title"],
                rubric=rubric,
                submission_key=key,
            )
            record_change("post.created", by=by, post=post, detail={"action": composer.action})
        else:
            # Built before the claim changes the post, saved only if the claim wins.
            original = original_of(post)
            claim_for_edit(post, composer.expected_version, title=fields["title"], rubric=rubric)
            if original:
                original.save()
        describe_photos(blocks, by=by, post=post)
        replace_blocks(post, blocks)
        apply_action(post, composer.action, by=by, fields=fields, is_new=is_new)
        snapshot(post, by=by)
    return post


PHOTO_NOT_YOURS = _(
    "The photo “%(photo)s” also shows in posts you cannot edit: its caption, alt text and "
    "credit can only be changed there by an editor. Keep its description, or send the "
    "photo again to describe it your way."
)


def describe_photos(blocks: list[dict], *, by, post: Post) -> None:
    """The photos' descriptions as the composer shows them, where `by` may change them
    (ValidationError, and the whole save rolled back, where not)."""
    for block in blocks:
        photo = block.get("photo") if block["kind"] == Block.Kind.PHOTO else None
        if photo is None:
            continue
        description = {"caption": block["caption"], "alt_text": block["alt_text"]}
        credit = credit_named(block["credit"])
        if not description_changes(photo, credit=credit, **description):
            continue
        if not can_describe_photo(by, photo):
            name = Truncator(photo.caption or photo.image.name).chars(60)
            raise ValidationError(PHOTO_NOT_YOURS % {"photo": name}, code="photo_not_yours")
        describe_photo(photo, by=by, credit=credit, post=post, **description)


def claim_for_edit(post: Post, expected_version: int | None, **content) -> None:
    """Write the new title and rubric only if nobody saved since `expected_version`."""
    claimed = Post.objects.filter(pk=post.pk, version=expected_version).update(
        **content, updated_at=timezone.now()
    )
    if not claimed:
        raise EditConflict(Post.objects.for_display().get(pk=post.pk))
    post.refresh_from_db()


def apply_action(post: Post, action: str, *, by, fields: dict, is_new: bool) -> None:
    """After new content: tell readers of an edit, then publish, schedule or hold it back."""
    displayed_at = fields.get("displayed_at")
    if not is_new:
        if displayed_at and post.is_published:
            post.published_at = displayed_at
        post.record_edit(by=by)
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

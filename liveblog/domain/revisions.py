"""Every saved version of a post, kept whole: who saved it, when, and its content.

A post's content is its title, its rubric and its blocks; a revision stores them
as JSON so that restoring one is simply saving that content again as a new edit.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from liveblog.domain.audit import record_change
from liveblog.domain.posts import record_edit
from liveblog.models import Block, Photo, Poll, Post, Revision, Rubric

CONTENT_KEYS = ("kind", "text", "attribution", "url", "link_kind", "link_title", "photo", "poll")
# Blocks point at these by number (a revision keeps the number, not the record).
RECORD_KEYS = {"photo": Photo, "poll": Poll}


def block_values(block: Block) -> dict:
    values = {key: getattr(block, key) for key in CONTENT_KEYS if key not in RECORD_KEYS}
    return values | {"photo": block.photo_id, "poll": block.poll_id}


def number_of(value) -> int | None:
    return (value.pk if hasattr(value, "pk") else value) or None


def replace_blocks(post: Post, blocks: list[dict]) -> None:
    """The post's blocks become exactly these, in this order. Call inside a transaction."""
    post.blocks.all().delete()
    existing = {
        key: set(
            model.objects.filter(
                pk__in={number_of(b.get(key)) for b in blocks if b.get(key)}
            ).values_list("pk", flat=True)
        )
        for key, model in RECORD_KEYS.items()
    }
    position = 0
    for values in blocks:
        fields = {key: values.get(key) or "" for key in CONTENT_KEYS if key not in RECORD_KEYS}
        numbers = {f"{key}_id": number_of(values.get(key)) for key in RECORD_KEYS}
        kind = fields["kind"]
        if kind in RECORD_KEYS and numbers[f"{kind}_id"] not in existing[kind]:
            # An old revision's photo since removed from the library, or its poll block
            # written before revisions kept the poll's number.
            continue
        Block.objects.create(post=post, position=position, **numbers, **fields)
        position += 1


def snapshot(post: Post, *, by=None, save: bool = True) -> Revision:
    """Keep the post's current version as a revision (or only build it, with save=False)."""
    revision = Revision(
        post=post,
        version=post.version,
        author=by,
        title=post.title,
        rubric=post.rubric.name if post.rubric else "",
        blocks=[block_values(block) for block in post.blocks.order_by("position")],
    )
    if save:
        revision.save()
    return revision


def original_of(post: Post) -> Revision | None:
    """A post written elsewhere (admin, demo) has no revision of its current version: this
    builds it, for the caller to save once its edit is sure to go through."""
    if post.revisions.filter(version=post.version).exists():
        return None
    current = Post.objects.select_related("rubric", "author").get(pk=post.pk)
    return snapshot(current, by=current.author, save=False)


def restore_revision(revision: Revision, *, by=None) -> Post:
    """Bring back an older version's content; this is a new edit, kept as a new revision."""
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=revision.post_id)
        if original := original_of(post):
            original.save()
        post.title = revision.title
        post.rubric = Rubric.named(revision.rubric) if revision.rubric else None
        post.save(update_fields=["title", "rubric", "updated_at"])
        replace_blocks(post, revision.blocks)
        record_change(
            "post.revision_restored", by=by, post=post, detail={"version": revision.version}
        )
        record_edit(post=post, by=by)
        snapshot(post, by=by)
    return post


def history(post: Post) -> list[Revision]:
    """The post's revisions, newest first, each with `changes`: what differs from the one before."""
    revisions = list(post.revisions.select_related("author").order_by("-version"))
    # A post saved outside the desk (admin, import) may have no revision yet.
    olders = [*revisions[1:], None] if revisions else []
    for newer, older in zip(revisions, olders, strict=True):
        newer.changes = changes_between(older, newer)
    return revisions


def changes_between(older: Revision | None, newer: Revision) -> list[str]:
    if older is None:
        return []
    changed = [
        label
        for label, attr in (
            (_("title"), "title"),
            (_("rubric"), "rubric"),
            (_("content"), "blocks"),
        )
        if getattr(older, attr) != getattr(newer, attr)
    ]
    return [str(label) for label in changed] or [str(_("no change in content"))]

"""Saving the composer: the valid form translated into the plain values of
liveblog.domain.writing.save_post, which writes the post."""

from liveblog.desk.composer import Composer
from liveblog.domain.writing import BlockContent, EditConflict, save_post
from liveblog.models import LiveSession, Post

__all__ = ["EditConflict", "save_composer"]


def save_composer(
    composer: Composer, *, by, session: LiveSession, post: Post | None = None
) -> Post:
    """Create or rewrite a post from a valid composer, then act on the button pressed. A new
    post's composer carries its `submission_key`: a retry of the same sending returns the
    post the first try made."""
    fields = composer.post_form.cleaned_data
    return save_post(
        session=session,
        by=by,
        post=post,
        title=fields["title"],
        rubric=fields["rubric"],
        blocks=[block_content(block) for block in composer.blocks.filled_blocks()],
        action=composer.action,
        scheduled_for=fields.get("scheduled_for"),
        displayed_at=fields.get("displayed_at"),
        expected_version=composer.expected_version,
        submission_key=fields.get("submission_key", "") if post is None else "",
    )


def block_content(cleaned: dict) -> BlockContent:
    return {name: cleaned[name] for name in BlockContent.__annotations__ if name in cleaned}

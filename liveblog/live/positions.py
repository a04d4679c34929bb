"""Positions in a live's stream of posts: the `?before=` token of an older page (the time
readers see, in microseconds since 1970, and the post's id), written and read back."""

import re
from datetime import UTC, datetime, timedelta

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

from liveblog.models import Post

# Microseconds since 1970 (negative before it: a backdated archive) and the post's id. Any
# time Python can hold, from year 1 to 9999, fits in 18 digits.
BEFORE = re.compile(r"^(-?\d{1,18})-(\d{1,18})$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def before_token(post: Post) -> str:
    """The `?before=` key of the page after `post`: its time (µs since epoch) and id."""
    micros = (post.published_at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{post.pk}"


def parse_before(value: str | None) -> tuple[datetime, int] | None:
    if value is None:
        return None
    match = BEFORE.match(value)
    if not match:
        raise BadRequest(_("This link to older posts is malformed."))
    micros, post_id = (int(group) for group in match.groups())
    try:
        moment = EPOCH + timedelta(microseconds=micros)
    except OverflowError as error:
        raise BadRequest(_("This link to older posts is malformed.")) from error
    return moment, post_id


def is_linked_position(session_id: int, value: str) -> bool:
    """Whether `value` is a token the app itself links to: the position of a published post
    of this session. Anything else (1,500 random valid tokens) is served, never cached."""
    match = BEFORE.match(value)
    if not match:
        return False
    post = (
        Post.objects.published()
        .filter(pk=int(match.group(2)), session_id=session_id)
        .only("pk", "published_at")
        .first()
    )
    return post is not None and before_token(post) == value

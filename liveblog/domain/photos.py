"""A photo's description (caption, alt text, credit): one photo may show in many posts and
as a session's lead photo, so changing it is a change to every one of those places.

Who may change it is decided in liveblog.domain.roles (`can_describe_photo`); here the
change is written with its audit entry and an event for each place readers see it.
"""

from django.db import transaction

from liveblog.domain.audit import record_change
from liveblog.domain.events import record_event
from liveblog.models import Event, LiveSession, Photo, PhotoCredit, Post


def credit_label(credit: PhotoCredit | None) -> str:
    return credit.label if credit else ""


def description_changes(photo: Photo, *, caption: str, alt_text: str, credit) -> dict:
    """`{field: {"from": old, "to": new}}` for what differs (the credit by its label)."""
    changes = {}
    for name, old, new in (
        ("caption", photo.caption, caption),
        ("alt_text", photo.alt_text, alt_text),
        ("credit", credit_label(photo.credit), credit_label(credit)),
    ):
        if old != new:
            changes[name] = {"from": old, "to": new}
    return changes


def describe_photo(
    photo: Photo, *, by, caption: str, alt_text: str, credit: PhotoCredit | None, post: Post
) -> dict:
    """Give the photo this description, as written in `post`'s composer. Audited, and sent
    to readers of every other published post and session header showing the photo (`post`
    tells its own readers itself, when it is saved). Returns what changed."""
    changes = description_changes(photo, caption=caption, alt_text=alt_text, credit=credit)
    if not changes:
        return changes
    with transaction.atomic():
        photo.caption, photo.alt_text, photo.credit = caption, alt_text, credit
        photo.save(update_fields=["caption", "alt_text", "credit"])
        record_change("photo.described", by=by, post=post, detail={"photo": photo.pk, **changes})
        shown_in = Post.objects.published().filter(blocks__photo=photo).exclude(pk=post.pk)
        for other in shown_in.distinct().select_related("session"):
            record_event(other.session, Event.Kind.POST_UPDATED, post=other)
        for session in LiveSession.objects.filter(lead_photo=photo):
            record_event(session, Event.Kind.SESSION_UPDATED)
    return changes

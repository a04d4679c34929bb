"""Changes of a photo: its description (caption, alt text, credit) as the desk writes it (a
credit read from its label, “© Agency Photo/Name via Other”), readers told once its
renditions exist, and its deletion with its files.

One photo may show in many posts and as a session's lead photo, so changing its description
is a change to every one of those places. Who may change it is decided in
liveblog.domain.roles (`can_describe_photo`) and checked here; the change is written with
its audit entry and an event for each place readers see it.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from liveblog.content.text import plain
from liveblog.domain.audit import record_change
from liveblog.domain.events import record_event
from liveblog.domain.roles import can_describe_photo
from liveblog.models import Event, LiveSession, Photo, PhotoCredit, PhotoRendition, Post

log = logging.getLogger(__name__)

PHOTO_NOT_YOURS = _(
    "The photo “%(photo)s” also shows in posts you cannot edit: its caption, alt text and "
    "credit can only be changed there by an editor. Keep its description, or send the "
    "photo again to describe it your way."
)


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
    photo: Photo, *, by, caption: str, alt_text: str, credit: str, post: Post
) -> dict:
    """Give the photo this description (the credit by its label), as written in `post`'s
    composer, if `by` may (`can_describe_photo`; a ValidationError `photo_not_yours` where
    not). Audited, and sent to readers of every other published post and session header
    showing the photo (`post` tells its own readers itself, when it is saved). Returns what
    changed."""
    named = credit_named(credit)
    changes = description_changes(photo, caption=caption, alt_text=alt_text, credit=named)
    if not changes:
        return changes
    if not can_describe_photo(by, photo):
        name = Truncator(photo.caption or photo.image.name).chars(60)
        raise ValidationError(PHOTO_NOT_YOURS % {"photo": name}, code="photo_not_yours")
    with transaction.atomic():
        photo.caption, photo.alt_text, photo.credit = caption, alt_text, named
        photo.save(update_fields=["caption", "alt_text", "credit"])
        record_change("photo.described", by=by, post=post, detail={"photo": photo.pk, **changes})
        shown_in = Post.objects.published().filter(blocks__photo=photo).exclude(pk=post.pk)
        for other in shown_in.distinct().select_related("session"):
            record_event(other.session, Event.Kind.POST_UPDATED, post=other)
        for session in LiveSession.objects.filter(lead_photo=photo):
            record_event(session, Event.Kind.SESSION_UPDATED)
    return changes


def credit_named(label: str) -> PhotoCredit | None:
    """The credit picked in the type-ahead (“© Agency Photo/Name”), or a new one read from it."""
    label = plain(label).removeprefix("©").strip()
    if not label:
        return None
    for credit in PhotoCredit.objects.all():
        if credit.label.removeprefix("© ") == label:
            return credit
    who, _sep, via = label.partition(" via ")
    agency, _sep, photographer = who.rpartition(" Photo/")
    fields = {"agency": agency[:120], "photographer": (photographer or who)[:120]}
    if not agency:
        fields = {"agency": "", "photographer": who[:120]}
    try:
        with transaction.atomic():
            return PhotoCredit.objects.get_or_create(**fields, via=via[:120])[0]
    except IntegrityError:
        return PhotoCredit.objects.get(**fields, via=via[:120])


def announce_renditions(photo: Photo) -> None:
    """Readers who got a post (or the header) before its photo's renditions existed were sent
    the original; they get it again, lighter. Edits and times are untouched."""
    posts = Post.objects.published().filter(blocks__photo=photo).distinct()
    for post in posts.select_related("session"):
        with transaction.atomic():
            record_event(post.session, Event.Kind.POST_UPDATED, post=post)
    for session in LiveSession.objects.filter(lead_photo=photo):
        with transaction.atomic():
            record_event(session, Event.Kind.SESSION_UPDATED)


def delete_photo(*, photo: Photo, by) -> None:
    """Remove the photo from the library, audited; a live it led is shown without it. Its
    original and its renditions leave the media storage once the deletion commits: a
    deletion rolled back keeps them. A photo a post shows is protected (ProtectedError)."""
    files = photo_files(photo)
    with transaction.atomic():
        led = list(LiveSession.objects.filter(lead_photo=photo).values_list("pk", flat=True))
        detail = {"photo": photo.pk, "object": str(photo)[:200], "file": photo.image.name}
        record_change("photo.deleted", by=by, detail=detail)
        photo.delete()
        for session in LiveSession.objects.filter(pk__in=led):
            record_event(session, Event.Kind.SESSION_UPDATED)
        transaction.on_commit(lambda: remove_files(files))


def photo_files(photo: Photo) -> list:
    """(storage, name) of the photo's original and of each of its renditions."""
    files = [(photo.image.storage, photo.image.name)]
    return files + [(made.file.storage, made.file.name) for made in photo.renditions.all()]


def remove_files(files: list) -> None:
    """Each (storage, name) removed, unless a record still names it (an archive import
    points photos at files by name, so two records may name one); one that cannot be
    removed is logged, not raised: the deletion is committed already."""
    for storage, name in files:
        if not name or Photo.objects.filter(image=name).exists():
            continue
        if PhotoRendition.objects.filter(file=name).exists():
            continue
        try:
            storage.delete(name)
        except Exception:  # whatever the storage (disk, S3) raises
            log.exception("file %s of a deleted photo not removed", name)

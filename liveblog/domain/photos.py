"""Changes of a photo: its description and credit as the desk writes them (a credit read
from its label, “© Agency Photo/Name via Other”), and readers told once its renditions exist."""

from django.db import IntegrityError, transaction

from liveblog.content.text import plain
from liveblog.domain.events import record_event
from liveblog.models import Event, LiveSession, Photo, PhotoCredit, Post


def describe_photo(photo: Photo, *, caption: str, alt_text: str, credit: str) -> None:
    """Bring a stored photo's caption, alt text and credit in line with the composer."""
    photo.caption, photo.alt_text = caption, alt_text
    photo.credit = credit_named(credit)
    photo.save(update_fields=["caption", "alt_text", "credit"])


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

"""Cards for embeds and related links: read from the URL's site once, kept, shown by us.

The desk asks for a card when a journalist adds or saves a block with a URL
(liveblog.desk.attachments); a card that could not be read is kept as failed, so
the block stays a plain link card and publishing goes on. A failed card is tried
again on a later save once RETRY_AFTER has passed, or at once when the journalist
asks for the preview again.
"""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from liveblog.content.cards import read_card
from liveblog.content.fetching import FetchRefused, fetch
from liveblog.models import LinkCard
from liveblog.photos.thumbnails import thumbnail_file

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=10)
# A provider's thumbnail is 20 to 200 KB; a card's image is never worth more than this.
MAX_IMAGE_BYTES = 2 * 1024 * 1024


def card_for(url: str, *, refresh: bool = False) -> tuple[LinkCard, bool]:
    """The card of `url` and whether it was read just now (fetching it if needed)."""
    card = LinkCard.objects.filter(url=url).first()
    stale = card is None or (not card.is_read and timezone.now() - card.fetched_at > RETRY_AFTER)
    if not (refresh or stale):
        return card, False
    return store_card(url), True


def store_card(url: str) -> LinkCard:
    """Fetch `url`'s card now and keep what came back, or that it failed and why."""
    card = LinkCard.objects.filter(url=url).first() or LinkCard(url=url)
    try:
        data = read_card(url)
    except FetchRefused as refusal:
        log.info("no card for %s: %s", url, refusal)
        card.status, card.failure = LinkCard.Status.FAILED, str(refusal)[:200]
        return saved(card)
    card.status, card.failure = LinkCard.Status.OK, ""
    for name in ("provider", "site_name", "title", "text", "author", "author_url", "published_at"):
        setattr(card, name, getattr(data, name))
    old_image = card.image.name if card.image else ""
    card.image = thumbnail(data.image_url) if data.image_url else ""
    card = saved(card)
    if old_image and old_image != (card.image.name if card.image else ""):
        card.image.storage.delete(old_image)
    return card


def saved(card: LinkCard) -> LinkCard:
    card.fetched_at = timezone.now()
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError:
        # Another save read the same new URL at the same moment: theirs is as good.
        theirs = LinkCard.objects.filter(url=card.url).first()
        if theirs is None:
            raise
        return theirs
    return card


def thumbnail(image_url: str):
    """Our copy of the card's image, or "": a card without its image is still a card."""
    try:
        fetched = fetch(image_url, accept=("image/",), max_bytes=MAX_IMAGE_BYTES)
        return thumbnail_file(fetched.body)
    except (FetchRefused, ValidationError) as problem:
        log.info("card image %s left out: %s", image_url, problem)
        return ""

"""Cards for embeds and related links: read from the URL's site once, kept, shown by us.

The desk asks for a card when a journalist adds or saves a block with a URL
(liveblog.desk.attachments), and never reads it in the request: the worker does
(`read_link_card`, a task kept in the database, so one asked for before a restart is read
after it), tried again a few times on failure, one worker at a time per URL. Meanwhile
the desk says the card is being read and readers see a plain link; once read, the posts
showing it take it (liveblog.domain.cards). A card that could not be read is kept as
failed, so the block stays a plain link filled in by hand; it is asked for again on a
later save once RETRY_AFTER has passed, or at once when the journalist asks.
"""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from liveblog.content.cards import read_card
from liveblog.content.fetching import FetchRefused, fetch
from liveblog.domain.cards import show_read_card
from liveblog.models import LinkCard
from liveblog.photos.thumbnails import thumbnail_file

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(minutes=10)
# A provider's thumbnail is 20 to 200 KB; a card's image is never worth more than this.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
# A read takes seconds (LIVEBLOG_CARDS_TIMEOUT per request): a claim older than this is a
# worker that stopped mid-read, and a request older than this a job that never ran.
CLAIM_LEASE = timedelta(minutes=2)
# A failed read is tried again this many times in all, waiting longer each time.
ATTEMPTS = 3
ATTEMPT_DELAY = timedelta(seconds=30)


def ask_for_card(url: str, *, again: bool = False) -> LinkCard:
    """The card of `url` as it stands now, asked of the worker when there is none yet, when
    a failed one is stale, or `again`. Never reads the site here; asks once at a time."""
    now = timezone.now()
    card, created = pending_card(url, now)
    if created:
        read_after_commit(url)
        card.refresh_from_db()  # read already where jobs run at once (tests, development)
        return card
    stale = card.status == LinkCard.Status.FAILED and (
        card.fetched_at is None or now - card.fetched_at > RETRY_AFTER
    )
    if again or stale:
        not_asked = Q(requested_at__isnull=True) | Q(requested_at__lt=now - CLAIM_LEASE)
        if LinkCard.objects.filter(not_asked, pk=card.pk).update(requested_at=now):
            read_after_commit(url)
        card.refresh_from_db()
    return card


def pending_card(url: str, now) -> tuple[LinkCard, bool]:
    card = LinkCard.objects.filter(url=url).first()
    if card is not None:
        return card, False
    try:
        with transaction.atomic():
            return LinkCard.objects.create(
                url=url, status=LinkCard.Status.PENDING, requested_at=now
            ), True
    except IntegrityError:
        # Another request asked for the same new URL at the same moment: theirs is asked.
        return LinkCard.objects.get(url=url), False


def read_after_commit(url: str) -> None:
    transaction.on_commit(lambda: read_link_card.enqueue(url))


@task
def read_link_card(url: str, attempt: int = 1) -> str:
    """The background job: reads `url`'s card unless it was read since it was asked for or
    another worker is reading it, then shows it in the posts. Returns the card's status."""
    now = timezone.now()
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE)
    asked = LinkCard.objects.filter(free, url=url, requested_at__isnull=False)
    if not asked.update(claimed_at=now):
        return "not asked"  # read already, or being read by another worker
    card = LinkCard.objects.get(url=url)
    was_read = card.is_read
    final = not retried_later(attempt)
    try:
        card = store_card(url, final=final, attempt=attempt)
    except Exception:
        log.exception("card of %s not read (attempt %s)", url, attempt)
        unread = {"claimed_at": None}
        if final:
            unread |= {"status": LinkCard.Status.FAILED, "requested_at": None}
            unread |= {"failure": "unexpected error", "fetched_at": timezone.now()}
        LinkCard.objects.filter(url=url).update(**unread)
        if not final:
            read_again_later(url, attempt)
        raise
    if card.is_being_read:
        return "retrying"
    if card.is_read:
        show_read_card(card=card, first_read=not was_read)
    return card.status


def retried_later(attempt: int) -> bool:
    """Whether a failure now would be tried again: not on the last attempt, nor where jobs
    cannot wait (the immediate backend of tests and development)."""
    return attempt < ATTEMPTS and read_link_card.get_backend().supports_defer


def read_again_later(url: str, attempt: int) -> None:
    later = timezone.now() + ATTEMPT_DELAY * attempt
    read_link_card.using(run_after=later).enqueue(url, attempt + 1)


def store_card(url: str, *, final: bool = True, attempt: int = 1) -> LinkCard:
    """Read `url`'s card now and keep what came back, or that it failed and why (the
    worker's job; tests and commands call it directly). A failure that is not `final`
    leaves the card asked for, to be read again by a later attempt."""
    card = LinkCard.objects.filter(url=url).first() or LinkCard(url=url)
    try:
        data = read_card(url)
    except FetchRefused as refusal:
        log.info("no card for %s: %s", url, refusal)
        card.failure = str(refusal)[:200]
        if not final:
            card.claimed_at = None
            card.save()
            read_again_later(url, attempt)
            return card
        card.status = LinkCard.Status.FAILED
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
    card.requested_at = card.claimed_at = None
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

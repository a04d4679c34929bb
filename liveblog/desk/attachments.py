"""Photos sent from the composer: stored as soon as they arrive, credited, described.
Cards of the embeds and links in it: asked of the worker when the composer is sent.

Kept in one place because uploads will grow (renditions, EXIF, drag and drop).
"""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from liveblog.content.social import describe_embed
from liveblog.content.text import plain
from liveblog.desk.cards import ask_for_card
from liveblog.desk.composer import MAX_BLOCKS
from liveblog.domain.cards import card_fills, is_unfilled, waiting_title
from liveblog.domain.photos import credit_named
from liveblog.models import LinkCard, Photo, PhotoCredit
from liveblog.photos.imaging import (
    accept_upload,
    decoding,
    store_photo,
    suggested_credit,
    suggested_fields,
)

UPLOAD_KEY = re.compile(r"^blocks-(\d+)-image$")
# Each photo is decoded in turn; more than this in one sending is not a journalist's
# post but a load on the server (the rest are refused, with the blocks kept).
MAX_UPLOADS_PER_REQUEST = 10
TOO_MANY_UPLOADS = _(
    "At most %(limit)s photos can be sent at once: send this one again after publishing."
)


def upload_order(key: str) -> int:
    match = UPLOAD_KEY.match(key)
    return int(match.group(1)) if match else -1


def keep_uploaded_photos(data, files, user) -> dict[int, str]:
    """Store each acceptable photo in the request and point its block at it (in `data`, a
    mutable copy of the form post), so an error elsewhere in the composer never loses an
    upload. Returns, per block number, why an upload was refused."""
    refused = {}
    taken = 0
    for key in sorted(files, key=upload_order):
        match = UPLOAD_KEY.match(key)
        if not match:
            continue
        index = int(match.group(1))
        prefix = f"blocks-{index}-"
        if taken >= MAX_UPLOADS_PER_REQUEST:
            refused[index] = str(TOO_MANY_UPLOADS % {"limit": MAX_UPLOADS_PER_REQUEST})
            continue
        taken += 1
        try:
            with decoding(files[key]):
                photo = keep_one(files[key], data, prefix, user)
        except ValidationError as error:
            refused[index] = " ".join(error.messages)
            continue
        finally:
            files[key].seek(0)
        data[prefix + "photo"] = str(photo.pk)
    return refused


def keep_one(file, data, prefix: str, user) -> Photo:
    accepted = accept_upload(file)
    prefill_from_metadata(data, prefix, suggested_fields(accepted.source))
    return store_photo(
        accepted,
        by=user,
        caption=plain(data.get(prefix + "caption", ""))[:500],
        alt_text=plain(data.get(prefix + "alt_text", ""))[:300],
        credit=credit_named(data.get(prefix + "credit", "")),
    )


def prefill_from_metadata(data, prefix: str, suggested: dict[str, str]) -> None:
    """Empty caption and credit fields take what the photo's IPTC/EXIF say; the block is
    then marked so the composer shows them to the journalist before anything goes out."""
    found = {"caption": suggested["caption"], "credit": suggested_credit(suggested)}
    filled = False
    for name, value in found.items():
        if value and not plain(data.get(prefix + name, "")):
            data[prefix + name] = value
            filled = True
    if filled:
        data[prefix + "prefilled"] = "1"


def credit_labels() -> list[str]:
    return [credit.label for credit in PhotoCredit.objects.all()]


CARD_KINDS = ("embed", "link")
CARD_URL = forms.URLField(max_length=500, assume_scheme="https")


def attach_cards(data, *, change: str = "") -> None:
    """Ask for the card of each embed and related link in the composer post (`data`, a
    mutable copy) whose URL has none yet, and fill the block's empty fields from a card
    already read, once per URL (`card_of` remembers which), for the journalist to check or
    correct. `change` is the composer's change: `card-<n>` asks for block n's card again.
    Nothing is read from another site here (liveblog.desk.cards): a related link sent
    while its card is being read takes its address as title, until the card gives one."""
    if not settings.LIVEBLOG_CARDS_FETCH:
        return
    for index in range(blocks_sent(data)):
        prefix = f"blocks-{index}-"
        kind = data.get(prefix + "kind")
        try:
            url = CARD_URL.clean(data.get(prefix + "url", "").strip())
        except ValidationError:
            continue
        if kind not in CARD_KINDS or not url:
            continue
        if kind == "embed" and not describe_embed(url).is_known:
            continue
        card = ask_for_card(url, again=change == f"card-{index}")
        if card.is_read and data.get(prefix + "card_of") != url:
            fill_from_card(data, prefix, kind, card)
            data[prefix + "card_of"] = url
        elif untitled_link_being_read(data, prefix, card) and not change:
            data[prefix + "link_title"] = waiting_title(url)


def untitled_link_being_read(data, prefix: str, card: LinkCard) -> bool:
    untitled = not data.get(prefix + "link_title", "").strip()
    return data.get(prefix + "kind") == "link" and card.is_being_read and untitled


def fill_from_card(data, prefix: str, kind: str, card: LinkCard) -> None:
    for name, value in card_fills(kind, card).items():
        if value and is_unfilled(name, data.get(prefix + name, ""), card.url):
            data[prefix + name] = value


def blocks_sent(data) -> int:
    total = data.get("blocks-TOTAL_FORMS", "")
    return min(int(total), MAX_BLOCKS) if total.isdigit() else 0

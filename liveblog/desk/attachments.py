"""Photos sent from the composer: stored as soon as they arrive, credited, described.

Kept in one place because uploads will grow (renditions, EXIF, drag and drop).
"""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from liveblog.desk.composer import plain
from liveblog.models import Photo, PhotoCredit
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


def credit_labels() -> list[str]:
    return [credit.label for credit in PhotoCredit.objects.all()]

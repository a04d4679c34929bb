"""Renditions: each photo resized once for readers' screens, WebP with a JPEG fallback.

They are made from the stored (already stripped) original, after the upload's
transaction commits, in a background thread: the journalist gets the desk back at
once and readers get the original until the renditions exist, then the posts
showing it again with their srcset.
"""

import io
import logging
from concurrent.futures import Future, ThreadPoolExecutor

from django.core.files.base import ContentFile
from django.db import close_old_connections, connection, transaction
from PIL import Image

from liveblog.domain.photos import announce_renditions
from liveblog.models import Photo, PhotoRendition
from liveblog.photos.imaging import DECODING, colour_profile, encode

log = logging.getLogger(__name__)

# From a phone (320 CSS px at 1x) to a wide desk screen at 2x; never wider than the original.
WIDTHS = (320, 640, 960, 1280, 1920)
# Renditions are made one photo at a time per process, in one background thread: a burst
# of uploads queues (as photo ids) instead of starting a thread and a decoding each.
RENDERER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="renditions")
# Behind uploads in the budget, a rendition can wait: readers have the original meanwhile.
RENDITION_WAIT_SECONDS = 600
FORMATS = {PhotoRendition.Format.WEBP: ("WEBP", 80), PhotoRendition.Format.JPEG: ("JPEG", 82)}


def rendition_widths(original_width: int) -> list[int]:
    """The widths to make: every standard width narrower than the photo, and the photo's own
    width when it is narrower than the widest, so the set always reaches its full size."""
    widths = [width for width in WIDTHS if width < original_width]
    if original_width <= WIDTHS[-1]:
        widths.append(original_width)
    return widths


def make_renditions(photo: Photo) -> list[PhotoRendition]:
    """Makes the photo's missing renditions (all of them the first time) and returns them all,
    within the process's decoding budget (liveblog.photos.imaging.DECODING)."""
    with DECODING.reserve(photo.width * photo.height, wait=RENDITION_WAIT_SECONDS):
        return _make_renditions(photo)


def _make_renditions(photo: Photo) -> list[PhotoRendition]:
    existing = {(r.format, r.width) for r in photo.renditions.all()}
    with photo.image.open("rb") as file, Image.open(file) as original:
        original.load()
        profile = colour_profile(original)
        image = original.convert("RGBA" if original.has_transparency_data else "RGB")
    made = []
    full_width, full_height = image.size
    # Widest first, each one resized from the one before: far less work than from the original.
    for width in sorted(rendition_widths(full_width), reverse=True):
        height = max(1, round(full_height * width / full_width))
        if (width, height) != image.size:
            image = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for fmt, (pillow_format, quality) in FORMATS.items():
            if (fmt, width) in existing:
                continue
            made.append(_rendition(photo, image, width, fmt, pillow_format, quality, profile))
    PhotoRendition.objects.bulk_create(made, ignore_conflicts=True)
    return list(photo.renditions.all())


def _rendition(photo, image, width, fmt, pillow_format, quality, profile) -> PhotoRendition:
    pixels = image.copy()
    if pillow_format == "JPEG" and image.mode == "RGBA":
        pixels = Image.new("RGB", image.size, "white")
        pixels.paste(image, mask=image.getchannel("A"))
    buffer = io.BytesIO()
    encode(pixels, buffer, pillow_format, icc_profile=profile, quality=quality)
    stem = photo.image.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    rendition = PhotoRendition(photo=photo, width=width, height=image.height, format=fmt)
    extension = "jpg" if fmt == PhotoRendition.Format.JPEG else "webp"
    rendition.file.save(f"{stem}-{width}.{extension}", ContentFile(buffer.getvalue()), save=False)
    return rendition


def make_renditions_after_commit(photo: Photo) -> None:
    """Once the photo's transaction commits, makes its renditions in a background thread."""
    photo_id = photo.pk
    transaction.on_commit(lambda: _start_thread(photo_id))


def _start_thread(photo_id: int) -> Future:
    return RENDERER.submit(_make_in_background, photo_id)


def _make_in_background(photo_id: int) -> None:
    close_old_connections()
    try:
        photo = Photo.objects.filter(pk=photo_id).first()
        if photo:
            make_renditions(photo)
            announce_renditions(photo)
    except Exception:
        # Readers still get the original; the `renditions` command can make them later.
        log.exception("renditions of photo %s not made", photo_id)
    finally:
        connection.close()

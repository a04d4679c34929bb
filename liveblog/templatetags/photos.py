"""What a `<picture>` needs from a photo's renditions, read once per figure."""

from django import template

from liveblog.models import PhotoRendition
from liveblog.photos.imaging import MAX_UPLOAD_BYTES

register = template.Library()

# The live page's column (--measure, 44rem) or the whole screen on a phone.
COLUMN_SIZES = "(max-width: 44rem) 100vw, 44rem"
# A width the column shows on most screens: the <img> fallback for browsers without srcset.
FALLBACK_WIDTH = 960


@register.simple_tag
def photo_sources(photo) -> dict:
    """{"webp": srcset, "jpeg": srcset, "src": fallback URL, "sizes"}; with no renditions yet (they are
    still being made), the srcsets are empty and the fallback is the original."""
    renditions = sorted(photo.renditions.all(), key=lambda r: r.width)
    by_format = {fmt: [r for r in renditions if r.format == fmt] for fmt in PhotoRendition.Format}
    jpegs = by_format[PhotoRendition.Format.JPEG]
    fallback = next((r for r in jpegs if r.width >= FALLBACK_WIDTH), jpegs[-1] if jpegs else None)
    return {
        "webp": srcset(by_format[PhotoRendition.Format.WEBP]),
        "jpeg": srcset(jpegs),
        "src": fallback.file.url if fallback else photo.image.url,
        "sizes": COLUMN_SIZES,
    }


def srcset(renditions: list[PhotoRendition]) -> str:
    return ", ".join(f"{r.file.url} {r.width}w" for r in renditions)


@register.simple_tag
def photo_max_bytes() -> int:
    """The upload limit, for the desk's script to refuse a file before sending it."""
    return MAX_UPLOAD_BYTES

"""The photo pipeline: accept an upload, store it stripped of personal metadata, suggest its credit.

`accept_upload` decides from the file's content (never its name) whether it is an image
we take, applies its EXIF orientation and refuses anything too heavy, broken or foreign
with a message in the journalist's language. `stored_file` re-encodes it without EXIF,
XMP or IPTC (location, camera serial, names), keeping only the colour profile.
`suggested_fields` reads the byline, credit and caption that agencies embed, for the
desk to pre-fill. Renditions for readers are made from the stored file
(liveblog.photos.renditions).
"""

import io
import threading
import time
import uuid
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from PIL import Image, ImageFile, ImageOps, IptcImagePlugin, UnidentifiedImageError, features

from liveblog.models import Photo, PhotoCredit

# A camera JPEG is 5 to 20 MB; past 25 MB it is a TIFF export or not a photo at all.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# A 61-megapixel camera fits; 64 MP decodes to about 190 MB of RGB, the most one upload
# may cost a small machine. Bigger images are refused from their header, before decoding.
MAX_PIXELS = 64_000_000

# Pixels this process may decode at once, over all uploads and renditions: one of the
# largest photos, or several smaller ones side by side. Measured on this pipeline (accept,
# turn upright, re-encode): 8 bytes per pixel at the peak for a PNG, 11 for a JPEG, so
# about 700 MB per process at most, however many journalists upload at once; the others
# wait their turn (a 56-megapixel PNG takes 3.6 s, a 12-megapixel JPEG 0.4 s).
DECODING_BUDGET_PIXELS = MAX_PIXELS
# How long an upload waits for its turn before the journalist is asked to try again.
DECODING_WAIT_SECONDS = 60

ACCEPTED_FORMATS = ["JPEG", "PNG", "WEBP"]
if features.check("avif"):
    ACCEPTED_FORMATS.append("AVIF")
if "HEIF" in Image.registered_extensions().values():  # only when pillow-heif is installed
    ACCEPTED_FORMATS.append("HEIF")

# Browsers show these as they are; AVIF and HEIF originals are stored as JPEG (or PNG).
STORED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
QUALITY = {"JPEG": 90, "WEBP": 90}

# IPTC IIM datasets (record 2) and EXIF tags agencies fill in.
IPTC_BYLINE, IPTC_CREDIT, IPTC_SOURCE, IPTC_CAPTION = (2, 80), (2, 110), (2, 115), (2, 120)
EXIF_DESCRIPTION, EXIF_ARTIST, EXIF_COPYRIGHT = 0x010E, 0x013B, 0x8298


@dataclass
class AcceptedImage:
    """An upload that passed every check: its decoded pixels, upright, and where they came from."""

    source: ImageFile.ImageFile  # as uploaded, metadata included (for suggested_fields)
    image: Image.Image  # upright, RGB or RGBA
    format: str  # what the content is: "JPEG", "PNG", "WEBP", "AVIF"…


class PixelBudget:
    """Pixels decoded at once in this process: `reserve(n)` waits until n are free."""

    def __init__(self, pixels: int):
        self.total = self.free = pixels
        self._changed = threading.Condition()

    @contextmanager
    def reserve(self, pixels: int, wait: float = DECODING_WAIT_SECONDS):
        pixels = min(max(pixels, 0), self.total)
        deadline = time.monotonic() + wait
        with self._changed:
            while self.free < pixels:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ValidationError(BUSY, code="busy")
                self._changed.wait(left)
            self.free -= pixels
        try:
            yield
        finally:
            with self._changed:
                self.free += pixels
                self._changed.notify_all()


BUSY = _lazy(
    "The server is busy with other photos: nothing was lost, send this one again in a moment."
)
DECODING = PixelBudget(DECODING_BUDGET_PIXELS)


def pixels_in(file) -> int:
    """The pixel count an image file's header announces (0 if it has none we can read)."""
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file, formats=ACCEPTED_FORMATS) as header:
                return min(header.width * header.height, MAX_PIXELS)
    except Exception:
        return 0
    finally:
        file.seek(0)


@contextmanager
def decoding(file):
    """Hold this file's share of the process's decoding budget while it is decoded and
    stored (ValidationError `busy` after waiting too long)."""
    with DECODING.reserve(pixels_in(file)):
        yield


def accepted_types() -> str:
    """“JPEG, PNG, WebP”: the list journalists see in messages and help texts."""
    names = {"WEBP": "WebP", "HEIF": "HEIC"}
    return ", ".join(names.get(name, name) for name in ACCEPTED_FORMATS)


def accept_upload(file) -> AcceptedImage:
    """The uploaded image, decoded and upright, or a ValidationError saying what is wrong with it."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This file is %(size)s; photos can be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
            code="too_large",
        )
    file.seek(0)
    data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This file is larger than %(limit)s, the most a photo can be.")
            % {"limit": filesizeformat(MAX_UPLOAD_BYTES)},
            code="too_large",
        )
    source = _open(data)
    image = ImageOps.exif_transpose(source)
    if image.mode.startswith("I"):
        # 16-bit greyscale: converted as is, every value above 255 would turn white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    mode = "RGBA" if image.has_transparency_data else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    return AcceptedImage(source=source, image=image, format=source.format)


def _open(data: bytes) -> ImageFile.ImageFile:
    too_many_pixels = ValidationError(
        _("This image has too many pixels (at most %(limit)s million): please send a smaller one.")
        % {"limit": MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )
    broken = ValidationError(
        _("This image is damaged or incomplete and cannot be read: please export it again."),
        code="corrupt",
    )
    try:
        # Pillow warns past its own limit and refuses past twice that; both mean "bomb".
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            source = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            if source.width * source.height > MAX_PIXELS:
                raise too_many_pixels
            source.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels from error
    except UnidentifiedImageError as error:
        raise ValidationError(
            _("This file is not a photo we can use. Accepted formats: %(types)s.")
            % {"types": accepted_types()},
            code="not_an_image",
        ) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise broken from error
    if source.width < 1 or source.height < 1:
        raise broken
    return source


def stored_file(accepted: AcceptedImage) -> ContentFile:
    """The original to keep: re-encoded with its colour profile and nothing else, under a new name."""
    fmt = STORED_FORMATS.get(accepted.format, "PNG" if accepted.image.mode == "RGBA" else "JPEG")
    if fmt == "JPEG" and accepted.image.mode == "RGBA":
        fmt = "PNG"
    buffer = io.BytesIO()
    encode(accepted.image, buffer, fmt, icc_profile=colour_profile(accepted.source))
    # A random name: the uploaded one can carry a person's name or a place.
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{EXTENSIONS[fmt]}")


def colour_profile(image: Image.Image) -> bytes | None:
    """The ICC profile, if it still describes the pixels we keep (RGB ones)."""
    profile = image.info.get("icc_profile")
    # Bytes 16 to 19 of an ICC header name its colour space; a CMYK or grey profile
    # would be wrong on pixels converted to RGB.
    if profile and profile[16:20] == b"RGB ":
        return profile
    return None


def encode(
    image: Image.Image,
    buffer,
    fmt: str,
    *,
    icc_profile: bytes | None = None,
    quality: int | None = None,
) -> None:
    """Writes the pixels alone: no EXIF, XMP or IPTC, whatever the image object still carries."""
    image.info = {}
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if fmt in QUALITY:
        options["quality"] = quality or QUALITY[fmt]
    if fmt == "JPEG":
        options.update(optimize=True, progressive=True)
    if fmt == "WEBP":
        options["method"] = 4  # WebP's speed/size balance: 6 is much slower, barely smaller
    image.save(buffer, fmt, **options)


def suggested_fields(image: Image.Image) -> dict[str, str]:
    """Caption, photographer and agency as the photo's IPTC or EXIF fields give them, for the
    journalist to check: {"caption": …, "photographer": …, "agency": …}, empty strings if absent."""
    iptc = IptcImagePlugin.getiptcinfo(image) or {}
    exif = image.getexif()
    return {
        "caption": _iptc_text(iptc, IPTC_CAPTION) or _exif_text(exif, EXIF_DESCRIPTION),
        "photographer": _iptc_text(iptc, IPTC_BYLINE) or _exif_text(exif, EXIF_ARTIST),
        "agency": _iptc_text(iptc, IPTC_CREDIT)
        or _iptc_text(iptc, IPTC_SOURCE)
        or _agency_from_copyright(_exif_text(exif, EXIF_COPYRIGHT)),
    }


def suggested_credit(suggested: dict[str, str]) -> str:
    """The credit as the composer's type-ahead writes it (“Agency Photo/Name”), or ""."""
    credit = PhotoCredit(
        photographer=suggested["photographer"][:120], agency=suggested["agency"][:120]
    )
    if not (credit.photographer or credit.agency):
        return ""
    return credit.label.removeprefix("© ")


def _iptc_text(iptc: dict, key: tuple[int, int]) -> str:
    value = iptc.get(key)
    if isinstance(value, list):  # repeatable datasets, such as several bylines
        value = b", ".join(value)
    if not value:
        return ""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        text = value.decode("latin-1")  # older IPTC writers use Latin-1 without saying so
    return _clean(text)


def _exif_text(exif: Image.Exif, tag: int) -> str:
    value = exif.get(tag)
    if isinstance(value, str):
        # EXIF says ASCII and Pillow reads Latin-1, but today's software writes UTF-8.
        value = value.encode("latin-1", errors="replace")
    if not isinstance(value, bytes):
        return ""
    try:
        return _clean(value.decode("utf-8"))
    except UnicodeDecodeError:
        return _clean(value.decode("latin-1"))


def _agency_from_copyright(notice: str) -> str:
    """“© 2026 Clairvue” or “Copyright Clairvue” → “Clairvue”."""
    words = notice.replace("©", " ").replace("(c)", " ").replace("(C)", " ").split()
    words = [w for w in words if w.lower() not in {"copyright", "all", "rights", "reserved", "."}]
    while words and words[0].strip(",.").isdigit():
        words.pop(0)
    return " ".join(words).strip(" ,.")


def _clean(text: str) -> str:
    return " ".join(text.replace("\x00", " ").split())


def store_photo(accepted: AcceptedImage, *, by=None, **fields) -> Photo:
    """Saves an accepted upload as a library photo; its renditions follow after commit."""
    from liveblog.photos.renditions import make_renditions_after_commit

    photo = Photo.objects.create(image=stored_file(accepted), uploaded_by=by, **fields)
    make_renditions_after_commit(photo)
    return photo

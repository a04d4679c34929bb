"""A card's image: the provider's thumbnail copied into our media, small and stripped.

Readers' pages allow images from our own origin only (img-src 'self'), and a
hotlinked thumbnail would tell the provider who reads us. The copy goes through the
same checks as a journalist's upload (liveblog.photos.imaging), since its bytes
come from anywhere.
"""

import io
import uuid

from django.core.files.base import ContentFile
from PIL import Image

from liveblog.photos.imaging import accept_upload, encode

# A card is at most half a phone screen wide at 2x.
THUMBNAIL_WIDTH = 640


def thumbnail_file(data: bytes) -> ContentFile:
    """A JPEG at most THUMBNAIL_WIDTH wide, or a ValidationError saying what is wrong with it."""
    image = accept_upload(ContentFile(data, name="thumbnail")).image.convert("RGB")
    if image.width > THUMBNAIL_WIDTH:
        height = max(1, round(image.height * THUMBNAIL_WIDTH / image.width))
        image = image.resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    buffer = io.BytesIO()
    encode(image, buffer, "JPEG", quality=82)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")

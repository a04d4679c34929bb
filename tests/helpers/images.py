"""Images drawn with Pillow for the photo tests, with the metadata cameras and agencies add."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

GPS_IFD, ARTIST, ORIENTATION = 0x8825, 0x013B, 0x0112
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def picture(size=(80, 40), mode="RGB") -> Image.Image:
    """Left half red, right half blue: enough to tell which way up it is."""
    image = Image.new(mode, size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    return image


def encoded(image: Image.Image, fmt="JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def upload(data: bytes, name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def camera_exif(orientation=1) -> Image.Exif:
    """What a phone writes: where it was, who holds it, which way up."""
    exif = Image.Exif()
    exif[ARTIST] = "Jeanne Martin"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)})
    return exif


def with_iptc(jpeg: bytes, fields: dict[tuple[int, int], str]) -> bytes:
    """The JPEG with an IPTC block (a Photoshop APP13 segment), as agencies deliver photos."""
    iptc = b"".join(
        b"\x1c" + bytes(key) + len(value.encode()).to_bytes(2, "big") + value.encode()
        for key, value in fields.items()
    )
    resource = b"8BIM\x04\x04\x00\x00" + len(iptc).to_bytes(4, "big") + iptc
    resource += b"\x00" * (len(iptc) % 2)
    payload = b"Photoshop 3.0\x00" + resource
    return jpeg[:2] + b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size and holds almost nothing: how decompression bombs start."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )

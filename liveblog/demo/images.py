"""Demo photos drawn with Pillow: no image in the repo, nothing downloaded."""

import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw


def demo_image(name: str, colours: tuple[str, str], seed: int, size=(1600, 900)) -> ContentFile:
    """A landscape picture: a two-colour sky, hills and a few shapes, varied by `seed`."""
    rng = random.Random(seed)
    width, height = size
    top, bottom = (Image.new("RGB", (1, 1), c).getpixel((0, 0)) for c in colours)
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    for layer in range(3):
        base = int(height * (0.55 + 0.12 * layer))
        points = [(0, height)]
        for x in range(0, width + 100, 100):
            points.append((x, base + rng.randint(-40, 40)))
        points.append((width, height))
        shade = 40 + layer * 30
        draw.polygon(points, fill=(shade, shade + 20, shade + 10))
    for _ in range(6):
        x, y, r = rng.randint(0, width), rng.randint(0, height // 2), rng.randint(10, 60)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return ContentFile(buffer.getvalue(), name=f"{name}.jpg")

"""Demo photos drawn with Pillow: no image in the repo, nothing downloaded.

They are 2000 pixels wide with the detail and grain of a real photo (a skyline, a crowd,
depth of field, sensor noise), so that page weight and renditions measured on the demo
say something about a real live.
"""

import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZE = (2000, 1333)
SHIRTS = ["#d62828", "#f77f00", "#fcbf49", "#2a9d8f", "#264653", "#e9c46a", "#8ecae6", "#ffffff"]


def rgb(colour: str) -> tuple[int, int, int]:
    return Image.new("RGB", (1, 1), colour).getpixel((0, 0))


def mix(a: tuple, b: tuple, t: float) -> tuple[int, ...]:
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def demo_image(name: str, colours: tuple[str, str], seed: int, size=SIZE) -> ContentFile:
    """A street scene under a two-colour sky, varied by `seed`, as a JPEG of camera size."""
    rng = random.Random(seed)
    width, height = size
    top, bottom = rgb(colours[0]), rgb(colours[1])
    horizon = int(height * rng.uniform(0.48, 0.58))

    background = Image.new("RGB", size)
    draw = ImageDraw.Draw(background)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=mix(top, bottom, min(1, y / horizon)))
    draw_skyline(draw, rng, width, horizon, mix(top, (30, 35, 45), 0.7))
    # The far side is out of focus, as behind a subject shot with an open lens.
    background = background.filter(ImageFilter.GaussianBlur(3))

    draw = ImageDraw.Draw(background)
    road = mix(bottom, (70, 70, 75), 0.8)
    draw.polygon(
        [(0, height), (width, height), (width * 0.62, horizon), (width * 0.38, horizon)],
        fill=road,
    )
    pavement = mix(road, (110, 105, 95), 0.5)
    draw.polygon([(0, height), (width * 0.38, horizon), (0, horizon)], fill=pavement)
    draw.polygon([(width, height), (width * 0.62, horizon), (width, horizon)], fill=pavement)
    draw_crowd(draw, rng, width, height, horizon)

    # Sensor grain: what makes a real photo weigh what it weighs.
    grain = Image.effect_noise(size, 18).convert("RGB")
    photo = Image.blend(background, grain, 0.07)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name=f"{name}.jpg")


def draw_skyline(draw, rng, width: int, horizon: int, shade: tuple) -> None:
    x = 0
    while x < width:
        w = rng.randint(60, 180)
        h = rng.randint(int(horizon * 0.15), int(horizon * 0.6))
        building = mix(shade, (200, 200, 210), rng.uniform(0, 0.35))
        draw.rectangle([x, horizon - h, x + w, horizon], fill=building)
        for wy in range(horizon - h + 12, horizon - 10, 22):
            for wx in range(x + 8, x + w - 10, 18):
                if rng.random() < 0.55:
                    lit = mix(building, (255, 236, 180), rng.uniform(0.2, 0.8))
                    draw.rectangle([wx, wy, wx + 8, wy + 12], fill=lit)
        x += w + rng.randint(0, 12)


def draw_crowd(draw, rng, width: int, height: int, horizon: int) -> None:
    """Runners and spectators, small and many far away, few and large up close."""
    # More people far away; the nearest are drawn last, in front.
    for depth in sorted(rng.random() ** 2 for _ in range(900)):
        y = horizon + depth * (height - horizon) * 1.05
        scale = 0.08 + depth * 1.1
        x = rng.uniform(-40, width + 40)
        body_w, body_h = 38 * scale, 90 * scale
        head = 13 * scale
        shirt = rgb(rng.choice(SHIRTS))
        skin = rgb(rng.choice(["#8d5524", "#c68642", "#e0ac69", "#f1c27d", "#ffdbac"]))
        legs = rgb(rng.choice(["#1b1b1b", "#2e3a59", "#3c3c3c"]))
        draw.rectangle([x - body_w / 3, y - body_h * 0.45, x + body_w / 3, y], fill=legs)
        draw.rounded_rectangle(
            [x - body_w / 2, y - body_h, x + body_w / 2, y - body_h * 0.42],
            radius=max(1, int(6 * scale)),
            fill=shirt,
        )
        draw.ellipse([x - head, y - body_h - head * 2, x + head, y - body_h], fill=skin)


def demo_logo(name: str, colour: str) -> ContentFile:
    """The demo newsroom's wordmark: a live dot and its name, 80 pixels high."""
    try:
        font = ImageFont.truetype("DejaVuSerif-Bold.ttf", 44)
    except OSError:  # a machine without DejaVu: Pillow's own face
        font = ImageFont.load_default(size=44)
    text_width = int(ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength(name, font=font))
    image = Image.new("RGB", (66 + text_width + 12, 80), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.ellipse([12, 24, 44, 56], fill=colour)
    draw.text((60, 40), name, fill="#161616", font=font, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name="logo.png")

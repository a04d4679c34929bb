"""What tests share: the composer's form data, a reader's websocket, the time lives start."""

import io
import json
from datetime import UTC, datetime

from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsroom.asgi import application

START = datetime(2025, 10, 21, 6, 30, tzinfo=UTC)
# Generous: the machine may be busy; a message that is coming comes well before this.
WAIT = 15


def composer_data(*blocks, action="publish", **fields) -> dict:
    """What the composer posts: post fields, then blocks as (kind, {field: value})."""
    data = {"action": action, "blocks-TOTAL_FORMS": len(blocks), "blocks-INITIAL_FORMS": 0}
    data |= {"rubric": "", "title": "", "scheduled_for": "", "version": ""} | fields
    for index, (kind, values) in enumerate(blocks):
        data[f"blocks-{index}-kind"] = kind
        data |= {f"blocks-{index}-{name}": value for name, value in values.items()}
    return data


def paragraph(text="Les coureurs passent le pont.") -> tuple:
    return ("paragraph", {"text": text})


def jpeg(name="arrivee.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 45), "#aa3366").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def reader(slug: str, after: int | None = None, origin: bytes = b"http://127.0.0.1:8000"):
    query = "" if after is None else f"?after={after}"
    return WebsocketCommunicator(
        application, f"/ws/live/{slug}/{query}", headers=[(b"origin", origin)]
    )


async def connected(slug: str, after: int | None = None) -> WebsocketCommunicator:
    communicator = reader(slug, after)
    accepted, _code = await communicator.connect()
    assert accepted
    return communicator


async def next_message(communicator: WebsocketCommunicator) -> dict:
    return json.loads(await communicator.receive_from(timeout=WAIT))

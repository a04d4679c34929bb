"""What tests share: the composer's form data, a reader's websocket, the time lives start."""

import asyncio
import io
import json
import os
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsroom.asgi import application

START = datetime(2025, 10, 21, 6, 30, tzinfo=UTC)
# How long a test waits for something that is coming before it gives up: a ceiling, not a
# pause (every wait ends as soon as its condition holds). Generous, so that a machine busy
# with other work never fails a test; LIVEBLOG_TEST_WAIT raises it further.
WAIT = float(os.environ.get("LIVEBLOG_TEST_WAIT", "60"))
WAIT_MS = int(WAIT * 1000)  # the same, for Playwright


def wait_until(condition: Callable[[], object], what: str, ceiling: float = WAIT) -> None:
    """Returns as soon as `condition()` is true; fails naming `what` after `ceiling` seconds."""
    deadline = time.monotonic() + ceiling
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what} after {ceiling:.0f} s")
        time.sleep(0.05)


async def eventually(
    condition: Callable[[], Awaitable[object]], what: str, ceiling: float = WAIT
) -> None:
    """`wait_until` for an async condition, in a test's event loop."""
    deadline = time.monotonic() + ceiling
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what} after {ceiling:.0f} s")
        await asyncio.sleep(0.05)


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


class ReaderSocket(WebsocketCommunicator):
    """channels' test socket with this suite's ceiling instead of its one-second defaults,
    which a busy machine overruns while the app is merely slow."""

    async def connect(self, timeout: float = WAIT):
        return await super().connect(timeout)

    async def receive_output(self, timeout: float = WAIT):
        return await super().receive_output(timeout)

    async def receive_from(self, timeout: float = WAIT):
        return await super().receive_from(timeout)

    async def disconnect(self, code: int = 1000, timeout: float = WAIT):
        return await super().disconnect(code, timeout)


def reader(slug: str, after: int | None = None, origin: bytes = b"http://127.0.0.1:8000"):
    query = "" if after is None else f"?after={after}"
    return ReaderSocket(application, f"/ws/live/{slug}/{query}", headers=[(b"origin", origin)])


async def connected(slug: str, after: int | None = None) -> ReaderSocket:
    communicator = reader(slug, after)
    accepted, _code = await communicator.connect()
    assert accepted
    return communicator


async def next_message(communicator: ReaderSocket) -> dict:
    return json.loads(await communicator.receive_from(timeout=WAIT))

"""Browser tests: Debian's Chromium driven by Playwright, against a real daphne process.

The server runs in a subprocess on the test database (a file for SQLite, see
settings), so tests that feed it data use `django_db(transaction=True)`: what
they write is committed and the server sees it. With the in-memory channel
layer the server cannot hear events written by this process through the layer,
but its check of the event log (LIVEBLOG_RESYNC_SECONDS, liveblog.readers)
brings them to its readers within a couple of seconds.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright's sync API keeps an event loop running in this thread, which Django
# would take for async code; these tests only call the ORM from plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Server:
    def __init__(self, media_root: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.media_root = media_root
        self.process = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(self.media_root),
            "SITE_URL": self.url,
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "newsroom.asgi:application",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited: {self.process.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("daphne did not start within 20 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    """daphne serving the app (static files and media included) on the test database."""
    media = tmp_path_factory.mktemp("media")
    live = Server(media)
    live.start()
    yield live
    live.stop()


@pytest.fixture(autouse=True)
def shared_media(server, settings):
    # Photos this process creates must be where the server looks for them.
    settings.MEDIA_ROOT = server.media_root


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """Saves a screenshot into test-artifacts/ named after the test."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, suffix: str = "") -> Path:
        path = ARTIFACTS / f"{request.node.name}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save

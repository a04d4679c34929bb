"""Browser tests: Debian's Chromium driven by Playwright, against a real daphne process.

The server runs in a subprocess on the test database (a file for SQLite, see
settings), so tests that feed it data use `django_db(transaction=True)`: what
they write is committed and the server sees it. With the in-memory channel
layer the server cannot hear events written by this process through the layer,
but its check of the event log (LIVEBLOG_RESYNC_SECONDS, liveblog.delivery.audience)
brings them to its readers within a couple of seconds.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.helpers import WAIT_MS
from tests.helpers.servers import AppServer, database_url, free_port, manage

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

# Ceilings, not pauses, for every action and every assertion (Playwright's own are 30 s and
# 5 s): a busy machine makes pages slow, never wrong.
expect.set_options(timeout=WAIT_MS)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    """daphne serving the app (static files and media included) on the test database."""
    media = tmp_path_factory.mktemp("media")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(media),
        "SITE_URL": f"http://127.0.0.1:{port}",
        # Renditions as in production: jobs wait in the database for the worker beside it.
        "LIVEBLOG_TASKS": "database",
    }
    live = AppServer("daphne", env, port=port)
    live.media_root = media
    worker = manage(env, "db_worker", "--no-reload", "--interval", "0.3", background=True)
    yield live
    worker.terminate()
    worker.wait(timeout=30)
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
    context.set_default_timeout(WAIT_MS)
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

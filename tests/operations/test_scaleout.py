"""Scale-out: two server processes on PostgreSQL and Redis, as a newsroom that outgrew one
machine runs them. A post published through one reaches readers connected to the other.

Whatever the suite runs on, this test uses the machine's PostgreSQL and Redis with
its own database, and turns the servers' log check off, so only the channel layer
can carry the post from one process to the other.
"""

import http.cookiejar
import json
import re
import urllib.parse
import urllib.request

import pytest
from websockets.sync.client import connect

from tests.helpers.servers import AppServer, manage, production_environment

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis]

DATABASE = "delivery_scaleout"
REDIS_URL = "redis://127.0.0.1:6379/2"
PASSWORD = "pw-scaleout-2026"

SETUP = """
from django.contrib.auth import get_user_model
from liveblog.domain.sessions import start_session
from liveblog.models import LiveSession
chef = get_user_model().objects.create_superuser("chef", "chef@example.org", "%s")
session = LiveSession.objects.create(slug="marathon", headline="Marathon des Deux-Rives")
start_session(session=session, by=chef)
print(session.pk, chef.pk)
"""


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    env = production_environment(
        DATABASE,
        REDIS_URL,
        tmp_path_factory.mktemp("media"),
        # Off: the post must cross between processes through Redis, not the log check.
        LIVEBLOG_RESYNC_SECONDS="3600",
    )
    session_id, chef_id = manage(env, "shell", "-c", SETUP % PASSWORD).split()[-2:]
    return env, session_id, chef_id


@pytest.fixture(scope="module")
def servers(environment):
    env, _session_id, _chef_id = environment
    started = [AppServer("uvicorn", env) for _ in range(2)]
    yield started
    for server in started:
        server.stop()


def reader(server: AppServer):
    return connect(
        f"ws://127.0.0.1:{server.port}/ws/live/marathon/", origin=server.url, open_timeout=10
    )


class Browser:
    """An editor's browser session on one server: cookies and the CSRF token."""

    def __init__(self, url: str):
        self.url = url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> str:
        return self.opener.open(self.url + path, timeout=10).read().decode()

    def post_form(self, path: str, fields: dict) -> str:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(path))[1]
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        return self.opener.open(self.url + path, body, timeout=10).read().decode()


def publish_through_admin(server: AppServer, session_id: str, chef_id: str, title: str) -> None:
    editor = Browser(server.url)
    editor.post_form(
        "/admin/login/?next=/admin/", {"username": "chef", "password": PASSWORD, "next": "/admin/"}
    )
    saved = editor.post_form(
        "/admin/liveblog/post/add/",
        {
            "session": session_id,
            "author": chef_id,
            "title": title,
            "status": "published",
            "published_at_0": "2025-10-21",
            "published_at_1": "08:42:00",
            "blocks-TOTAL_FORMS": "1",
            "blocks-INITIAL_FORMS": "0",
            "blocks-MIN_NUM_FORMS": "0",
            "blocks-MAX_NUM_FORMS": "1000",
            "blocks-0-position": "0",
            "blocks-0-kind": "paragraph",
            "blocks-0-text": "<p>Amina Diallo franchit la ligne en tête.</p>",
        },
    )
    assert "errornote" not in saved, saved


def test_post_published_through_one_process_reaches_readers_of_both(environment, servers):
    first, second = servers
    _env, session_id, chef_id = environment
    with reader(second) as far_reader, reader(first) as near_reader:
        publish_through_admin(first, session_id, chef_id, "Arrivée du marathon")
        far = json.loads(far_reader.recv(timeout=10))
        near = json.loads(near_reader.recv(timeout=10))
    assert far["kind"] == "post.published"
    assert "Arrivée du marathon" in far["html"]
    assert near == far

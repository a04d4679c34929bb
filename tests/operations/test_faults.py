"""Faults on the busiest night: the database refusing writes when a journalist publishes,
a server process killed under its readers, Redis stopped and started while posts go out.

Redis stopped and started with readers in this process: tests/delivery/test_outage.py
(nothing lost, in order, once, and the desk told delivery is delayed). Here the same
with real server processes.
"""

import contextlib
import html
import json
import sqlite3
import subprocess
import threading
import time

import psycopg
import pytest
from django.db import connection
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from liveblog.models import Draft, Post
from tests.helpers import WAIT, composer_data, paragraph, wait_until
from tests.helpers.servers import AppServer, PrivateRedis, manage, production_environment

UNAVAILABLE = "La base de données de la rédaction ne répond pas : rien n'a été enregistré."
NOT_SAVED = "Brouillon non enregistré : la base de données de la rédaction ne répond pas."


@contextlib.contextmanager
def writes_refused():
    """Another connection holds the database's write lock; ours gives up after half a second.

    That is how a database that stops taking writes looks to the app: SQLite "database
    is locked", PostgreSQL a lock timeout. Both are bounded, and both are real."""
    options = connection.settings_dict.setdefault("OPTIONS", {})
    saved = dict(options)
    connection.close()
    # Pooled connections (PostgreSQL) were opened with the options as they were: a new pool
    # opens them with the lock timeout, and the next test's pool without it.
    renew_pool = getattr(connection, "close_pool", lambda: None)
    renew_pool()
    if connection.vendor == "sqlite":
        options["timeout"] = 0.5
        holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    else:
        options["options"] = "-c lock_timeout=500"
        params = connection.get_connection_params()
        holder = psycopg.connect(**{k: v for k, v in params.items() if k != "options"})
        # Readers may still read (the desk renders); nobody may write a post or a draft.
        holder.execute("LOCK TABLE liveblog_post, liveblog_draft IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()
        connection.close()
        renew_pool()
        options.clear()
        options.update(saved)


@pytest.mark.django_db(transaction=True)
def test_journalist_publishing_while_the_database_refuses_writes_keeps_the_post_and_draft(
    client, session, journalist
):
    session.journalists.add(journalist)
    client.force_login(journalist)
    typed = composer_data(
        paragraph("Amina Diallo franchit la ligne en 2 h 21 min 08 s."),
        title="Arrivée de la tête de course",
    )
    client.post(f"/editor/{session.slug}/autosave/", typed)
    assert Draft.objects.filter(user=journalist).exists()

    with writes_refused():
        refused = client.post(f"/editor/{session.slug}/posts/new/", typed)
        page = html.unescape(refused.content.decode())
        assert refused.status_code == 503
        assert UNAVAILABLE in page
        assert "Arrivée de la tête de course" in page, "the title as typed"
        assert "Amina Diallo franchit la ligne en 2 h 21 min 08 s." in page, "the text as typed"

        htmx = client.post(f"/editor/{session.slug}/posts/new/", typed, HTTP_HX_REQUEST="true")
        assert htmx.status_code == 503, "the desk's htmx config swaps this answer in"
        assert UNAVAILABLE in html.unescape(htmx.content.decode())

        more = {**typed, "title": "Arrivée de la tête de course, le chrono"}
        autosave = client.post(f"/editor/{session.slug}/autosave/", more, HTTP_HX_REQUEST="true")
        assert autosave.status_code == 503
        assert NOT_SAVED in html.unescape(autosave.content.decode())

    assert not Post.objects.exists(), "nothing half-published"
    draft = Draft.objects.get(user=journalist)
    assert draft.data["title"] == "Arrivée de la tête de course", "the last autosave is still there"
    published = client.post(f"/editor/{session.slug}/posts/new/", typed)
    assert published.status_code == 302
    assert Post.objects.published().get().title == "Arrivée de la tête de course"


# --- Real server processes on PostgreSQL and Redis ------------------------------------

DATABASE = "faults"
REDIS_URL = "redis://127.0.0.1:6379/7"
POSTS = 16

SETUP = """
from django.contrib.auth import get_user_model
chef = get_user_model().objects.create_superuser("chef", "chef@example.org", "pw-chef-2026")
"""
NEW_SESSION = """
from liveblog.domain.sessions import start_session
from liveblog.models import LiveSession
session = LiveSession.objects.create(slug="%(slug)s", headline="Nuit électorale à Valbonne")
start_session(session=session, by=None)
print(session.last_seq)
"""
# The desk's path in one process: each post saved, then published (its event fanned out).
PUBLISH = """
import time
from django.contrib.auth import get_user_model
from liveblog.domain.posts import publish_post
from liveblog.models import Block, LiveSession, Post
chef = get_user_model().objects.get(username="chef")
session = LiveSession.objects.get(slug="%(slug)s")
for number in range(%(count)d):
    post = Post.objects.create(session=session, author=chef, title=f"Bureau {number + 1} dépouillé")
    Block.objects.create(post=post, position=0, kind="paragraph", text="<p>Résultats partiels.</p>")
    publish_post(post=post, by=chef)
    time.sleep(%(pause)s)
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The `faults` PostgreSQL database, migrated, with an editor; Redis DB 7."""
    env = production_environment(
        DATABASE, REDIS_URL, tmp_path_factory.mktemp("media"), LIVEBLOG_RESYNC_SECONDS="0.5"
    )
    manage(env, "shell", "-c", SETUP)
    return env


def new_session(env: dict, slug: str) -> int:
    """A live session; its last seq."""
    return int(manage(env, "shell", "-c", NEW_SESSION % {"slug": slug}).split()[-1])


def publish(env: dict, slug: str, count: int = POSTS, pause: float = 0.15) -> subprocess.Popen:
    script = PUBLISH % {"slug": slug, "count": count, "pause": pause}
    return manage(env, "shell", "-c", script, background=True)


class LiveReader(threading.Thread):
    """A reader as the live page is: on a dropped socket it reconnects, to the next server
    when its own is gone, with `?after=<the last seq it has>`, and carries on."""

    def __init__(self, servers: list[AppServer], slug: str, seq: int, until: int):
        super().__init__(daemon=True)
        self.servers, self.slug, self.seq, self.until = servers, slug, seq, until
        self.received: list[int] = []
        self.titles: list[str] = []
        self.served_by: list[str] = []

    def run(self) -> None:
        # A ceiling: the reader stops as soon as it has every post.
        deadline = time.monotonic() + 3 * WAIT
        turn = 0
        while self.seq < self.until and time.monotonic() < deadline:
            server = self.servers[turn % len(self.servers)]
            try:
                self.listen(server, deadline)
            except (OSError, WebSocketException):
                turn += 1
                time.sleep(0.1)

    def listen(self, server: AppServer, deadline: float) -> None:
        url = f"ws://127.0.0.1:{server.port}/ws/live/{self.slug}/?after={self.seq}"
        with connect(url, origin=server.url, open_timeout=WAIT) as socket:
            self.served_by.append(server.kind)
            while self.seq < self.until:
                message = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
                self.received.append(message["seq"])
                self.titles.append(message["html"])
                self.seq = message["seq"]


def last_seq(env: dict, slug: str) -> int:
    with psycopg.connect(env["DATABASE_URL"]) as database:
        query = "SELECT last_seq FROM liveblog_livesession WHERE slug = %s"
        return database.execute(query, [slug]).fetchone()[0]


@pytest.mark.needs_postgres
@pytest.mark.needs_redis
def test_readers_of_a_killed_server_reconnect_to_the_other_and_miss_nothing(production):
    start = new_session(production, "valbonne")
    doomed, other = AppServer("daphne", production), AppServer("uvicorn", production)
    try:
        end = start + POSTS
        stranded = [LiveReader([doomed, other], "valbonne", start, end) for _ in range(3)]
        steady = LiveReader([other], "valbonne", start, end)
        for reader in [*stranded, steady]:
            reader.start()
        wait_until(lambda: all(r.served_by for r in [*stranded, steady]), "readers connected")
        publisher = publish(production, "valbonne")
        wait_until(lambda: all(len(r.received) >= 4 for r in stranded), "the first posts")
        doomed.kill()  # SIGKILL: no goodbye to anyone
        publisher.wait(timeout=3 * WAIT)
        for reader in [*stranded, steady]:
            reader.join(timeout=3 * WAIT)
    finally:
        doomed.stop()
        other.stop()

    expected = list(range(start + 1, end + 1))
    for reader in [*stranded, steady]:
        assert reader.received == expected, "every post, in order, once"
        assert all(f"Bureau {n} dépouillé" in html for n, html in enumerate(reader.titles, 1))
    for reader in stranded:
        assert reader.served_by == ["daphne", "uvicorn"], "moved to the other process once"


@pytest.mark.needs_postgres
@pytest.mark.needs_redis
@pytest.mark.needs_redis_program
def test_posts_published_while_redis_restarts_all_reach_readers_of_a_real_server(production):
    """The server's channel layer and the publisher's both lose Redis for a while, and
    find an empty one when it comes back (no persistence, as after a crash)."""
    redis = PrivateRedis()
    redis.start()
    env = {**production, "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0"}
    start = new_session(env, "valbonne-redis")
    end = start + POSTS
    server = AppServer("uvicorn", env)
    try:
        reader = LiveReader([server], "valbonne-redis", start, end)
        reader.start()
        wait_until(lambda: reader.served_by, "the reader connected")
        publisher = publish(env, "valbonne-redis", pause=0.25)
        wait_until(lambda: len(reader.received) >= 4, "the first posts")
        redis.stop()
        down_at = last_seq(env, "valbonne-redis")
        wait_until(
            lambda: last_seq(env, "valbonne-redis") >= down_at + 3,
            "posts published while Redis is down",
        )
        redis.start()
        publisher.wait(timeout=3 * WAIT)
        reader.join(timeout=3 * WAIT)
        assert server.alive()
    finally:
        server.stop()
        if redis.process.poll() is None:
            redis.stop()

    assert reader.received == list(range(start + 1, end + 1)), "every post, in order, once"
    assert reader.served_by == ["uvicorn"], "on the same socket throughout"

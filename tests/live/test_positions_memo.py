"""The lives' positions kept per process on PostgreSQL (liveblog.live.positions_memo): a
withdrawn post leaves the page as soon as its notification is heard, from this process or
another; a position read while a notification came in is not kept; a lost listener means a
query per request until it listens again; SQLite reads per request; the trigger's
migration applies and reverses."""

import gzip
from importlib import import_module

import psycopg
import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from liveblog.domain.posts import delete_post, send_back_to_draft
from liveblog.live import http_cache, positions_memo
from liveblog.live.positions_memo import PositionsMemo
from liveblog.models import LiveSession, Post
from tests.helpers import wait_until

MIGRATION = "0019_live_position_notify"
BEFORE = "0018_link_cards_read_by_the_worker"


@pytest.fixture
def reads(monkeypatch):
    """How many times a request read a live's position from the database."""
    counted = []
    read = http_cache.live_position_row

    def counting(slug):
        counted.append(slug)
        return read(slug)

    monkeypatch.setattr(http_cache, "live_position_row", counting)
    return counted


@pytest.fixture
def listener(settings):
    """This process's listener, listening."""
    if connection.vendor != "postgresql":
        pytest.skip("the positions' listener is PostgreSQL's (DATABASE_URL=postgres://…)")
    settings.LIVEBLOG_POSITION_LISTENER = True
    started = positions_memo.start()
    wait_until(lambda: positions_memo.memo.healthy, "the listener to listen")
    return started


def page(client, session) -> tuple[str, str]:
    response = client.get(session.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response["ETag"], body.decode()


def known(session) -> bool:
    return positions_memo.memo.get(session.slug)[0] is not None


def all_heard() -> None:
    """Returns once the listener heard every change committed so far: notifications come
    in the order of their commits, so once a marker notified now is heard, all are."""
    memo = positions_memo.memo
    marker = "heard-up-to-here"
    wait_until(lambda: memo.keep(marker, ("marker",), memo.get(marker)[1]), "a quiet moment")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [positions_memo.CHANNEL, marker])
    wait_until(lambda: memo.get(marker)[0] is None, "the notifications committed so far")


def read_and_kept(client, session, reads) -> tuple[str, str]:
    """A first request reads the position and keeps it; the next one asks no database."""
    all_heard()
    first = page(client, session)
    assert known(session)
    before = len(reads)
    assert page(client, session) == first
    assert len(reads) == before
    return first


@pytest.mark.parametrize("withdraw", [delete_post, send_back_to_draft])
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_withdrawn_post_leaves_the_page_once_its_notification_is_heard(
    client, session, make_post, journalist, listener, reads, withdraw
):
    post = make_post(session, title="Une rumeur infondée")
    etag, body = read_and_kept(client, session, reads)
    assert "Une rumeur infondée" in body

    withdraw(post=post, by=journalist)
    wait_until(lambda: not known(session), "the withdrawal's notification")

    new_etag, new_body = page(client, session)
    assert new_etag != etag
    assert "Une rumeur infondée" not in new_body


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_reader_of_a_known_position_costs_no_query(client, session, make_post, listener, reads):
    """The query the memo removes: today's one query per request (test_page_speed.py) is none."""
    make_post(session)
    read_and_kept(client, session, reads)
    with CaptureQueriesContext(connection) as queries:
        page(client, session)
    assert [query["sql"] for query in queries] == []


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_connection_is_heard_too(
    client, session, make_post, listener, reads
):
    """As a change by hand in psql, or another process's, would be: a row, not an event."""
    post = make_post(session, title="Une rumeur infondée")
    etag, _body = read_and_kept(client, session, reads)

    posts, lives = (connection.ops.quote_name(m._meta.db_table) for m in (Post, LiveSession))
    with psycopg.connect(**positions_memo.listener_connection_params()) as other:
        other.execute(f"UPDATE {posts} SET status = 'draft' WHERE id = %s", [post.pk])
        other.execute(f"UPDATE {lives} SET last_seq = last_seq + 1 WHERE id = %s", [session.pk])
        # Nothing is heard before the commit (NOTIFY is transactional).
        assert known(session)
    wait_until(lambda: not known(session), "the other connection's notification")

    new_etag, new_body = page(client, session)
    assert new_etag != etag
    assert "Une rumeur infondée" not in new_body


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_renamed_live_is_forgotten_under_its_old_slug(client, session, listener, reads):
    read_and_kept(client, session, reads)
    old = session.slug
    LiveSession.objects.filter(pk=session.pk).update(slug="un-autre-nom")
    wait_until(lambda: positions_memo.memo.get(old)[0] is None, "the rename's notification")
    assert client.get(session.get_absolute_url()).status_code == 404


def test_a_position_read_while_a_notification_came_in_is_not_kept():
    memo = PositionsMemo()
    memo.set_healthy(True)
    row, generation = memo.get("tour")
    assert row is None
    memo.changed(["another-live"])
    assert not memo.keep("tour", (1, None, 7, None), generation)
    assert memo.get("tour")[0] is None

    row, generation = memo.get("tour")
    assert memo.keep("tour", (1, None, 8, None), generation)
    assert memo.get("tour")[0] == (1, None, 8, None)


def test_a_position_read_while_the_listener_was_lost_is_not_kept():
    memo = PositionsMemo()
    memo.set_healthy(True)
    _row, generation = memo.get("tour")
    memo.set_healthy(False)
    memo.set_healthy(True)
    assert not memo.keep("tour", (1, None, 7, None), generation)
    _row, generation = memo.get("tour")
    memo.set_healthy(False)
    assert not memo.keep("tour", (1, None, 7, None), generation)


def test_nothing_kept_is_used_while_the_listener_is_lost():
    memo = PositionsMemo()
    memo.set_healthy(True)
    memo.keep("tour", (1, None, 7, None), memo.get("tour")[1])
    memo.set_healthy(False)
    assert memo.get("tour")[0] is None
    memo.set_healthy(True)
    assert memo.get("tour")[0] is None


def test_a_notification_forgets_the_lives_it_names_or_all_of_them():
    memo = PositionsMemo()
    memo.set_healthy(True)
    for slug in ("tour", "giro", "vuelta"):
        memo.keep(slug, (slug,), memo.get(slug)[1])
    memo.changed(["tour", "giro"])
    assert [memo.get(slug)[0] for slug in ("tour", "giro", "vuelta")] == [None, None, ("vuelta",)]
    memo.changed(["*"])
    assert memo.get("vuelta")[0] is None


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_racing_a_notification_serves_what_it_read_and_keeps_nothing(
    session, listener, monkeypatch
):
    read = http_cache.live_position_row

    def read_then_hear(slug):
        row = read(slug)
        positions_memo.memo.changed([slug])
        return row

    all_heard()
    row = positions_memo.position(session.slug, read_then_hear)
    assert row[0] == session.pk
    assert not known(session)


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_lost_listener_means_a_query_per_request_until_it_listens_again(
    client, session, listener, reads
):
    read_and_kept(client, session, reads)
    connections = listener.connections
    params = listener.connection_params
    # It cannot reconnect until told where again: the port of no server.
    listener.connection_params = {**params, "port": 1, "connect_timeout": 1}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [listener.backend_pid()])
    wait_until(lambda: not positions_memo.memo.healthy, "the listener to notice")

    before = len(reads)
    page(client, session)
    page(client, session)
    assert len(reads) == before + 2
    assert not known(session)

    listener.connection_params = params
    wait_until(lambda: listener.connections > connections, "the listener to listen again")
    wait_until(lambda: positions_memo.memo.healthy, "the memo to be trusted again")
    read_and_kept(client, session, reads)


@pytest.mark.django_db
def test_sqlite_reads_the_position_on_every_request_and_listens_to_nothing(
    client, session, settings, reads
):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's behaviour (the default DATABASE_URL)")
    settings.LIVEBLOG_POSITION_LISTENER = True
    for _ in range(3):
        page(client, session)
    assert reads == [session.slug] * 3
    assert positions_memo._listener is None


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_listener_is_off_when_the_setting_says_so(client, session, settings, reads):
    settings.LIVEBLOG_POSITION_LISTENER = False
    for _ in range(2):
        page(client, session)
    assert reads == [session.slug] * 2


def triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [LiveSession._meta.db_table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [LiveSession._meta.db_table],
            )
        return {name for (name,) in cursor.fetchall()}


NOTIFYING = {"liveblog_livesession_notify", "liveblog_livesession_notify_truncate"}


@pytest.mark.django_db(transaction=True)
def test_the_migration_adds_the_trigger_on_postgresql_and_removes_it_going_back():
    expected = NOTIFYING if connection.vendor == "postgresql" else set()
    assert triggers() & NOTIFYING == expected
    executor = MigrationExecutor(connection)
    executor.migrate([("liveblog", BEFORE)])
    assert not triggers() & NOTIFYING
    executor = MigrationExecutor(connection)
    executor.migrate([("liveblog", MIGRATION)])
    assert triggers() & NOTIFYING == expected


@pytest.mark.django_db(transaction=True)
def test_the_migration_does_nothing_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's behaviour (the default DATABASE_URL)")
    migration = import_module(f"liveblog.migrations.{MIGRATION}")
    with connection.schema_editor() as editor:
        migration.run_on_postgresql("create")(apps, editor)
    assert not triggers() & NOTIFYING

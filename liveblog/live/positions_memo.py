"""The lives' positions, kept in the process while PostgreSQL says when one changes.

A reader's request needs its live's position (`last_seq`, liveblog.live.http_cache) for the
ETag and the page cache's key; reading it from the database on every request was the whole
gap between the cached live page and a trivial view (issue 15). On PostgreSQL a trigger
announces every committed change of a live's row on a NOTIFY channel (migration 0019);
every event moves `last_seq` by updating that row, so nothing a reader can see changes
unheard. One thread per server process LISTENs on its own connection (not one of the
pool's) and forgets the positions of the lives named; a request then reads the position
from the database only when the process does not know it.

It stays exact because the memo is used only while the listener is connected and
listening: on any error it forgets everything and is not used (each request reads the
database, as on SQLite) until LISTEN succeeds again on a new connection. A request
keeps what it read only if no notification and no change of health came in between
(`generation`): otherwise a position read just before a commit could outlive its
notification. What a process cannot close is the delay between a commit and its
notification reaching the listener (under a millisecond on one machine).
"""

import contextlib
import logging
import os
import threading
from collections import OrderedDict

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

# The channel the trigger of migration 0019 notifies (its payload: slugs, space-separated;
# "*" for every live).
CHANNEL = "liveblog_live_position"
# How often the listener checks its connection still answers, in seconds, while quiet.
HEARTBEAT = 5.0
# The wait before reconnecting, doubled after each failure up to the ceiling.
FIRST_RETRY, LAST_RETRY = 0.2, 10.0


class PositionsMemo:
    """Positions by slug, with the listener's health and a generation that every
    notification and every change of health moves."""

    def __init__(self, size: int = 1000):
        self.size = size
        self._rows: OrderedDict[str, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self.generation = 0
        self.healthy = False

    def get(self, slug: str) -> tuple[tuple | None, int]:
        """The position kept for `slug` (None unknown, or not to be trusted), and the generation
        to hand back to `keep` with what the caller reads instead."""
        with self._lock:
            row = self._rows.get(slug) if self.healthy else None
            return row, self.generation

    def keep(self, slug: str, row: tuple, generation: int) -> bool:
        """Keep `row`, read after `get` answered `generation`, unless anything was heard since."""
        with self._lock:
            if not self.healthy or generation != self.generation:
                return False
            self._rows[slug] = row
            self._rows.move_to_end(slug)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)
            return True

    def changed(self, slugs: list[str]) -> None:
        """A notification: these lives moved ("*": all of them)."""
        with self._lock:
            self.generation += 1
            if "*" in slugs:
                self._rows.clear()
            for slug in slugs:
                self._rows.pop(slug, None)

    def set_healthy(self, healthy: bool) -> None:
        """The listener is (or is no longer) hearing every change: forget all either way."""
        with self._lock:
            self.generation += 1
            self.healthy = healthy
            self._rows.clear()

    def forget(self) -> None:
        """Between tests, whose databases give the same slugs again."""
        with self._lock:
            self.generation += 1
            self._rows.clear()


class PositionListener(threading.Thread):
    """The thread that LISTENs for `memo` on a connection of its own, reconnecting with
    back-off after any error and telling the memo whether it may be trusted."""

    def __init__(self, memo: PositionsMemo, connection_params: dict):
        super().__init__(name="liveblog-position-listener", daemon=True)
        self.memo = memo
        self.connection_params = connection_params
        self.stopping = threading.Event()
        self.connection = None
        # Whether a LISTEN succeeded, and how many connections it took (for tests).
        self.connections = 0

    def run(self) -> None:
        retry = FIRST_RETRY
        while not self.stopping.is_set():
            connections = self.connections
            try:
                self.listen()
            except Exception as error:  # any failure: unhealthy, then retry
                if not self.stopping.is_set():
                    logger.warning("live positions: listener lost (%s); retrying", error)
            finally:
                self.memo.set_healthy(False)
                self.close()
            # After a connection that listened, try again soon; after failed tries, less often.
            retry = FIRST_RETRY if self.connections > connections else min(retry * 2, LAST_RETRY)
            self.stopping.wait(retry)

    def listen(self) -> None:
        import psycopg

        self.connection = psycopg.connect(**self.connection_params, autocommit=True)
        self.connection.execute(f"LISTEN {CHANNEL}")
        self.connections += 1
        self.memo.set_healthy(True)
        while not self.stopping.is_set():
            for notification in self.connection.notifies(timeout=HEARTBEAT):
                self.memo.changed(notification.payload.split())
            if not self.stopping.is_set():
                self.connection.execute("SELECT 1")

    def backend_pid(self) -> int | None:
        """The PostgreSQL process serving the listener's connection (for tests)."""
        return self.connection.info.backend_pid if self.connection else None

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # a broken connection closes as it can
                connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.close()
        self.join(timeout=10)


memo = PositionsMemo()
_listener: PositionListener | None = None
_listener_pid: int | None = None
_start_lock = threading.Lock()


def position(slug: str, read):
    """The position `read(slug)` would give, from the memo when it may be trusted."""
    if not listening():
        return read(slug)
    row, generation = memo.get(slug)
    if row is not None:
        return row
    row = read(slug)
    if row is not None:
        memo.keep(slug, row, generation)
    return row


def listening() -> bool:
    """Whether this process may use the memo (starting its listener on first use).

    Never on SQLite, nor with LIVEBLOG_POSITION_LISTENER=0, nor inside a transaction: one
    that moved a live's position would be read its own change, not yet announced."""
    if not settings.LIVEBLOG_POSITION_LISTENER or connection.vendor != "postgresql":
        return False
    if connection.in_atomic_block:
        return False
    return start() is not None and memo.healthy


def start() -> PositionListener | None:
    """This process's listener, started once (again in a process forked after it started)."""
    global _listener, _listener_pid
    if _listener is not None and _listener_pid == os.getpid():
        return _listener
    with _start_lock:
        if _listener is None or _listener_pid != os.getpid():
            memo.set_healthy(False)
            _listener = PositionListener(memo, listener_connection_params())
            _listener_pid = os.getpid()
            _listener.start()
    return _listener


def stop() -> None:
    """Stop this process's listener (before its test database is dropped)."""
    global _listener
    listener, _listener = _listener, None
    if listener is not None and _listener_pid == os.getpid():
        listener.stop()
    memo.set_healthy(False)


def listener_connection_params() -> dict:
    """The default database's connection settings, for a plain psycopg connection."""
    params = connection.get_connection_params()
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    # A connection cut without a word (a network gone) is noticed within a minute.
    params.setdefault("keepalives", 1)
    params.setdefault("keepalives_idle", 30)
    params.setdefault("keepalives_interval", 10)
    params.setdefault("keepalives_count", 3)
    return params

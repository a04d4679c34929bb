"""How many readers a live has right now, across every server process: counts, nothing else.

Each process publishes, every `PUBLISH_EVERY` seconds, how many reader sockets it holds
per session (its audiences, liveblog.delivery.audience), as entries that expire after
`ENTRY_TTL` seconds. The count of a live is the sum of the entries still there: a
process that dies stops refreshing its own, and its readers leave the count within a
few seconds. No cookie, no address, no reader is told apart from another.

With REDIS_URL the entries live in Redis (one key per session and process, expiring by
itself); without it, in this process's memory, which is right for the single-process
default where the desk and the readers share the process.

Alongside, the busiest moment (the peak and when it happened) and the highest count of
each `BUCKET_SECONDS` slice of time, from which the desk tells how many readers were
there in the first minute of each post.
"""

import asyncio
import logging
import threading
import time
import uuid
import weakref
from functools import cache

from django.conf import settings

log = logging.getLogger(__name__)

PUBLISH_EVERY = 2.0
# Three missed rounds: a busy process is not dropped, a dead one is within seconds.
ENTRY_TTL = 6
BUCKET_SECONDS = 10
# Peaks and samples of a live nobody reads any more are forgotten after this.
HISTORY_TTL = 7 * 24 * 3600
FIRST_MINUTE = 60


class LocalBoard:
    """The counts in this process's memory (no REDIS_URL): shared by its threads and loops."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: dict[tuple[int, str], tuple[int, float]] = {}
        self._peaks: dict[int, tuple[int, float]] = {}
        self._samples: dict[int, dict[int, int]] = {}

    def publish(self, process: str, counts: dict[int, int], now: float) -> None:
        with self._lock:
            for session_id, count in counts.items():
                if count:
                    self._entries[session_id, process] = (count, now + ENTRY_TTL)
                else:
                    self._entries.pop((session_id, process), None)

    def total(self, session_id: int, now: float) -> int:
        with self._lock:
            expired = [key for key, (_, until) in self._entries.items() if until <= now]
            for key in expired:
                del self._entries[key]
            return sum(count for (sid, _), (count, _) in self._entries.items() if sid == session_id)

    def record(self, session_id: int, count: int, now: float) -> None:
        with self._lock:
            if count > self._peaks.get(session_id, (-1, 0))[0]:
                self._peaks[session_id] = (count, now)
            samples = self._samples.setdefault(session_id, {})
            bucket = bucket_of(now)
            samples[bucket] = max(samples.get(bucket, 0), count)

    def peak(self, session_id: int) -> tuple[int, float] | None:
        with self._lock:
            return self._peaks.get(session_id)

    def samples(self, session_id: int) -> dict[int, int]:
        with self._lock:
            return dict(self._samples.get(session_id, {}))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._peaks.clear()
            self._samples.clear()


# Raises the peak and the slice's highest count, never lowers them: every process records
# the total it sees, a moment apart, and the highest one wins.
RECORD = """
local count = tonumber(ARGV[1])
if count > tonumber(redis.call('HGET', KEYS[1], 'count') or '-1') then
  redis.call('HSET', KEYS[1], 'count', count, 'at', ARGV[2])
end
if count > tonumber(redis.call('HGET', KEYS[2], ARGV[3]) or '-1') then
  redis.call('HSET', KEYS[2], ARGV[3], count)
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
"""


class RedisBoard:
    """The counts in Redis, shared by every server process: a key per session and process,
    with Redis's own expiry, and a set per session naming the processes to add up."""

    def __init__(self, url: str, prefix: str = "liveblog:audience"):
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self._record = self.redis.register_script(RECORD)

    def _key(self, session_id: int, *parts: str) -> str:
        return ":".join([self.prefix, str(session_id), *parts])

    def publish(self, process: str, counts: dict[int, int], now: float) -> None:
        with self.redis.pipeline(transaction=False) as pipe:
            for session_id, count in counts.items():
                members = self._key(session_id, "processes")
                if count:
                    pipe.set(self._key(session_id, "process", process), count, ex=ENTRY_TTL)
                    pipe.sadd(members, process)
                    pipe.expire(members, HISTORY_TTL)
                else:
                    pipe.delete(self._key(session_id, "process", process))
                    pipe.srem(members, process)
            pipe.execute()

    def total(self, session_id: int, now: float) -> int:
        members = self._key(session_id, "processes")
        processes = sorted(name.decode() for name in self.redis.smembers(members))
        if not processes:
            return 0
        counts = self.redis.mget([self._key(session_id, "process", p) for p in processes])
        gone = [p for p, count in zip(processes, counts, strict=True) if count is None]
        if gone:
            self.redis.srem(members, *gone)
        return sum(int(count) for count in counts if count is not None)

    def record(self, session_id: int, count: int, now: float) -> None:
        self._record(
            keys=[self._key(session_id, "peak"), self._key(session_id, "samples")],
            args=[count, repr(now), bucket_of(now), HISTORY_TTL],
        )

    def peak(self, session_id: int) -> tuple[int, float] | None:
        found = self.redis.hgetall(self._key(session_id, "peak"))
        if not found:
            return None
        return int(found[b"count"]), float(found[b"at"])

    def samples(self, session_id: int) -> dict[int, int]:
        found = self.redis.hgetall(self._key(session_id, "samples"))
        return {int(bucket): int(count) for bucket, count in found.items()}

    def clear(self) -> None:
        keys = list(self.redis.scan_iter(f"{self.prefix}:*"))
        if keys:
            self.redis.delete(*keys)


def bucket_of(moment: float) -> int:
    return int(moment // BUCKET_SECONDS) * BUCKET_SECONDS


@cache
def _board_for(redis_url: str) -> LocalBoard | RedisBoard:
    return RedisBoard(redis_url) if redis_url else LocalBoard()


def board() -> LocalBoard | RedisBoard:
    """Where this process's counts go and the desk reads them (REDIS_URL decides)."""
    return _board_for(settings.REDIS_URL)


def report(process: str, counts: dict[int, int], now: float | None = None) -> None:
    """Publish this process's counts, then raise each live's peak and samples to its total."""
    now = time.time() if now is None else now
    counts_board = board()
    counts_board.publish(process, counts, now)
    for session_id, count in counts.items():
        if count:
            counts_board.record(session_id, counts_board.total(session_id, now), now)


def from_the_newsroom(scope: dict) -> bool:
    """A socket opened with a login session (the desk's own page, a journalist checking the
    live): not counted as a reader. Read from the cookie header alone, nobody is looked up."""
    name = f"{settings.SESSION_COOKIE_NAME}=".encode("latin-1")
    return any(
        key == b"cookie" and any(part.strip().startswith(name) for part in value.split(b";"))
        for key, value in scope.get("headers", [])
    )


def first_minute(samples: dict[int, int], published_at: float) -> int | None:
    """The most readers counted in the minute after a post went out, None if none was taken."""
    start = bucket_of(published_at)
    inside = [
        count for bucket, count in samples.items() if start <= bucket < published_at + FIRST_MINUTE
    ]
    return max(inside) if inside else None


class Counter:
    """Publishes one event loop's readers per session while it has any."""

    def __init__(self, readers):
        self.readers = readers  # liveblog.delivery.audience.Readers
        self.process = uuid.uuid4().hex
        self.reported: set[int] = set()
        self.task: asyncio.Task | None = None

    def ensure_running(self) -> None:
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    def counts(self) -> dict[int, int]:
        counts = {
            sid: sum(1 for reader in audience.readers if not getattr(reader, "newsroom", False))
            for sid, audience in self.readers.audiences.items()
        }
        # Sessions whose last reader here left since the last round: say so at once.
        return {**dict.fromkeys(self.reported - counts.keys(), 0), **counts}

    async def _run(self) -> None:
        while True:
            counts = self.counts()
            try:
                await asyncio.to_thread(report, self.process, counts)
            except Exception as error:
                # Counting must never disturb the readers: Redis down means no count for now.
                log.warning("audience counts not published (%s)", error)
            else:
                self.reported = {sid for sid, count in counts.items() if count}
            if not self.readers.audiences and not self.reported:
                return
            await asyncio.sleep(PUBLISH_EVERY)


_counters: "weakref.WeakKeyDictionary[object, Counter]" = weakref.WeakKeyDictionary()


def keep_counting(readers) -> None:
    """Make sure this loop's readers are counted (called whenever a reader joins)."""
    if readers not in _counters:
        _counters[readers] = Counter(readers)
    _counters[readers].ensure_running()

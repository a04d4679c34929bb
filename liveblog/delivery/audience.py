"""This process's readers: the process-local half of the fan-out.

Per session with readers here, one `Audience` holds one channel-layer
subscription and hands each incoming frame, unchanged, to each `Reader`. A
reader sends frames in sequence order from a bounded buffer; one that falls
behind (a slow socket, a message the layer dropped, a gap) catches up from the
event log by seq, so one stalled reader never holds up the others.

The layer delivers at most once and not at all when Redis is down, or when
another process wrote the event on the in-memory layer. So a watcher checks,
every few seconds and in one query, the `last_seq` of every session with
readers here and delivers from the log whatever did not come through the layer.
"""

import asyncio
import json
import logging
import weakref
from collections import deque
from collections.abc import Awaitable, Callable

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from liveblog.delivery.audience_count import keep_counting
from liveblog.delivery.catchup import CATCH_UP_LIMIT, database_read, missed_events
from liveblog.delivery.fanout import encode_frame, mark_delivery_resumed, session_group
from liveblog.models import Event, LiveSession

log = logging.getLogger(__name__)

# Frames one reader may have waiting; past that it is dropped and resynced from the log.
READER_BUFFER = 200
# Frames go out as bytes (binary websocket frames of UTF-8 JSON, which live.js decodes):
# encoded once per process and event, where a text frame is encoded again for each socket.
RELOAD_FRAME = json.dumps({"kind": "reload"}).encode()
# How long a layer call may take before the layer counts as down (Redis unreachable).
LAYER_TIMEOUT = 2.0
# The pause before listening again after a failed receive: short, but never a busy loop.
RECEIVE_RETRY = 0.2


class Reader:
    """One socket's position in one session, and the frames it is owed, sent in seq order.

    An up-to-date reader holds no task and no buffer: the next frame in sequence goes
    straight to its socket from `offer`, usually within that very call. A task exists
    only while the reader is owed more: its catch-up on connect, frames queued behind a
    socket that is not taking them, a gap filled from the log. At ten thousand idle
    readers that is ten thousand tasks, events and buffers fewer per process.
    """

    def __init__(self, session_id: int, seq: int, send: Callable[[bytes], Awaitable[None]]):
        self.session_id = session_id
        self.seq = seq  # the last event this reader was sent
        self._send = send
        self._waiting: deque[tuple[int, bytes]] | None = None
        # A new reader first catches up from the log: what it missed, and anything
        # written between loading the session and joining the audience (see `join`).
        self._behind = True
        self._started = False
        self._busy: asyncio.Task | None = None  # the send or the catch-up in flight
        self._on_stop: Callable[[], Awaitable[None]] | None = None
        self._closing: asyncio.Task | None = None

    def start(self, on_stop: Callable[[], Awaitable[None]] | None = None) -> None:
        """Begin sending (the socket is accepted); `on_stop` runs if the reader must
        reload the page or its socket broke."""
        self._on_stop = on_stop
        self._started = True
        if self._behind or self._waiting:
            self._drain_soon()

    def stop(self) -> None:
        self._started = False
        if self._busy is not None:
            self._busy.cancel()
            self._busy = None

    def offer(self, seq: int, frame: bytes) -> None:
        if (
            self._started
            and self._busy is None
            and seq == self.seq + 1
            and not self._behind
            and not self._waiting
        ):
            # The common case at fan-out: an up-to-date reader on a socket that takes
            # the frame at once. Sent eagerly, right here: no task switch per reader.
            loop = asyncio.get_running_loop()
            sending = asyncio.Task(self._send_one(seq, frame), loop=loop, eager_start=True)
            if not sending.done():
                self._busy = sending  # the socket is not taking it yet: later frames queue
            return
        if self._waiting is None:
            self._waiting = deque()
        if len(self._waiting) >= READER_BUFFER:
            self._waiting.clear()
            self._behind = True
        else:
            self._waiting.append((seq, frame))
        if self._started and self._busy is None:
            self._drain_soon()

    async def _send_one(self, seq: int, frame: bytes) -> None:
        try:
            await self._send(frame)
        except Exception as error:
            self._busy = None
            self._end(error)
            return
        self.seq = seq
        self._busy = None
        if self._behind or self._waiting:
            self._drain_soon()

    def _drain_soon(self) -> None:
        self._busy = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        try:
            while self._behind or self._waiting:
                if self._behind:
                    self._behind = False
                    if not await self._catch_up():
                        await self._send(RELOAD_FRAME)
                        self._busy = None
                        self._end(None)
                        return
                while self._waiting and not self._behind:
                    seq, frame = self._waiting.popleft()
                    if seq <= self.seq:
                        continue
                    if seq > self.seq + 1:
                        self._behind = True
                        break
                    await self._send(frame)
                    self.seq = seq
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self._busy = None
            self._end(error)
            return
        self._busy = None
        self._waiting = None

    def _end(self, error: Exception | None) -> None:
        """The reader must reload the page (`error` None) or its socket broke."""
        if error is not None:
            log.info("reader of session %s stopped: %r", self.session_id, error)
        self._started = False
        if self._on_stop is not None:
            self._closing = asyncio.get_running_loop().create_task(self._on_stop())

    async def _catch_up(self) -> bool:
        frames = await missed_frames(self.session_id, self.seq)
        if frames is None:
            return False
        for seq, frame in frames:
            await self._send(frame)
            self.seq = seq
        return True


async def missed_frames(session_id: int, after: int) -> list[tuple[int, bytes]] | None:
    """What a reader at `after` missed, as (seq, frame); None if it must reload instead.

    Readers behind by the same events (thousands reconnecting after a server restart)
    share one query and one encoding: the audience keeps the answer until its next event.
    Each reader is given the session's position as read after it asked (`fresh_position`):
    an answer computed before a later event is never reused, even before that event
    reaches this process, because that event may have withdrawn words the answer still
    carries.
    """
    audience = this_process().audiences.get(session_id)
    if audience is None:
        last_seq = await database_read(session_last_seq)(session_id)
        return await fetch_missed_frames(session_id, after, last_seq)
    last_seq = await audience.fresh_position()
    key = (after, last_seq)
    answers = audience.missed
    if key not in answers:
        answer = answers[key] = asyncio.ensure_future(
            fetch_missed_frames(session_id, after, last_seq)
        )
        # A failed query (database down) is not kept: the next reader asks again.
        answer.add_done_callback(lambda done: done.exception() and answers.pop(key, None))
    # Shielded: a reader that disconnects meanwhile does not cancel the others' answer.
    return await asyncio.shield(answers[key])


def session_last_seq(session_id: int) -> int:
    return LiveSession.objects.values_list("last_seq", flat=True).get(pk=session_id)


async def fetch_missed_frames(
    session_id: int, after: int, last_seq: int
) -> list[tuple[int, bytes]] | None:
    events = await database_read(missed_events)(session_id, after, last_seq)
    return (
        None if events is None else [(event.seq, encode_frame(event).encode()) for event in events]
    )


class Audience:
    """This process's readers of one session, fed by one channel-layer subscription."""

    def __init__(self, session_id: int, seq: int):
        self.session_id = session_id
        self.seq = seq  # the newest event handed to these readers
        self.readers: set[Reader] = set()
        # Catch-up answers by the seq asked from, shared until the next event (missed_frames).
        self.missed: dict[tuple[int, int], asyncio.Future] = {}
        # The position read in flight, and the next one, shared by the readers asking meanwhile.
        self._reading: asyncio.Future | None = None
        self._next_read: asyncio.Future | None = None
        self.layer = get_channel_layer()
        self.channel: str | None = None
        # Set once the first attempt to subscribe is over, whatever its outcome.
        self.tried = asyncio.Event()
        self._listening = asyncio.create_task(self._listen()) if self.layer else None

    def deliver(self, seq: int, frame: str) -> None:
        # Already handed out (the log check and the layer both brought it): every reader
        # here then either had it or joined later and read it from the log itself.
        if seq <= self.seq:
            return
        self.seq = seq
        self.missed = {}
        data = frame.encode()
        for reader in self.readers:
            reader.offer(seq, data)

    async def fresh_position(self) -> int:
        """The session's `last_seq`, as the database gave it after this call began.

        Every reader catching up needs one, and none may be given a position read before it
        asked (see `missed_frames`). Readers asking while a read is in flight share the next
        read, which starts as that one ends: after a restart thousands of readers reconnect
        within seconds, and they cost one query per query's round trip, not one each (one
        each was 15% of the server's samples in a profile of the storm benchmark)."""
        if self._next_read is None:
            self._next_read = asyncio.ensure_future(self._read_after(self._reading))
            # A failed read is answered to those waiting; none may be left to hear it.
            self._next_read.add_done_callback(lambda read: read.cancelled() or read.exception())
        # Shielded: a reader that disconnects meanwhile does not cancel the others' read.
        return await asyncio.shield(self._next_read)

    async def _read_after(self, previous: asyncio.Future | None) -> int:
        if previous is not None:
            await asyncio.wait([previous])
        # From here on the query is under way: a reader asking now waits for the next one.
        self._reading, self._next_read = self._next_read, None
        return await database_read(session_last_seq)(self.session_id)

    async def subscribe(self) -> bool:
        """(Re)join the session's group; False if the layer is down. Redis forgets
        group members when it restarts, so the watcher calls this on every round."""
        if self.layer is None:
            return True
        try:
            group = session_group(self.session_id)
            await asyncio.wait_for(self.layer.group_add(group, self.channel), LAYER_TIMEOUT)
        except Exception as error:
            log.warning("session %s: channel layer unavailable (%s)", self.session_id, error)
            return False
        return True

    async def _listen(self) -> None:
        self.channel = await self.layer.new_channel()
        while True:
            subscribed = await self.subscribe()
            self.tried.set()
            if not subscribed:
                await asyncio.sleep(resync_interval())
                continue
            try:
                while True:
                    message = await self.layer.receive(self.channel)
                    self.deliver(message["seq"], message["frame"])
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # Subscribe again almost at once: if the layer is really down, that fails
                # and waits above; if it was one dropped connection, no event is late.
                log.warning("session %s: channel layer receive failed (%s)", self.session_id, error)
                await asyncio.sleep(RECEIVE_RETRY)

    async def close(self) -> None:
        if self._listening is None:
            return
        self._listening.cancel()
        if self.channel:
            try:
                group = session_group(self.session_id)
                await asyncio.wait_for(self.layer.group_discard(group, self.channel), LAYER_TIMEOUT)
            except Exception:
                log.info("session %s: group membership left to expire", self.session_id)


class Readers:
    """Every reader socket this process serves, grouped by session, and the watcher."""

    def __init__(self):
        self.audiences: dict[int, Audience] = {}
        self.slugs: dict[str, int] = {}
        self._watching: asyncio.Task | None = None

    def position(self, slug: str) -> tuple[int, int] | None:
        """(session id, newest event handed out here) of a session with readers in this
        process, without asking the database: the next thousand readers of a session
        connect for no query at all (the first one looked it up, see `remember`)."""
        session_id = self.slugs.get(slug)
        audience = self.audiences.get(session_id)
        return None if audience is None else (session_id, audience.seq)

    def remember(self, slug: str, session_id: int) -> None:
        self.slugs[slug] = session_id

    async def join(self, reader: Reader, last_seq: int) -> None:
        audience = self.audiences.get(reader.session_id)
        if audience is None:
            audience = self.audiences[reader.session_id] = Audience(reader.session_id, last_seq)
        # A reader at the audience's position has everything handed out here and will be
        # offered the rest: no catch-up query for it (one query per connect, not three).
        reader._behind = reader.seq != audience.seq
        audience.readers.add(reader)
        if self._watching is None or self._watching.done():
            self._watching = asyncio.create_task(self._watch())
        keep_counting(self)
        if audience.layer:
            # So that the first reader hears the next event at once, not at the next check.
            await audience.tried.wait()

    async def leave(self, reader: Reader) -> None:
        audience = self.audiences.get(reader.session_id)
        if audience is None:
            return
        audience.readers.discard(reader)
        if not audience.readers:
            del self.audiences[reader.session_id]
            self.slugs = {s: i for s, i in self.slugs.items() if i != reader.session_id}
            await audience.close()

    async def _watch(self) -> None:
        while self.audiences:
            await asyncio.sleep(resync_interval())
            try:
                await self.resync()
            except Exception:
                log.exception("checking the sessions' last events failed; retrying")

    async def resync(self) -> None:
        """Deliver from the log what the layer did not bring, for every session here."""
        asked = list(self.audiences)
        positions = await database_read(session_positions)(asked)
        gone = set(asked) - positions.keys()
        if gone:
            # A live deleted while its page was open (a scheduled one can be): its slug
            # may name a new live now, whose readers must look it up again, not join here.
            self.slugs = {s: i for s, i in self.slugs.items() if i not in gone}
        for session_id, (last_seq, delayed) in positions.items():
            audience = self.audiences.get(session_id)
            if audience is None:
                continue
            if last_seq > audience.seq:
                events = await database_read(events_since)(session_id, audience.seq)
                for event in events:
                    audience.deliver(event.seq, encode_frame(event))
            if audience.channel and await audience.subscribe() and delayed:
                await database_sync_to_async(mark_delivery_resumed)(session_id)


def session_positions(session_ids: list[int]) -> dict[int, tuple[int, bool]]:
    rows = LiveSession.objects.filter(pk__in=session_ids).values_list(
        "pk", "last_seq", "delivery_delayed_since"
    )
    return {pk: (last_seq, delayed is not None) for pk, last_seq, delayed in rows}


def events_since(session_id: int, seq: int) -> list[Event]:
    # Readers further behind than this find the gap themselves and catch up (or reload).
    return list(Event.objects.filter(session_id=session_id).after(seq)[:CATCH_UP_LIMIT])


def resync_interval() -> float:
    return settings.LIVEBLOG_RESYNC_SECONDS


_by_loop: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Readers]" = (
    weakref.WeakKeyDictionary()
)


def this_process() -> Readers:
    """The readers of this process (of its event loop: tests run one loop per test)."""
    loop = asyncio.get_running_loop()
    if loop not in _by_loop:
        _by_loop[loop] = Readers()
    return _by_loop[loop]

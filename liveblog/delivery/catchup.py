"""Catch-up: the events a reader missed, after the sequence number it is at.

The same answer over the websocket (on connect and after any gap) and over
plain HTTP (`/live/<slug>/events?after=N`, which the page polls when websockets
cannot connect).
"""

import json
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import wraps

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from liveblog.models import Event, LiveSession

# A reader further behind than this reloads the page: one fresh page is cheaper
# than replaying hundreds of edits, and the page shows only the latest posts anyway.
CATCH_UP_LIMIT = 300
# Every poller of a session asks the same few URLs; a short cache absorbs them. Short also
# because an answer may carry words withdrawn since (the log itself is redacted at once,
# liveblog.domain.events): `must-revalidate` forbids a proxy or CDN to serve it stale after
# these seconds (when the server is unreachable, say), so withdrawn text leaves every cache
# within them, as it leaves open pages.
CACHE_SECONDS = 3
# Answers this process keeps, by live, position asked from and the live's position: after a
# crash thousands of readers poll from the same few positions at once, and all but the
# first of each get the bytes already encoded, for the one query that reads the position.
# Bounded in bytes, not only in count: one answer may carry 300 posts' HTML, and anyone may
# ask from any position.
KEPT_ANSWERS = 256
KEPT_BYTES = 16 * 2**20


def missed_events(session_id: int, after: int, last_seq: int | None = None) -> list[Event] | None:
    """The session's events after `after` up to its position `last_seq` (read now if not
    given), in order; None if the reader must reload instead."""
    if last_seq is None:
        last_seq = LiveSession.objects.values_list("last_seq", flat=True).get(pk=session_id)
    if after > last_seq or last_seq - after > CATCH_UP_LIMIT:
        # Ahead of the log means the page came from another history (a restored database).
        return None
    # Up to the position read, no further: the answer is then exactly the one for that
    # position, which is what it is kept under (a later event may withdraw words).
    return list(Event.objects.filter(session_id=session_id).after(after).up_to(last_seq))


def database_read[**P, R](query: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """A read-only query for the websocket side, run in any of the event loop's worker threads.

    Channels' database_sync_to_async runs every query of a process on asgiref's one
    thread-sensitive thread: after a crash thousands of reconnecting readers' catch-ups
    queued behind each other there. These reads share nothing with a request's thread, so
    several run at once (the loop's pool bounds them, as the database pool bounds their
    connections); the connection is given back before and after, as Channels does.
    """

    def in_a_worker(*args: P.args, **kwargs: P.kwargs) -> R:
        close_old_connections()
        try:
            return query(*args, **kwargs)
        finally:
            close_old_connections()

    return wraps(query)(sync_to_async(in_a_worker, thread_sensitive=False))


def parse_after(value: str | None) -> int | None:
    if value is None or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def poll_seconds() -> float:
    """How often a page without a websocket should ask: said in every answer, so the
    server can slow its pollers down on a big night (LIVEBLOG_POLL_SECONDS)."""
    return settings.LIVEBLOG_POLL_SECONDS


class Answers:
    """The encoded catch-up answers this process gave lately, least recently used out first."""

    def __init__(self, size: int = KEPT_ANSWERS, budget: int = KEPT_BYTES):
        self.size, self.budget = size, budget
        self.bytes = 0
        self._kept: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()  # sync views run in many threads under ASGI

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            body = self._kept.get(key)
            if body is not None:
                self._kept.move_to_end(key)
            return body

    def keep(self, key: tuple, body: bytes) -> None:
        if len(body) > self.budget:
            return
        with self._lock:
            if key in self._kept:
                self.bytes -= len(self._kept.pop(key))
            self._kept[key] = body
            self.bytes += len(body)
            while len(self._kept) > self.size or self.bytes > self.budget:
                _key, dropped = self._kept.popitem(last=False)
                self.bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self.bytes = 0


answers = Answers()


def answer_body(session_id: int, after: int, last_seq: int) -> bytes:
    missed = missed_events(session_id, after, last_seq)
    if missed is None:
        payload = {"reload": True, "events": []}
    else:
        payload = {"reload": False, "events": [event.as_message() for event in missed]}
    payload["poll_seconds"] = poll_seconds()
    return json.dumps(payload, ensure_ascii=False).encode()


@require_GET
def events(request, slug: str):
    after = parse_after(request.GET.get("after"))
    if after is None:
        session = get_object_or_404(LiveSession.objects.only("pk", "language"), slug=slug)
        with translation.override(session.language):
            message = _("Give the sequence number you are at, as ?after=<number>.")
        return JsonResponse({"error": message}, status=400)
    # The live's position as its validators read it (liveblog.live.http_cache): no second query.
    position = getattr(request, "live_position", None)
    if position is None:
        position = get_object_or_404(
            LiveSession.objects.values_list("pk", "created_at", "last_seq"), slug=slug
        )
    session_id, created_at, last_seq = position
    # created_at: two lives that got the same id (a database restored) are not confused.
    key = (session_id, created_at, after, last_seq, poll_seconds())
    body = answers.get(key)
    if body is None:
        body = answer_body(session_id, after, last_seq)
        answers.keep(key, body)
    response = HttpResponse(body, content_type="application/json")
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS, must_revalidate=True)
    return response

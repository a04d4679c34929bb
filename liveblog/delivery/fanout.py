"""Fan-out: after commit, hand each event to the readers of its session.

The process that made the change encodes the event's frame once and sends it to
the session's channel-layer group (`fan_out`). Every server process with readers
of that session holds one subscription to the group and hands the same frame to
each of its readers (liveblog.delivery.audience). Delivery through the layer is at most
once; readers notice gaps by sequence number and catch up from the event log.
"""

import asyncio
import json
import logging
from datetime import datetime

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from liveblog.models import Event, LiveSession

log = logging.getLogger(__name__)

# Seconds a publish may wait for the channel layer before delivery counts as delayed.
SEND_TIMEOUT = 2.0


def session_group(session_id: int) -> str:
    return f"live-{session_id}"


def encode_frame(event: Event) -> str:
    """The websocket frame for one event: built once, the same text for every reader.

    Keys sorted: a frame rebuilt from the log for a reader catching up is then the
    very same text (PostgreSQL's jsonb does not keep the order keys were written in).
    """
    message = event.as_message()
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def fan_out(event: Event) -> None:
    """Send the event's frame to every process with readers of its session.

    A failure (Redis down) is logged and recorded, never raised: the change is
    saved already, and readers get it from the log when delivery resumes.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "live.event", "seq": event.seq, "frame": encode_frame(event)}
    try:
        async_to_sync(send_within)(layer, session_group(event.session_id), message)
    except Exception:
        log.exception("event %s not fanned out; readers will catch up from the log", event)
        mark_delivery_delayed(event.session_id)
    else:
        if delay_may_be_marked(event):
            mark_delivery_resumed(event.session_id)


def delay_may_be_marked(event: Event) -> bool:
    """Whether clearing the live's "delivery delayed" mark is worth a query: not when the
    live, read by the very request that made the change, had none (the common case: one
    UPDATE less per publish). A mark set since by another process is cleared by the next
    event or by a process that finds its readers current (liveblog.delivery.audience)."""
    if not Event.session.is_cached(event):
        return True
    session = event.session
    return "delivery_delayed_since" in session.get_deferred_fields() or (
        session.delivery_delayed_since is not None
    )


async def send_within(layer, group: str, message: dict) -> None:
    # An unreachable Redis host (not a refused connection) would otherwise hold the
    # journalist's publish request for the operating system's connect timeout.
    await asyncio.wait_for(layer.group_send(group, message), SEND_TIMEOUT)


def mark_delivery_delayed(session_id: int) -> None:
    LiveSession.objects.filter(pk=session_id, delivery_delayed_since=None).update(
        delivery_delayed_since=timezone.now()
    )


def mark_delivery_resumed(session_id: int) -> None:
    LiveSession.objects.filter(pk=session_id, delivery_delayed_since__isnull=False).update(
        delivery_delayed_since=None
    )


def delivery_delayed_since(session: LiveSession) -> datetime | None:
    """When live delivery of this session's events stopped working, if it has: the desk says so.

    Set when the channel layer refuses an event; cleared when an event goes
    through again or when a server process with readers of the session finds
    the layer working and its readers up to date. Read fresh: the flag is set
    after commit, later than the caller loaded its session.
    """
    return LiveSession.objects.values_list("delivery_delayed_since", flat=True).get(pk=session.pk)

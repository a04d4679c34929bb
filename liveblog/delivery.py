"""Fan-out: after commit, hand each event to the readers of its session."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from liveblog.models import Event

log = logging.getLogger(__name__)


def session_group(session_id: int) -> str:
    return f"live-{session_id}"


def fan_out(event: Event) -> None:
    """Send the event to the session's group. Delivery is at most once: readers
    notice any gap by its sequence number and catch up from the event log."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            session_group(event.session_id), {"type": "live.event", "event": event.as_message()}
        )
    except Exception:
        log.exception("event %s not fanned out; readers will catch up from the log", event)

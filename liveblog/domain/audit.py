"""The audit log: every change to a post or a session, written in the change's transaction.

The domain functions (`publish_post(post=…, by=…)`, `end_session(session=…, by=…)`…) call
`record_change`; the address comes from the request through `RequestAddressMiddleware`, so
views need not pass it along. Outside a request (scheduler, management commands) the address is empty.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from liveblog.client_address import request_client_address
from liveblog.models import AuditEntry

request_address: ContextVar[str] = ContextVar("request_address", default="")
# The entries of `entries_written_together`, waiting for its end; None: written at once.
_held_entries: ContextVar[list[AuditEntry] | None] = ContextVar("held_entries", default=None)


class RequestAddressMiddleware:
    """Keeps the client's address (behind a trusted proxy, the one it names) for the audit
    entries of this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_address.set(request_client_address(request))
        try:
            return self.get_response(request)
        finally:
            request_address.reset(token)


def record_change(action: str, *, by=None, session=None, post=None, detail=None) -> AuditEntry:
    """Append one entry. Must run inside the transaction that made the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_change must run inside the transaction of the change")
    if session is None and post is not None:
        session = post.session
    authenticated = by is not None and by.is_authenticated
    entry = AuditEntry(
        user_id=by.pk if authenticated else None,
        username=by.get_username() if authenticated else "",
        action=action,
        detail=detail or {},
        live_session_id=session.pk if session else None,
        session_label=str(session)[:200] if session else "",
        post_id=post.pk if post else None,
        post_label=str(post)[:200] if post else "",
        address=request_address.get() or None,
    )
    held = _held_entries.get()
    if held is None:
        entry.save()
    else:
        held.append(entry)
    return entry


@contextmanager
def entries_written_together() -> Iterator[None]:
    """The entries recorded inside this block (a post created, then published) are written
    at its end in one INSERT, in the order recorded, each with its own time: one round trip
    instead of one per entry. Use inside the transaction of the change; nothing is written
    if the block raises."""
    if _held_entries.get() is not None:
        yield  # An outer block writes them.
        return
    held: list[AuditEntry] = []
    token = _held_entries.set(held)
    try:
        yield
    finally:
        _held_entries.reset(token)
    AuditEntry.objects.bulk_create(held)


def changed_values(instance, fields: dict) -> dict:
    """`{name: {"from": old, "to": new}}` for the fields whose value differs, JSON-ready."""
    changes = {}
    for name, new in fields.items():
        old = getattr(instance, name)
        if old != new:
            changes[name] = {"from": plain_value(old), "to": plain_value(new)}
    return changes


def plain_value(value):
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value

"""Every change of a live session readers see: start, end, reopen, archive, and its header
(headline, standfirst, summary, lead photo, credits). Creating, planning, staffing and deleting
a live are in `liveblog.domain.lives`.

Each writes only the fields it changes (a stale copy of the session must never write back
`last_seq`, which events written since have moved on), the `session.updated` event and
the audit entry with what changed, in one transaction.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liveblog.domain.audit import changed_values, record_change
from liveblog.domain.events import record_event
from liveblog.models import Event, LiveSession, Photo

Status = LiveSession.Status

# The audit log's name for each change of a session's status.
STATUS_ACTIONS = {
    Status.LIVE: "session.started",
    Status.ENDED: "session.ended",
    Status.ARCHIVED: "session.archived",
}


class Keep:
    """A header field left as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()


def start_session(*, session: LiveSession, by, at: datetime | None = None) -> None:
    """Readers see it live. An ended live is reopened rather than started again."""
    if session.status == Status.ENDED:
        reopen_session(session=session, by=by)
        return
    if session.status != Status.SCHEDULED:
        raise ValidationError(_("Only a live that has not started yet can be started."))
    _change_status(session, Status.LIVE, by=by, started_at=at or timezone.now())


def end_session(*, session: LiveSession, by, at: datetime | None = None) -> None:
    if session.status != Status.LIVE:
        raise ValidationError(_("Only a live that is running can be ended."))
    _change_status(session, Status.ENDED, by=by, ended_at=at or timezone.now())


def reopen_session(*, session: LiveSession, by) -> None:
    """An ended live runs again: readers' status line goes back to "Live started on …", the
    end time is cleared (a planned end already past too, or the scheduler would end it again)."""
    if session.status != Status.ENDED:
        raise ValidationError(_("Only an ended live can be reopened."))
    fields = {"status": Status.LIVE, "ended_at": None}
    if session.scheduled_end and session.scheduled_end <= timezone.now():
        fields["scheduled_end"] = None
    _write(session, fields, by=by, action="session.reopened")


def archive_session(*, session: LiveSession, by, at: datetime | None = None) -> None:
    """Readers keep the page, marked archived; it leaves the home page and the desk's list."""
    if session.status != Status.ENDED:
        raise ValidationError(_("End the live before archiving it."))
    _change_status(session, Status.ARCHIVED, by=by, archived_at=at or timezone.now())


def update_header(
    *,
    session: LiveSession,
    by,
    headline: str | Keep = KEEP,
    standfirst: str | Keep = KEEP,
    summary: str | Keep = KEEP,
    lead_photo: Photo | Keep | None = KEEP,
    credits: str | Keep = KEEP,
) -> None:
    """Change what readers see above the posts; readers' pages follow at once."""
    given = {
        "headline": headline,
        "standfirst": standfirst,
        "summary": summary,
        "lead_photo": lead_photo,
    }
    fields = {
        name: value for name, value in {**given, "credits": credits}.items() if value is not KEEP
    }
    # Saved and sent to readers even unchanged (a form sent twice); audited only if changed.
    _write(session, fields, by=by, action="session.header_updated", audit_unchanged=False)


def _change_status(session: LiveSession, status: str, *, by, **times: datetime) -> None:
    fields = {"status": status, **times}
    if status == Status.ENDED and not session.started_at:
        fields["started_at"] = times["ended_at"]
    _write(session, fields, by=by, action=STATUS_ACTIONS[status])


def _write(
    session: LiveSession, fields: dict, *, by, action: str, audit_unchanged: bool = True
) -> None:
    """Write these fields of the session and no other, its `session.updated` event and the
    audit entry `action` with what changed, in one transaction."""
    with transaction.atomic():
        changes = changed_values(session, fields)
        for name, value in fields.items():
            setattr(session, name, value)
        session.full_clean()
        session.save(update_fields=[*fields, "updated_at"])
        record_event(session, Event.Kind.SESSION_UPDATED)
        if changes or audit_unchanged:
            record_change(action, by=by, session=session, detail=changes)

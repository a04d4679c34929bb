"""A live's life on the desk: created, planned, staffed, given its rubrics or (if it never
went public) deleted. Its start, end, reopening, archiving and header are changes readers
see, in `liveblog.domain.sessions` (one home per state change).

Each change is one keyword-only function: it writes the change with `update_fields`, the
event readers apply when they see it (`record_event`) and its audit entry
(`record_change`), in one transaction. The desk views call these; the scheduler starts
and ends lives on time through `liveblog.domain.sessions`.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from liveblog.content.text import fold
from liveblog.domain.audit import changed_values, plain_value, record_change
from liveblog.domain.events import record_event
from liveblog.models import LiveSession, Photo, Rubric
from liveblog.models.sessions import MAX_BACKDATE_MINUTES, RESERVED_SLUGS, refuse_reserved_slug

Status = LiveSession.Status

SLUG_LENGTH = 120


def suggested_slug(headline: str) -> str:
    """A free slug made from the headline: "Marathon de Paris" → "marathon-de-paris(-2…)"."""
    base = slugify(headline)[: SLUG_LENGTH - 4].strip("-") or "direct"
    slug, number = base, 1
    while slug in RESERVED_SLUGS or LiveSession.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def check_slug(slug: str) -> None:
    try:
        refuse_reserved_slug(slug)
    except ValidationError as refused:
        raise ValidationError({"slug": refused.messages}) from refused
    if LiveSession.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": _("A live already uses the slug “%(slug)s”.") % {"slug": slug}}
        )


def create_live(
    *,
    by,
    headline: str,
    slug: str,
    language: str = LiveSession.Language.FR,
    standfirst: str = "",
    credits: str = "",
    lead_photo: Photo | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> LiveSession:
    """A new live, scheduled (not public until it starts), with its header and planned times."""
    check_slug(slug)
    check_times(starts_at, ends_at)
    live = LiveSession(
        slug=slug,
        headline=headline,
        language=language,
        standfirst=standfirst,
        credits=credits,
        lead_photo=lead_photo,
        scheduled_for=starts_at,
        scheduled_end=ends_at,
        status=Status.SCHEDULED,
    )
    live.full_clean()
    with transaction.atomic():
        live.save()
        detail = {
            "headline": headline,
            "slug": slug,
            "language": language,
            "scheduled_for": plain_value(starts_at),
            "scheduled_end": plain_value(ends_at),
        }
        record_change("session.created", by=by, session=live, detail=detail)
    return live


def check_times(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The planned end must come after the planned start.")})


def schedule_live(
    *, live: LiveSession, by, starts_at: datetime | None, ends_at: datetime | None
) -> None:
    """Plan when the live starts (while it has not) and when it ends; the scheduler keeps to it."""
    if live.status in (Status.ENDED, Status.ARCHIVED):
        raise ValidationError(_("This live has ended: reopen it before planning its end."))
    if live.status != Status.SCHEDULED:
        starts_at = live.scheduled_for  # It has started: its start is history, not a plan.
        if ends_at and ends_at <= live.started_at:
            raise ValidationError(
                {"ends_at": _("The planned end must come after the start of the live.")}
            )
    check_times(starts_at, ends_at)
    fields = {"scheduled_for": starts_at, "scheduled_end": ends_at}
    with transaction.atomic():
        changes = changed_values(live, fields)
        if not changes:
            return
        for name, value in fields.items():
            setattr(live, name, value)
        live.save(update_fields=[*fields, "updated_at"])
        # Readers of a live not started yet see its planned start in the status line.
        record_event(live, "session.updated")
        record_change("session.scheduled", by=by, session=live, detail=changes)


def assign_journalists(*, live: LiveSession, by, people: Iterable) -> None:
    """The people who write in this live (editors write in every live anyway)."""
    people = set(people)
    with transaction.atomic():
        current = set(live.journalists.all())
        added, removed = people - current, current - people
        if not (added or removed):
            return
        live.journalists.add(*added)
        live.journalists.remove(*removed)
        detail = {
            "added": sorted(person_name(person) for person in added),
            "removed": sorted(person_name(person) for person in removed),
        }
        record_change("session.people_changed", by=by, session=live, detail=detail)


def set_backdating_rule(*, live: LiveSession, by, minutes: int) -> None:
    """How many minutes back the live's journalists may set a post's displayed time
    (0: only editors set it). Readers see nothing of it: no event."""
    if not 0 <= minutes <= MAX_BACKDATE_MINUTES:
        raise ValidationError(
            _("Give a number of minutes from 0 to %(most)d.") % {"most": MAX_BACKDATE_MINUTES}
        )
    with transaction.atomic():
        changes = changed_values(live, {"journalist_backdate_minutes": minutes})
        if not changes:
            return
        live.journalist_backdate_minutes = minutes
        live.save(update_fields=["journalist_backdate_minutes", "updated_at"])
        record_change("session.backdating_rule", by=by, session=live, detail=changes)


def person_name(person) -> str:
    return person.get_full_name() or person.get_username()


def offer_rubric(*, live: LiveSession, by, name: str) -> Rubric:
    """Offer a rubric in this live. The same words in another case or without accents are the
    same rubric (one key, `fold`); it is shown as the editor last typed it, so "Diplomatie"
    typed over "diplomatie" respells it everywhere it appears."""
    name = " ".join(name.split())
    if not fold(name):
        raise ValidationError({"name": _("Type the rubric's name.")})
    with transaction.atomic():
        rubric = Rubric.objects.select_for_update().filter(key=fold(name)).first()
        if rubric is None:
            rubric = Rubric(name=name)
            rubric.full_clean()
            rubric.save()
            record_change("rubric.created", by=by, session=live, detail={"name": name})
        elif rubric.name != name:
            detail = {"name": {"from": rubric.name, "to": name}}
            rubric.name = name
            rubric.save(update_fields=["name", "key"])
            record_change("rubric.renamed", by=by, session=live, detail=detail)
        if not live.rubrics.filter(pk=rubric.pk).exists():
            live.rubrics.add(rubric)
            record_change("session.rubric_offered", by=by, session=live, detail={"name": name})
    return rubric


def withdraw_rubric(*, live: LiveSession, by, rubric: Rubric) -> None:
    """No longer suggested in this live; posts that carry it keep it."""
    with transaction.atomic():
        if live.rubrics.filter(pk=rubric.pk).exists():
            live.rubrics.remove(rubric)
            detail = {"name": rubric.name}
            record_change("session.rubric_withdrawn", by=by, session=live, detail=detail)


def deletion_refused(live: LiveSession) -> str:
    """Why this live cannot be deleted, or "" if it can (it never went public)."""
    if live.started_at or live.status != Status.SCHEDULED:
        return _(
            "This live went public on %(date)s: readers, search engines and feeds may have "
            "it, so it cannot be deleted. End it and archive it instead."
        ) % {"date": date_format(localtime(live.started_at or live.updated_at, UTC), "j F Y")}
    return ""


def delete_live(*, live: LiveSession, by) -> None:
    """Remove a live that never went public (a mistake, a test), with its drafts."""
    if refusal := deletion_refused(live):
        raise ValidationError(refusal)
    with transaction.atomic():
        detail = {"headline": live.headline, "slug": live.slug, "posts": live.posts.count()}
        record_change("session.deleted", by=by, session=live, detail=detail)
        live.delete()

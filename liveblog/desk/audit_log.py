"""The audit log read as sentences: “Jeanne Martin published “…” at 21H35”, in the page's
language, times in UTC like everywhere else. The log itself keeps codes and ISO times
(liveblog.models.AuditEntry); this is only how the desk says them.

Each action has one function below; an action without one still reads as a sentence
naming who did what, so a new kind of entry never breaks the page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from liveblog.models import AuditEntry
from liveblog.templatetags.liveblog import clock, day

# What an edit changed, as the desk names it (the keys of domain.writing.content_of).
PARTS = {
    "title": lambda: _("title"),
    "rubric": lambda: _("rubric"),
    "blocks": lambda: _("text and blocks"),
    "correction": lambda: _("correction note"),
}
HEADER_PARTS = {
    "headline": lambda: _("headline"),
    "standfirst": lambda: _("standfirst"),
    "lead_photo": lambda: _("lead photo"),
    "credits": lambda: _("credits"),
}


@dataclass
class Line:
    entry: AuditEntry
    sentence: SafeString


def audit_lines(entries: list[AuditEntry]) -> list[Line]:
    """Each entry with its sentence; people are named as the desk knows them now."""
    ids = {entry.user_id for entry in entries if entry.user_id}
    names = {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=ids)
    }
    return [Line(entry, sentence(entry, names)) for entry in entries]


def sentence(entry: AuditEntry, names: dict[int, str] | None = None) -> SafeString:
    who = (names or {}).get(entry.user_id) or entry.username or _("The system")
    values = {
        "who": who,
        "post": entry.post_label or _("a post"),
        "time": time_html(entry.at),
    }
    say = SAYINGS.get(entry.action, say_unknown)
    if say is say_published:
        message, extra = say_published(entry.detail or {}, entry.at)
    else:
        message, extra = say(entry.detail or {})
    values |= extra
    values |= {"action": entry.action} if say is say_unknown else {}
    escaped = {
        name: value if isinstance(value, SafeString) else conditional_escape(value)
        for name, value in values.items()
    }
    # The message is ours (a translation), every value in it is escaped or built safe.
    return mark_safe(message % escaped)


def time_html(moment: datetime | None) -> SafeString:
    if moment is None:
        return mark_safe("")
    return format_html('<time datetime="{}">{}</time>', moment.isoformat(), clock(moment))


def when(value: str | None) -> str:
    """An ISO time from the log as the desk says times: “21 octobre 2025, 21H35”."""
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return "—"
    return _("%(day)s at %(time)s") % {"day": day(moment), "time": clock(moment)}


def named(keys, parts) -> str:
    return ", ".join(parts[key]() if key in parts else key for key in keys)


def say_published(detail, at=None):
    shown = parse_datetime(detail.get("published_at") or "")
    if shown and at and abs((shown - at).total_seconds()) >= 60:
        return _("%(who)s published “%(post)s” at %(time)s, displayed at %(shown)s."), {
            "shown": when(detail["published_at"])
        }
    return _("%(who)s published “%(post)s” at %(time)s."), {}


def say_created(detail):
    return _("%(who)s started writing “%(post)s” at %(time)s."), {}


def say_scheduled(detail):
    return _("%(who)s scheduled “%(post)s” for %(at)s, at %(time)s."), {
        "at": when(detail.get("at"))
    }


def say_unscheduled(detail):
    return _("%(who)s took “%(post)s” off the schedule at %(time)s."), {}


def say_edited(detail):
    moved = detail.get("displayed_at")
    changed = detail.get("changed")
    if detail.get("correction"):
        return _("%(who)s corrected “%(post)s” at %(time)s: “%(note)s”."), {
            "note": detail["correction"]
        }
    if moved and not changed and detail.get("content_changed") is False:
        return _(
            "%(who)s changed the displayed time of “%(post)s” from %(from)s to %(to)s, "
            "at %(time)s (not shown to readers as an update)."
        ), {"from": when(moved.get("from")), "to": when(moved.get("to"))}
    if detail.get("content_changed") is False:
        return _("%(who)s saved “%(post)s” unchanged at %(time)s."), {}
    if detail.get("status") in ("draft", "scheduled"):
        return _("%(who)s edited the draft “%(post)s” at %(time)s."), {}
    if changed:
        return _("%(who)s updated “%(post)s” (%(what)s) at %(time)s."), {
            "what": named(changed, PARTS)
        }
    return _("%(who)s updated “%(post)s” at %(time)s."), {}


def say_deleted(detail):
    return _("%(who)s deleted “%(post)s” at %(time)s."), {}


def say_restored(detail):
    return _("%(who)s brought back the deleted post “%(post)s” at %(time)s."), {}


def say_pinned(detail):
    if detail.get("pinned"):
        return _("%(who)s pinned “%(post)s” at %(time)s."), {}
    return _("%(who)s unpinned “%(post)s” at %(time)s."), {}


def say_key_event(detail):
    if detail.get("key_event"):
        return _("%(who)s marked “%(post)s” as a key event at %(time)s."), {}
    return _("%(who)s removed “%(post)s” from the key events at %(time)s."), {}


def say_revision_restored(detail):
    return _("%(who)s brought back version %(version)s of “%(post)s” at %(time)s."), {
        "version": detail.get("version", "?")
    }


def say_started(detail):
    return _("%(who)s started the live at %(time)s."), {}


def say_ended(detail):
    return _("%(who)s ended the live at %(time)s."), {}


def say_archived(detail):
    return _("%(who)s archived the live at %(time)s."), {}


def say_header_updated(detail):
    return _("%(who)s changed the live's %(what)s at %(time)s."), {
        "what": named(detail.keys(), HEADER_PARTS)
    }


def say_imported(detail):
    count = detail.get("posts", 0)
    return ngettext(
        "%(who)s imported the live from an archive (%(count)s post) at %(time)s.",
        "%(who)s imported the live from an archive (%(count)s posts) at %(time)s.",
        count,
    ), {"count": count}


def say_sent_back_to_draft(detail):
    if detail.get("reason"):
        return _(
            "%(who)s took “%(post)s” off the live page, back to drafts, at %(time)s (%(reason)s)."
        ), {"reason": detail["reason"]}
    return _("%(who)s took “%(post)s” off the live page, back to drafts, at %(time)s."), {}


def say_submitted(detail):
    return _("%(who)s sent “%(post)s” for review at %(time)s."), {}


def say_review_published(detail):
    return _("%(who)s published “%(post)s”, sent for review by %(author)s, at %(time)s."), {
        "author": detail.get("author", "")
    }


def say_review_returned(detail):
    return _("%(who)s sent “%(post)s” back to its author at %(time)s: “%(note)s”."), {
        "note": detail.get("note", "")
    }


def say_journalists_review(detail):
    if detail.get("allowed"):
        return _("%(who)s let the live's journalists review contributors' posts at %(time)s."), {}
    return _("%(who)s left contributors' posts to the editors at %(time)s."), {}


def say_session_created(detail):
    if detail.get("scheduled_for"):
        return _("%(who)s created the live “%(headline)s”, planned for %(start)s, at %(time)s."), {
            "headline": detail.get("headline", ""),
            "start": when(detail["scheduled_for"]),
        }
    return _("%(who)s created the live “%(headline)s” at %(time)s."), {
        "headline": detail.get("headline", "")
    }


def plan(value: dict | None) -> str:
    """A planned time from a change ({from, to}) as the desk says it; none said as such."""
    to = (value or {}).get("to")
    return when(to) if to else _("none")


def say_session_scheduled(detail):
    if "scheduled_for" in detail and "scheduled_end" in detail:
        return _("%(who)s planned the live to start %(start)s and end %(end)s, at %(time)s."), {
            "start": plan(detail["scheduled_for"]),
            "end": plan(detail["scheduled_end"]),
        }
    if "scheduled_for" in detail:
        return _("%(who)s planned the start of the live: %(start)s, at %(time)s."), {
            "start": plan(detail["scheduled_for"])
        }
    return _("%(who)s planned the end of the live: %(end)s, at %(time)s."), {
        "end": plan(detail.get("scheduled_end"))
    }


def say_people_changed(detail):
    added, removed = detail.get("added") or [], detail.get("removed") or []
    if added and removed:
        return _("%(who)s added %(added)s to the live and removed %(removed)s, at %(time)s."), {
            "added": ", ".join(added),
            "removed": ", ".join(removed),
        }
    if added:
        return _("%(who)s added %(added)s to the live at %(time)s."), {"added": ", ".join(added)}
    return _("%(who)s removed %(removed)s from the live at %(time)s."), {
        "removed": ", ".join(removed)
    }


def say_backdating_rule(detail):
    minutes = (detail.get("journalist_backdate_minutes") or {}).get("to") or 0
    if not minutes:
        return _("%(who)s left the displayed time to editors only, at %(time)s."), {}
    message = ngettext(
        "%(who)s let the live's journalists set the displayed time up to %(minutes)s minute "
        "back, at %(time)s.",
        "%(who)s let the live's journalists set the displayed time up to %(minutes)s minutes "
        "back, at %(time)s.",
        minutes,
    )
    return message, {"minutes": minutes}


def say_rubric_created(detail):
    return _("%(who)s created the rubric “%(name)s” at %(time)s."), {"name": detail.get("name", "")}


def say_rubric_renamed(detail):
    name = detail.get("name") or {}
    return _("%(who)s renamed the rubric “%(from)s” to “%(to)s” at %(time)s."), {
        "from": name.get("from", ""),
        "to": name.get("to", ""),
    }


def say_rubric_offered(detail):
    return _("%(who)s offered the rubric “%(name)s” in this live at %(time)s."), {
        "name": detail.get("name", "")
    }


def say_rubric_withdrawn(detail):
    return _("%(who)s withdrew the rubric “%(name)s” from this live at %(time)s."), {
        "name": detail.get("name", "")
    }


def say_reopened(detail):
    return _("%(who)s reopened the live at %(time)s."), {}


def say_session_deleted(detail):
    count = detail.get("posts", 0)
    return ngettext(
        "%(who)s deleted the live “%(headline)s” (%(count)s post) at %(time)s.",
        "%(who)s deleted the live “%(headline)s” (%(count)s posts) at %(time)s.",
        count,
    ), {"headline": detail.get("headline", ""), "count": count}


def say_admin(verb: str) -> Callable:
    def say(detail):
        messages = {
            "added": _("%(who)s added %(object)s in the administration at %(time)s."),
            "changed": _("%(who)s changed %(object)s in the administration at %(time)s."),
            "deleted": _("%(who)s deleted %(object)s in the administration at %(time)s."),
        }
        return messages[verb], {"object": detail.get("object", "")}

    return say


def say_unknown(detail):
    return _("%(who)s: %(action)s, at %(time)s."), {}


SAYINGS: dict[str, Callable] = {
    "post.created": say_created,
    "post.published": say_published,
    "post.scheduled": say_scheduled,
    "post.unscheduled": say_unscheduled,
    "post.sent_back_to_draft": say_sent_back_to_draft,
    "post.edited": say_edited,
    "post.submitted": say_submitted,
    "post.review_published": say_review_published,
    "post.review_returned": say_review_returned,
    "post.deleted": say_deleted,
    "post.restored": say_restored,
    "post.pinned": say_pinned,
    "post.key_event": say_key_event,
    "post.revision_restored": say_revision_restored,
    "session.started": say_started,
    "session.ended": say_ended,
    "session.archived": say_archived,
    "session.header_updated": say_header_updated,
    "session.imported": say_imported,
    "session.created": say_session_created,
    "session.scheduled": say_session_scheduled,
    "session.people_changed": say_people_changed,
    "session.backdating_rule": say_backdating_rule,
    "session.rubric_offered": say_rubric_offered,
    "session.rubric_withdrawn": say_rubric_withdrawn,
    "session.reopened": say_reopened,
    "session.journalists_review": say_journalists_review,
    "session.deleted": say_session_deleted,
    "rubric.created": say_rubric_created,
    "rubric.renamed": say_rubric_renamed,
    "admin.added": say_admin("added"),
    "admin.changed": say_admin("changed"),
    "admin.deleted": say_admin("deleted"),
}

"""The live blog's records: sessions, posts and their blocks, rubrics, photos, the event log,
the audit log."""

from .audit import AuditEntry
from .branding import Branding
from .cards import LinkCard
from .desk import Draft, Presence, Revision
from .events import Event
from .notes import DeskNote
from .participation import KeyEventAlert, Poll, PollChoice, PushSubscription, Question
from .photos import Photo, PhotoCredit
from .posts import Block, Post, Rubric
from .renditions import PhotoRendition
from .sessions import LiveSession

__all__ = [
    "AuditEntry",
    "Block",
    "Branding",
    "DeskNote",
    "Draft",
    "Event",
    "KeyEventAlert",
    "LinkCard",
    "LiveSession",
    "Photo",
    "PhotoCredit",
    "PhotoRendition",
    "Poll",
    "PollChoice",
    "Post",
    "Presence",
    "PushSubscription",
    "Question",
    "Revision",
    "Rubric",
]

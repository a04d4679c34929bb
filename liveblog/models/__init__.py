"""The live blog's records: sessions, posts and their blocks, rubrics, photos, the event log,
the audit log."""

from .audit import AuditEntry
from .desk import Draft, Presence, Revision
from .events import Event
from .participation import Poll, PollChoice, Question
from .photos import Photo, PhotoCredit
from .posts import Block, Post, Rubric
from .renditions import PhotoRendition
from .sessions import LiveSession

__all__ = [
    "AuditEntry",
    "Block",
    "Draft",
    "Event",
    "LiveSession",
    "Photo",
    "PhotoCredit",
    "PhotoRendition",
    "Poll",
    "PollChoice",
    "Post",
    "Presence",
    "Question",
    "Revision",
    "Rubric",
]

"""The live blog's records: sessions, posts and their blocks, rubrics, photos, the event log,
the audit log."""

from .audit import AuditEntry
from .branding import Branding
from .cards import LinkCard
from .desk import Draft, Presence, Revision
from .events import Event
from .photos import Photo, PhotoCredit
from .posts import Block, Post, Rubric
from .renditions import PhotoRendition
from .sessions import LiveSession

__all__ = [
    "AuditEntry",
    "Block",
    "Branding",
    "Draft",
    "Event",
    "LinkCard",
    "LiveSession",
    "Photo",
    "PhotoCredit",
    "PhotoRendition",
    "Post",
    "Presence",
    "Revision",
    "Rubric",
]

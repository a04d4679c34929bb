"""The live blog's records: sessions, posts and their blocks, rubrics, photos, the event log."""

from .events import Event
from .photos import Photo, PhotoCredit
from .posts import Block, Post, Rubric
from .sessions import LiveSession

__all__ = ["Block", "Event", "LiveSession", "Photo", "PhotoCredit", "Post", "Rubric"]

"""Desk notes: what the people on a live's desk say to each other while it runs.

Private to the desk: never an event, so never in the reader page, its websocket, the
feeds, the API or the public archives; kept in the newsroom's export of the live
(liveblog.domain.archive). The desk's views push a new note to the desk's own socket
(liveblog.delivery.desk_channel) once it is saved.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from liveblog.models import DeskNote, LiveSession, Post

# The thread the desk shows; older notes stay in the export.
THREAD_SIZE = 100


def post_note(*, session: LiveSession, author, text: str, post: Post | None = None) -> DeskNote:
    """Save one note from `author` in the session's desk thread (ValidationError says why not)."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Write a message before sending it."))
    if len(text) > DeskNote.MAX_LENGTH:
        raise ValidationError(
            _("A desk note holds at most %(limit)d characters (this one has %(count)d).")
            % {"limit": DeskNote.MAX_LENGTH, "count": len(text)}
        )
    if post is not None and post.session_id != session.pk:
        raise ValidationError(_("That post belongs to another live."))
    return DeskNote.objects.create(session=session, author=author, text=text, post=post)


def desk_thread(session: LiveSession) -> list[DeskNote]:
    """The latest notes of the session, oldest first as a conversation reads."""
    notes = (
        DeskNote.objects.filter(session=session)
        .select_related("author", "post")
        .latest_first()[:THREAD_SIZE]
    )
    return list(reversed(notes))

"""Desk notes on the desk: the thread, and sending a note to everyone on the live's desk."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from liveblog.delivery.desk_channel import tell_the_desk
from liveblog.desk.views import session_for
from liveblog.domain.notes import desk_thread, post_note
from liveblog.domain.roles import can_see_desk_room, is_editor, require
from liveblog.models import LiveSession, Post

# The posts a note may be about: the latest ones, which the desk is talking about.
POSTS_TO_PICK = 20


@login_required
def notes(request, slug: str):
    """GET: the thread (the desk reloads it when its socket comes back). POST: send a note."""
    session = session_for(request, slug)
    require(can_see_desk_room(request.user))
    if request.method != "POST":
        return render(request, "liveblog/desk_notes.html#thread", {"notes": desk_thread(session)})
    text = request.POST.get("text", "")
    try:
        note = post_note(
            session=session, author=request.user, text=text, post=post_picked(request, session)
        )
    except ValidationError as error:
        if not request.htmx:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("desk:session", args=[session.slug]) + "#desk-notes")
        context = note_form_context(request, session, text=text, errors=error.messages)
        return render(request, "liveblog/desk_notes.html#form", context)
    tell_the_desk(note)
    if not request.htmx:
        return redirect(reverse("desk:session", args=[session.slug]) + "#desk-notes")
    context = note_form_context(request, session, sent=note)
    return render(request, "liveblog/desk_notes.html#form", context)


def post_picked(request, session: LiveSession) -> Post | None:
    """The post the note is about, among those this person may see on the desk."""
    chosen = request.POST.get("post", "")
    if not chosen:
        return None
    post = None
    if chosen.isdigit():
        post = notable_posts(request.user, session).filter(pk=int(chosen)).first()
    if post is None:
        raise ValidationError(_("That post is not on this desk any more: pick another or none."))
    return post


def notable_posts(user, session: LiveSession):
    """What a note may be about: published posts, and the unpublished ones this person sees
    on the desk (all for editors, their own for the others)."""
    posts = session.posts.exclude(status=Post.Status.DELETED)
    if is_editor(user):
        return posts
    return posts.filter(status=Post.Status.PUBLISHED) | posts.filter(author=user)


def note_form_context(request, session, *, text: str = "", errors=(), sent=None) -> dict:
    posts = notable_posts(request.user, session).order_by("-published_at", "-pk")
    return {
        "session": session,
        "note_text": text,
        "note_errors": errors,
        "sent_note": sent,
        "note_posts": posts[:POSTS_TO_PICK],
    }

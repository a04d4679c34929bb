"""Desk actions on one post: write, edit (with conflict detection), delete and undo,
pin, key event, revisions. Each view checks permission, validates, calls one model
method or workflow, and renders the full page or, for htmx, the fragment."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from liveblog.desk.attachments import keep_uploaded_photos
from liveblog.desk.composer import Composer
from liveblog.desk.publishing import EditConflict, save_post
from liveblog.desk.views import composer_for_post, desk_context, post_for, session_for, timeline
from liveblog.domain.revisions import history, restore_revision
from liveblog.domain.roles import is_editor, require
from liveblog.models import Draft, Post, Revision

log = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = gettext_lazy(
    "The newsroom database is not answering, so nothing was saved. What you wrote is "
    "still here: try again in a moment."
)


def desk_url(session, post=None) -> str:
    url = reverse("desk:session", kwargs={"slug": session.slug})
    return f"{url}#post-{post.pk}" if post else url


def go_to(request, url: str):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
def new_post(request, slug: str):
    session = session_for(request, slug)
    if request.method != "POST":
        return redirect(desk_url(session))
    return compose(request, session, post=None)


@login_required
def edit_post(request, slug: str, post_id: int):
    session = session_for(request, slug)
    post = post_for(request, session, post_id)
    if request.method != "POST":
        composer, draft = composer_for_post(request, session, post)
        return render_composer(request, session, composer, post=post, draft=draft)
    return compose(request, session, post=post)


def compose(request, session, post: Post | None):
    data = request.POST.copy()
    refused = keep_uploaded_photos(data, request.FILES, request.user)
    if change := data.get("change"):
        if change == "clear":
            Draft.discard(request.user, session, post)
            return go_to(request, request.path if post else desk_url(session))
        composer = Composer.from_state(data, user=request.user, change=change)
        return render_composer(request, session, composer, post=post)
    composer = Composer(data, request.FILES, user=request.user, refused=refused)
    if not composer.is_valid():
        return render_composer(request, session, composer, post=post, status=422)
    try:
        saved = save_post(composer, by=request.user, session=session, post=post)
    except ValidationError as error:
        composer.post_form.add_error(None, error)
        return render_composer(request, session, composer, post=post, status=422)
    except EditConflict as conflict:
        data["version"] = str(conflict.current.version)
        composer = Composer(data, user=request.user)
        return render_composer(
            request, session, composer, post=post, conflict=conflict.current, status=409
        )
    except DatabaseError:
        # Locked or unreachable: the transaction rolled back, so nothing is half-published.
        # The journalist keeps the form as typed (and the autosaved draft) to try again.
        log.exception("saving a post of session %s failed", session.pk)
        composer.post_form.add_error(None, DATABASE_UNAVAILABLE)
        return render_composer(request, session, composer, post=post, status=503)
    Draft.discard(request.user, session, post)
    messages.success(request, saved_message(saved, is_new=post is None))
    if request.htmx and post is None:
        fresh = Composer(user=request.user, initial={}, blocks=[{"kind": "paragraph"}])
        return render_composer(request, session, fresh, refresh_timeline=True)
    return go_to(request, desk_url(session, saved))


def saved_message(post: Post, *, is_new: bool) -> str:
    if post.status == Post.Status.SCHEDULED:
        return _("Post scheduled.")
    if post.is_published:
        return _("Post published.") if is_new else _("Post updated.")
    return _("Draft saved.")


def render_composer(request, session, composer, *, post=None, status=200, **extra):
    """The composer alone for htmx; otherwise its whole page (the desk, or the edit page)."""
    context = desk_context(request, session, composer, post=post, **extra)
    if request.htmx and not request.htmx.history_restore_request:
        template = "liveblog/desk_composer.html"
    else:
        template = "liveblog/desk_edit.html" if post else "liveblog/desk.html"
    return render(request, template, context, status=status)


@login_required
def delete_post(request, slug: str, post_id: int):
    session = session_for(request, slug)
    post = post_for(request, session, post_id)
    if request.method == "POST":
        post.delete_softly(by=request.user)
        messages.success(request, _("Post deleted. An editor can bring it back."))
        return go_to(request, desk_url(session))
    return render(request, "liveblog/desk_delete.html", {"session": session, "post": post})


@login_required
@require_POST
def undelete_post(request, slug: str, post_id: int):
    session = session_for(request, slug)
    post = post_for(request, session, post_id)
    require(is_editor(request.user) and post.status == Post.Status.DELETED)
    post.restore(by=request.user)
    messages.success(request, _("Post restored."))
    return go_to(request, desk_url(session, post))


@login_required
@require_POST
def toggle_pinned(request, slug: str, post_id: int):
    return toggle(request, slug, post_id, "set_pinned", "pinned")


@login_required
@require_POST
def toggle_key_event(request, slug: str, post_id: int):
    return toggle(request, slug, post_id, "set_key_event", "key_event")


def toggle(request, slug: str, post_id: int, method: str, flag: str):
    session = session_for(request, slug)
    post = post_for(request, session, post_id)
    getattr(post, method)(not getattr(post, flag), by=request.user)
    if not request.htmx:
        return redirect(desk_url(session, post))
    post = Post.objects.for_display().select_related("session").get(pk=post.pk)
    context = {**timeline(session, request.user), "post": post}
    return render(request, "liveblog/desk.html#desk_post", context)


@login_required
def revisions(request, slug: str, post_id: int):
    session = session_for(request, slug)
    post = post_for(request, session, post_id)
    require(is_editor(request.user))
    context = {"session": session, "post": post, "revisions": history(post)}
    return render(request, "liveblog/desk_revisions.html", context)


@login_required
@require_POST
def restore_post_revision(request, slug: str, post_id: int, version: int):
    session = session_for(request, slug)
    post = post_for(request, session, post_id)
    require(is_editor(request.user))
    revision = get_object_or_404(Revision, post=post, version=version)
    restore_revision(revision, by=request.user)
    messages.success(request, _("Version %(version)s restored.") % {"version": version})
    return go_to(request, desk_url(session, post))

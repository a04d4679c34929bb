"""Desk actions on one post: write, edit (with conflict detection), delete and undo,
pin, key event, revisions. Each view checks permission, validates, calls one domain
function (liveblog.domain), and renders the full page or, for htmx, the fragment."""

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

from liveblog.delivery.desk_channel import tell_review_changed
from liveblog.desk.attachments import attach_cards, keep_uploaded_photos
from liveblog.desk.composer import Composer, new_post_state, without_nuls
from liveblog.desk.publishing import EditConflict, save_composer
from liveblog.desk.timeline import Filters, with_summaries
from liveblog.desk.views import (
    composer_for_post,
    desk_context,
    post_for,
    session_for,
)
from liveblog.domain import posts as changes
from liveblog.domain.revisions import history, restore_revision
from liveblog.domain.roles import is_contributor, is_editor, require
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
    data = without_nuls(request.POST)
    refused = keep_uploaded_photos(data, request.FILES, request.user)
    # Before validation: a related link whose page gives its title needs none typed.
    attach_cards(data, change=data.get("change", ""))
    if change := data.get("change"):
        if change == "clear":
            Draft.discard(request.user, session, post)
            return go_to(request, request.path if post else desk_url(session))
        composer = Composer.from_state(data, user=request.user, session=session, change=change)
        return render_composer(request, session, composer, post=post)
    composer = Composer(data, request.FILES, user=request.user, session=session, refused=refused)
    if not composer.is_valid():
        return render_composer(request, session, composer, post=post, status=422)
    if asks_before_publishing(session, post, data):
        return confirm_publishing_after_end(request, session, post, data)
    was_waiting = post is not None and post.status == Post.Status.SUBMITTED
    try:
        saved = save_composer(composer, by=request.user, session=session, post=post)
    except ValidationError as error:
        composer.post_form.add_error(None, error)
        return render_composer(request, session, composer, post=post, status=422)
    except EditConflict as conflict:
        data["version"] = str(conflict.current.version)
        composer = Composer(data, user=request.user, session=session)
        return render_composer(
            request, session, composer, post=post, conflict=conflict.current, status=409
        )
    except DatabaseError:
        # Locked or unreachable: the transaction rolled back, so nothing is half-published.
        # The journalist keeps the form as typed (and the autosaved draft) to try again.
        log.exception("saving a post of session %s failed", session.pk)
        composer.post_form.add_error(None, DATABASE_UNAVAILABLE)
        return render_composer(request, session, composer, post=post, status=503)
    if was_waiting or saved.status == Post.Status.SUBMITTED:
        tell_review_changed(saved)
    messages.success(request, saved_message(saved, is_new=post is None))
    if request.htmx and post is None:
        fresh = Composer.from_state(new_post_state(), user=request.user, session=session)
        filters = Filters.of_request(request)
        if saved.is_published and filters.is_default:
            return render_published(request, session, fresh, saved, filters)
        return render_composer(request, session, fresh, refresh_timeline=True)
    return go_to(request, desk_url(session, saved))


def render_published(request, session, composer, saved: Post, filters: Filters):
    """After a publish from the desk (htmx): a fresh composer and the new post's line on top
    of the timeline, nothing else. The rest of the timeline (counts, colleagues' posts) is
    redrawn by the desk page itself when the post's event comes back (desk.js); rendering
    the whole timeline here cost most of a publish's server time."""
    row = saved.for_display()  # in hand for a text post: not read again
    context = {
        "session": session,
        "composer": composer,
        "filters": filters,
        "is_editor": is_editor(request.user),
        "new_row": with_summaries([row])[0],
    }
    return render(request, "liveblog/desk_composer.html", context)


# Actions that put a post in front of readers; in an ended live they are confirmed first.
OUT_TO_READERS = ("publish", "schedule")


def asks_before_publishing(session, post: Post | None, data) -> bool:
    """An ended live's readers think it is over: a new post there is asked about first."""
    ended = session.status in (session.Status.ENDED, session.Status.ARCHIVED)
    first_time = post is None or not post.is_published
    wants_out = data.get("action") in OUT_TO_READERS
    return ended and first_time and wants_out and data.get("after_end") != "confirmed"


def confirm_publishing_after_end(request, session, post: Post | None, data):
    """ "This live has ended. Publish anyway?": the whole composer rides along in hidden
    fields (uploaded photos already stored), so either answer loses nothing."""
    kept = [
        (name, value)
        for name, values in data.lists()
        if name not in ("csrfmiddlewaretoken", "action", "change", "after_end")
        for value in values
    ]
    context = {
        "session": session,
        "post": post,
        "kept": kept,
        "action": data.get("action"),
        "target": reverse("desk:post-edit", args=[session.slug, post.pk])
        if post
        else reverse("desk:post-new", args=[session.slug]),
    }
    template = "liveblog/desk_confirm_ended.html"
    if request.htmx:
        template += "#confirm"
    return render(request, template, context, status=409)


def saved_message(post: Post, *, is_new: bool) -> str:
    if post.status == Post.Status.SCHEDULED:
        return _("Post scheduled.")
    if post.status == Post.Status.SUBMITTED:
        return _("Sent for review: an editor will publish it, or send it back with a note.")
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
        changes.delete_post(post=post, by=request.user)
        messages.success(request, _("Post deleted. An editor can bring it back."))
        return go_to(request, desk_url(session))
    return render(request, "liveblog/desk_delete.html", {"session": session, "post": post})


@login_required
@require_POST
def undelete_post(request, slug: str, post_id: int):
    session = session_for(request, slug)
    post = post_for(request, session, post_id)
    require(is_editor(request.user) and post.status == Post.Status.DELETED)
    refused = changes.restore_post(post=post, by=request.user)
    if refused:
        message = _("Post restored as a draft, not put back out: %(reasons)s")
        messages.warning(request, message % {"reasons": " ".join(refused)})
    else:
        messages.success(request, _("Post restored."))
    return go_to(request, desk_url(session, post))


@login_required
@require_POST
def toggle_pinned(request, slug: str, post_id: int):
    return toggle(request, slug, post_id, "pinned")


@login_required
@require_POST
def toggle_key_event(request, slug: str, post_id: int):
    return toggle(request, slug, post_id, "key_event")


def toggle(request, slug: str, post_id: int, flag: str):
    session = session_for(request, slug)
    post = post_for(request, session, post_id)
    require(not is_contributor(request.user))  # what stands out on the live is the editors' call
    if flag == "pinned":
        changes.set_pinned(post=post, pinned=not post.pinned, by=request.user)
    else:
        changes.set_key_event(post=post, key_event=not post.key_event, by=request.user)
    if not request.htmx:
        return redirect(desk_url(session, post))
    # Only this post is redrawn, open (the person is looking at it): its line needs the
    # post with its summary, its session, the role and the timeline's filters.
    post = with_summaries([Post.objects.for_display().select_related("session").get(pk=post.pk)])[0]
    context = {
        "session": session,
        "post": post,
        "is_editor": is_editor(request.user),
        "filters": Filters.of_request(request),
        "expanded": post.pk,
    }
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

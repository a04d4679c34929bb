"""The journalists' desk: my sessions, a session's desk (composer and timeline),
autosave and presence. Post and session actions live in desk_posts and desk_session."""

from datetime import timedelta

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.db.models import Exists, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from liveblog.desk.attachments import credit_labels
from liveblog.desk.composer import Composer, new_post_state, state_of, without_nul
from liveblog.desk.login import ThrottledAuthenticationForm
from liveblog.desk.timeline import DESK_TIMELINE_SIZE, Filters, timeline
from liveblog.domain.roles import (
    can_edit_post,
    can_review_in,
    can_run_lives,
    can_write_in,
    desk_sessions,
    live_for,
    require,
    uses_desk,
)
from liveblog.models import Draft, LiveSession, Post, Presence, Rubric

__all__ = ["DESK_TIMELINE_SIZE", "timeline"]  # Where the desk's views and tests find them.


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


def session_for(request, slug: str) -> LiveSession:
    """The session named in the URL, if this person may write in it (403 otherwise)."""
    try:
        session = live_for(request.user, slug=slug)
    except LiveSession.DoesNotExist:
        raise Http404 from None
    require(can_write_in(request.user, session))
    return session


def post_for(request, session: LiveSession, post_id: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("session"), pk=post_id, session=session)
    require(can_edit_post(request.user, post))
    return post


@login_required
def sessions(request):
    require(uses_desk(request.user))
    listed = desk_sessions(request.user).listed()
    context = {"sessions": listed, "can_create": can_run_lives(request.user)}
    return render(request, "liveblog/desk_sessions.html", context)


@login_required
@vary_on_headers("HX-Request")
def desk_session(request, slug: str):
    session = session_for(request, slug)
    filters = Filters.of_request(request)
    if request.htmx and not request.htmx.history_restore_request:
        context = timeline(session, request.user, filters)
        return render(request, "liveblog/desk.html#timeline", context)
    draft = Draft.find(request.user, session)
    state = draft.data if draft else new_post_state()
    composer = Composer.from_state(state, user=request.user, session=session)
    context = desk_context(request, session, composer, draft=draft)
    return render(request, "liveblog/desk.html", context)


def desk_context(request, session, composer, *, post=None, draft=None, **extra) -> dict:
    return {
        "session": session,
        "composer": composer,
        "post": post,
        "draft": draft,
        # Read only by a whole page (desk_composer.html): lazy, so htmx answers skip them.
        "rubrics": offered_rubrics(session),
        "credit_labels": credit_labels,
        "others_here": Presence.others_here(session, request.user),
        "can_review": can_review_in(request.user, session),
        **timeline(session, request.user, Filters.of_request(request)),
        **extra,
    }


def offered_rubrics(session: LiveSession):
    """The composer's suggestions: the rubrics chosen for this live, or all if none were."""
    chosen_here = LiveSession.rubrics.through.objects.filter(livesession_id=session.pk)
    offered = Rubric.objects.filter(Q(live_sessions=session) | ~Exists(chosen_here)).distinct()
    return offered.order_by("key").values_list("name", flat=True)


# A draft another composer autosaved this recently is someone (or another tab) writing now.
ELSEWHERE = timedelta(minutes=2)


@login_required
@require_POST
def autosave(request, slug: str, post_id: int | None = None):
    """The composer's state, saved every few seconds while someone types.

    Each composer sends its key and a rising number: a save the server already holds (a
    retry after the network came back, a late duplicate) is answered without writing it
    again, so a draft arrives once and an older state never replaces a newer one.
    """
    session = session_for(request, slug)
    post = post_for(request, session, post_id) if post_id else None
    state = {
        key: without_nul(value)
        for key, value in request.POST.items()
        if key != "csrfmiddlewaretoken"
    }
    key, seq = state.get("composer_key", ""), as_number(state.get("composer_seq"))
    try:
        kept = Draft.find(request.user, session, post)
        held = kept.data if kept else {}
        same_composer = bool(key) and held.get("composer_key") == key
        if same_composer and as_number(held.get("composer_seq")) >= seq:
            return render(request, "liveblog/desk_composer.html#autosaved", {"draft": kept})
        elsewhere = (
            kept is not None
            and not same_composer
            and held.get("composer_key")
            and kept.saved_at > timezone.now() - ELSEWHERE
        )
        draft = Draft.keep(request.user, session, post, state)
    except DatabaseError:
        # The page still holds every word; say so rather than fail in silence.
        return render(
            request, "liveblog/desk_composer.html#autosaved", {"unsaved": True}, status=503
        )
    context = {"draft": draft, "elsewhere": elsewhere}
    return render(request, "liveblog/desk_composer.html#autosaved", context)


def as_number(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


@login_required
@require_POST
def presence(request, slug: str):
    """Here now, and who else is: the page posts this on load and every 15 s (a GET
    writes nothing, so only this marks someone present)."""
    session = session_for(request, slug)
    Presence.heartbeat(request.user, session)
    others = Presence.others_here(session, request.user)
    # Swapped in for the page's own element: polled again every 15 s, but not on its
    # load, or each answer would ask again at once.
    context = {"session": session, "others_here": others, "polled": True}
    return render(request, "liveblog/desk.html#presence", context)


def composer_for_post(request, session, post) -> tuple[Composer, Draft | None]:
    """An edit starts from the person's autosaved draft of it, if any, else the post itself."""
    draft = Draft.find(request.user, session, post)
    state = draft.data if draft else state_of(post)
    return Composer.from_state(state, user=request.user, session=session), draft

"""The review queue on the desk: what contributors sent, for editors (and the live's
journalists where it allows them) to open, publish as it is or send back with a note; and,
for a contributor, their own posts sent, sent back or published.

Every change goes through liveblog.domain.review; the desk's socket then tells every page
to fetch its view again (`review-queue.js`), and without JavaScript the forms are plain posts.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liveblog.delivery.desk_channel import tell_review_changed
from liveblog.desk.posts import desk_url
from liveblog.desk.timeline import with_summaries
from liveblog.desk.views import session_for
from liveblog.domain.review import (
    NOTE_LIMIT,
    publish_submission,
    return_submission,
    review_queue,
)
from liveblog.domain.roles import can_review_in, is_contributor, require
from liveblog.models import LiveSession, Post

# A contributor's list: what waits, what came back, and the latest of theirs published.
PUBLISHED_SHOWN = 5
QUEUE_SHOWN = 50


def review_context(user, session: LiveSession) -> dict:
    """What the desk's review panel shows this person (nothing for those it is not for)."""
    if can_review_in(user, session):
        waiting = review_queue(session)
        return {
            "review_role": "reviewer",
            "submissions": with_summaries(waiting[:QUEUE_SHOWN]),
            "waiting_count": waiting.count(),
            "note_limit": NOTE_LIMIT,
        }
    if is_contributor(user):
        mine = session.posts.filter(author=user).select_related("author", "rubric")
        waiting = mine.filter(status=Post.Status.SUBMITTED).order_by("submitted_at", "id")
        returned = mine.filter(status=Post.Status.DRAFT).exclude(review_note="")
        published = mine.published().newest_first()[:PUBLISHED_SHOWN]
        return {
            "review_role": "contributor",
            "waiting_mine": with_summaries(waiting),
            "returned_mine": with_summaries(returned.order_by("-updated_at")),
            "published_mine": with_summaries(published),
        }
    return {"review_role": ""}


@login_required
def panel(request, slug: str):
    """The panel alone: fetched again by the page when the desk's socket says it changed."""
    session = session_for(request, slug)
    context = {"session": session, **review_context(request.user, session)}
    require(bool(context["review_role"]))
    return render(request, "liveblog/desk_review.html", context)


def submission_for(request, slug: str, post_id: int) -> Post:
    session = session_for(request, slug)
    require(can_review_in(request.user, session))
    return get_object_or_404(
        Post.objects.select_related("session", "author"), pk=post_id, session=session
    )


def answer(request, session: LiveSession):
    if request.htmx:
        context = {"session": session, **review_context(request.user, session)}
        return render(request, "liveblog/desk_review.html", context)
    return redirect(desk_url(session) + "#review")


@login_required
@require_POST
def publish(request, slug: str, post_id: int):
    post = submission_for(request, slug, post_id)
    try:
        publish_submission(post=post, by=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        tell_review_changed(post)
        messages.success(request, _("Published: readers see it now."))
    return answer(request, post.session)


@login_required
@require_POST
def send_back(request, slug: str, post_id: int):
    post = submission_for(request, slug, post_id)
    try:
        return_submission(post=post, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        tell_review_changed(post)
        messages.success(request, _("Sent back to its author with your note."))
    return answer(request, post.session)

"""Readers taking part: sending a question, voting in a poll. Both work as plain form posts
(the answer is a page) and from static/liveblog/participation.js (the answer is a fragment).

The live page is cached and shared by every reader, so its forms carry no CSRF token;
a post from another site is refused by its Origin header instead (browsers send it with
every POST), and nothing here acts for a logged-in person.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from liveblog.client_address import request_client_address
from liveblog.domain.polls import VoteRefused, cast_vote, post_of
from liveblog.domain.questions import QuestionRefused, ask_question
from liveblog.domain.rate_limits import within_limit
from liveblog.models import LiveSession, Poll

VOTES_COOKIE = "liveblog_votes"
VOTES_SALT = "liveblog.polls"
# A year: a browser's vote outlives the live. Readable by participation.js (it only
# learns which polls this browser voted in); the signature stops it being forged.
VOTES_MAX_AGE = 365 * 24 * 3600
# One address (a household, an office behind one NAT) may vote this often per poll.
VOTES_PER_ADDRESS = (30, 3600)


def from_elsewhere(request) -> bool:
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    return urlsplit(origin).netloc != request.get_host()


def wants_fragment(request) -> bool:
    return request.headers.get("X-Participation") == "fragment"


@csrf_exempt
@require_POST
def ask(request, slug: str):
    session = get_object_or_404(LiveSession, slug=slug)
    text, name = request.POST.get("text", ""), request.POST.get("name", "")
    with translation.override(session.language):
        status, refused = 200, True
        if from_elsewhere(request):
            message, status = _("This form can only be sent from the live page."), 403
        elif request.POST.get("website"):
            # The honeypot: a field people never see, that form-filling programs fill in.
            message, status = _("This question looks automated and was not sent."), 400
        else:
            try:
                ask_question(
                    session=session, text=text, name=name, address=request_client_address(request)
                )
            except QuestionRefused as refusal:
                message, status = str(refusal), refusal.status
            else:
                message, refused = (
                    _(
                        "Thank you: your question was sent to the newsroom. It will appear "
                        "on the live only if a journalist answers it."
                    ),
                    False,
                )
        context = {"session": session, "message": message, "refused": refused}
        if refused:
            context |= {"ask_text": text[:2000], "ask_name": name[:60]}
        if wants_fragment(request):
            return render(request, "liveblog/participation_message.html", context, status=status)
        return render(request, "liveblog/participation_result.html", context, status=status)


def voted_polls(request) -> dict[int, int]:
    """{poll id: choice id} this browser voted for, from its signed cookie (empty if forged)."""
    try:
        value = request.get_signed_cookie(VOTES_COOKIE, salt=VOTES_SALT, default="")
    except signing.BadSignature:
        return {}
    votes = {}
    for pair in value.split("."):
        poll_id, _sep, choice_id = pair.partition("-")
        if poll_id.isdigit() and choice_id.isdigit():
            votes[int(poll_id)] = int(choice_id)
    return votes


@csrf_exempt
@require_POST
def vote(request, slug: str, pk: int):
    session = get_object_or_404(LiveSession, slug=slug)
    poll = get_object_or_404(Poll, pk=pk)
    post = post_of(poll)
    if post is None or post.session_id != session.pk:
        return render(request, "404.html", status=404)
    votes = voted_polls(request)
    choice = request.POST.get("choice", "")
    with translation.override(session.language):
        status = 200
        if from_elsewhere(request):
            message, status = _("This form can only be sent from the live page."), 403
        elif poll.pk in votes:
            message, status = _("You have already voted in this poll."), 409
        elif not choice.isdigit():
            message, status = _("Choose one of the answers before voting."), 400
        elif not within_limit(
            f"vote:{poll.pk}:{request_client_address(request)}",
            limit=VOTES_PER_ADDRESS[0],
            seconds=VOTES_PER_ADDRESS[1],
        ):
            message, status = _("Too many votes came from your connection: try again later."), 429
        else:
            try:
                cast_vote(poll=poll, choice_id=int(choice))
            except VoteRefused as refusal:
                message, status = str(refusal), 400
            else:
                votes[poll.pk] = int(choice)
                message = _("Thank you: your vote is counted.")
        poll = Poll.objects.prefetch_related("choices").get(pk=poll.pk)
        context = {
            "session": session,
            "poll": poll,
            "poll_message": message,
            "voted": votes.get(poll.pk),
        }
        template = (
            "liveblog/poll.html"
            if wants_fragment(request)
            else "liveblog/participation_result.html"
        )
        response = render(request, template, context, status=status)
    if status == 200:
        value = ".".join(f"{poll_id}-{choice_id}" for poll_id, choice_id in votes.items())
        response.set_signed_cookie(
            VOTES_COOKIE,
            value,
            salt=VOTES_SALT,
            max_age=VOTES_MAX_AGE,
            samesite="Lax",
            secure=not settings.DEBUG and request.is_secure(),
        )
    return response

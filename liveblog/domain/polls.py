"""Polls in posts: create one, take a vote, tell every reader the results.

Votes are counted in the database (`votes = votes + 1`, exact under any concurrency).
Readers hear of them through the event log, but not once per vote: at most one
`poll.results` event per poll per RESULTS_INTERVAL. A vote that comes within the
interval of the last event only marks the poll dirty; `flush_poll_results()` (run by the
scheduler loop every few seconds, and by the next vote after the interval) writes the
event that carries it, and one last event when the poll closes, so the final count
readers see is exact.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liveblog.domain.events import record_event
from liveblog.models import Block, LiveSession, Poll, PollChoice, Post

RESULTS_INTERVAL = timedelta(seconds=1)
MIN_CHOICES, MAX_CHOICES = 2, 6


class VoteRefused(Exception):
    """Not counted; the message says why."""


def create_poll_post(
    *,
    session: LiveSession,
    by,
    question: str,
    choices: list[str],
    closes_at: datetime,
    title: str = "",
    intro: str = "",
) -> Post:
    """Publish a post holding a poll (and an optional paragraph before it)."""
    choices = [label.strip() for label in choices if label.strip()]
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        raise ValidationError(
            _("A poll needs between %(min)d and %(max)d choices.")
            % {"min": MIN_CHOICES, "max": MAX_CHOICES}
        )
    if closes_at <= timezone.now():
        raise ValidationError(_("The closing time must be in the future."))
    with transaction.atomic():
        poll = Poll.objects.create(question=question.strip(), closes_at=closes_at)
        for position, label in enumerate(choices):
            PollChoice.objects.create(poll=poll, position=position, label=label)
        post = Post.objects.create(session=session, author=by, title=title)
        blocks = [{"kind": Block.Kind.POLL, "poll": poll}]
        if intro.strip():
            blocks.insert(0, {"kind": Block.Kind.PARAGRAPH, "text": intro})
        for position, fields in enumerate(blocks):
            Block.objects.create(post=post, position=position, **fields)
        post.publish(by=by)
    return post


def post_of(poll: Poll) -> Post | None:
    """The published post that shows this poll, if any."""
    return Post.objects.published().filter(blocks__poll=poll).select_related("session").first()


def cast_vote(*, poll: Poll, choice_id: int, now: datetime | None = None) -> PollChoice:
    now = now or timezone.now()
    if not poll.is_open(now):
        raise VoteRefused(_("This poll is closed: votes are no longer counted."))
    post = post_of(poll)
    if post is None:
        raise VoteRefused(_("This poll is not on the live."))
    with transaction.atomic():
        counted = PollChoice.objects.filter(pk=choice_id, poll=poll).update(votes=F("votes") + 1)
        if not counted:
            raise VoteRefused(_("Choose one of the answers before voting."))
        if not send_results_if_due(poll, post, now):
            Poll.objects.filter(pk=poll.pk).update(results_dirty=True)
    return PollChoice.objects.get(pk=choice_id)


def send_results_if_due(poll: Poll, post: Post, now: datetime) -> bool:
    """Record a results event if none went out in the last interval. Inside a transaction."""
    due = Poll.objects.filter(pk=poll.pk).filter(
        Q(results_sent_at__isnull=True) | Q(results_sent_at__lte=now - RESULTS_INTERVAL)
    )
    # The UPDATE is the claim: of two votes at the same moment, one writes the event.
    if not due.update(results_sent_at=now, results_dirty=False):
        return False
    record_event(post.session, "poll.results", post=post)
    return True


def flush_poll_results(now: datetime | None = None) -> int:
    """Write the results events that coalescing held back, and one as each poll closes."""
    now = now or timezone.now()
    waiting = Poll.objects.filter(
        Q(results_dirty=True) | Q(closing_announced=False, closes_at__lte=now)
    )
    sent = 0
    for poll in waiting:
        post = post_of(poll)
        if post is None:
            # Withdrawn from the live: nobody to tell.
            Poll.objects.filter(pk=poll.pk).update(results_dirty=False, closing_announced=True)
            continue
        with transaction.atomic():
            if not poll.is_open(now) and not poll.closing_announced:
                Poll.objects.filter(pk=poll.pk).update(closing_announced=True)
                # The last word on a closed poll: forced, whatever the interval.
                Poll.objects.filter(pk=poll.pk).update(results_sent_at=None)
            if send_results_if_due(poll, post, now):
                sent += 1
    return sent

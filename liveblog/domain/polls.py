"""Polls in posts: create one, take a vote, tell every reader the results.

Votes are counted in the database (`votes = votes + 1`, exact under any concurrency).
Readers hear of them through the event log, but not once per vote: at most one
`poll.results` event per poll per RESULTS_INTERVAL. A vote that comes within the
interval of the last event only marks the poll dirty; the event that carries it is written
by the next vote after the interval, by a timer the web process starts after commit (one
per poll at a time), or by the scheduler loop (`flush_poll_results()` every few seconds,
which also writes one last event when a poll closes), so the final count readers see is
exact, and a few seconds late at worst if the web process died.
"""

import asyncio
import contextvars
import logging
import threading
from datetime import datetime, timedelta

from asgiref.sync import SyncToAsync, sync_to_async
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liveblog.domain.events import record_event
from liveblog.domain.posts import publish_post
from liveblog.models import Block, LiveSession, Poll, PollChoice, Post

log = logging.getLogger(__name__)

RESULTS_INTERVAL = timedelta(seconds=1)
# Polls of this process with a flush timer running: one timer per poll, however many votes.
_flushes_pending: set[int] = set()
_flushes_lock = threading.Lock()
_flush_tasks: set[asyncio.Future] = set()
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
        publish_post(post=post, by=by)
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
            transaction.on_commit(lambda: flush_soon(poll.pk))
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


def flush_soon(poll_id: int) -> None:
    """Flush this poll's held-back results once the interval has passed, off the request."""
    with _flushes_lock:
        if poll_id in _flushes_pending:
            return
        _flushes_pending.add(poll_id)
    delay = RESULTS_INTERVAL.total_seconds() + 0.1
    # Under ASGI, on the server's event loop: the in-memory channel layer only wakes
    # readers when sent to from that loop (a plain thread's send waits for the next resync).
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is not None and loop.is_running():
        # In a context of its own: the request's (its thread, newsroom/handler.py) is gone
        # by the time the flush runs, and a task must not outlive the context it was made in.
        loop.call_soon_threadsafe(
            loop.call_later, delay, _flush_on_loop, poll_id, context=contextvars.Context()
        )
        return
    timer = threading.Timer(delay, _flush_in_background, args=[poll_id])
    timer.daemon = True
    timer.start()


def _flush_on_loop(poll_id: int) -> None:
    task = asyncio.ensure_future(sync_to_async(_flush_in_background)(poll_id))
    # The loop holds tasks weakly: keep this one until it is done.
    _flush_tasks.add(task)
    task.add_done_callback(_flush_tasks.discard)


def _flush_in_background(poll_id: int) -> None:
    with _flushes_lock:
        _flushes_pending.discard(poll_id)
    try:
        flush_poll_results(poll_ids=[poll_id])
    except Exception:
        # The scheduler loop flushes it in a few seconds.
        log.exception("results of poll %s not flushed", poll_id)
    finally:
        close_old_connections()
        connection.close()


def flush_poll_results(now: datetime | None = None, poll_ids: list[int] | None = None) -> int:
    """Write the results events that coalescing held back, and one as each poll closes."""
    now = now or timezone.now()
    waiting = Poll.objects.filter(
        Q(results_dirty=True) | Q(closing_announced=False, closes_at__lte=now)
    )
    if poll_ids is not None:
        waiting = waiting.filter(pk__in=poll_ids)
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

"""Scheduled posts go out at their time, and scheduled lives start and end at theirs,
whether or not anyone has the desk open.

`python manage.py run_scheduler` calls `start_due_lives()`, `publish_due_posts()` and
`end_due_lives()` every few seconds;
`make serve` starts it beside the web server and stops it with it.
"""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liveblog.domain.posts import publish_post, send_back_to_draft
from liveblog.domain.sessions import end_session, start_session
from liveblog.models import LiveSession, Post

log = logging.getLogger(__name__)


def publish_due_posts(now: datetime | None = None) -> list[Post]:
    """Publish every scheduled post whose time has come, each at its scheduled time."""
    now = now or timezone.now()
    published = []
    for post_id in Post.objects.due(now).values_list("id", flat=True):
        with transaction.atomic():
            # Re-read under lock: an editor may have unscheduled it, or another
            # scheduler process published it, since the list was taken.
            post = (
                Post.objects.select_for_update()
                .due(now)
                .filter(pk=post_id)
                .select_related("session")
                .first()
            )
            if post is None:
                continue
            try:
                # Nobody pressed a button now: the audit log shows the scheduler, and who
                # scheduled the post in the entry before.
                publish_post(post=post, by=None, at=post.published_at)
            except ValidationError as refused:
                # A photo lost its alt text or credit since scheduling: back to the author's
                # drafts rather than out without them (or stuck, holding up the posts after it).
                reason = " ".join(refused.messages)
                send_back_to_draft(post=post, by=None, reason=reason)
                log.warning("scheduled post %s kept as a draft: %s", post.pk, refused.messages)
                continue
        log.info("scheduled post %s published", post.pk)
        published.append(post)
    return published


def start_due_lives(now: datetime | None = None) -> list[LiveSession]:
    """Start every scheduled live whose planned start has come, at its planned time."""
    now = now or timezone.now()
    due = LiveSession.objects.filter(status=LiveSession.Status.SCHEDULED, scheduled_for__lte=now)
    started = []
    for live_id in due.order_by("scheduled_for", "id").values_list("id", flat=True):
        with transaction.atomic():
            # Re-read under lock: an editor may have started it or moved its start meanwhile.
            live = (
                LiveSession.objects.select_for_update()
                .filter(pk=live_id, status=LiveSession.Status.SCHEDULED, scheduled_for__lte=now)
                .first()
            )
            if live is None:
                continue
            start_session(session=live, by=None, at=live.scheduled_for)
        log.info("live %s started on schedule", live.pk)
        started.append(live)
    return started


def end_due_lives(now: datetime | None = None) -> list[LiveSession]:
    """End every running live whose planned end has come, at its planned time."""
    now = now or timezone.now()
    due = LiveSession.objects.filter(status=LiveSession.Status.LIVE, scheduled_end__lte=now)
    ended = []
    for live_id in due.order_by("scheduled_end", "id").values_list("id", flat=True):
        with transaction.atomic():
            live = (
                LiveSession.objects.select_for_update()
                .filter(pk=live_id, status=LiveSession.Status.LIVE, scheduled_end__lte=now)
                .first()
            )
            if live is None:
                continue
            # Started by hand after its planned end: it ends now rather than before it began.
            end_session(session=live, by=None, at=max(live.scheduled_end, live.started_at))
        log.info("live %s ended on schedule", live.pk)
        ended.append(live)
    return ended

"""Scheduled posts go out at their time, and scheduled lives start and end at theirs,
whether or not anyone has the desk open.

`python manage.py run_scheduler` calls `start_due_lives()`, `publish_due_posts()` and
`end_due_lives()` every few seconds;
`make serve` starts it beside the web server and stops it with it.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
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
    return on_schedule(
        LiveSession.objects.due_to_start(now or timezone.now()),
        lambda live: start_session(session=live, by=None, at=live.scheduled_for),
        "started",
    )


def end_due_lives(now: datetime | None = None) -> list[LiveSession]:
    """End every running live whose planned end has come, at its planned time."""
    return on_schedule(
        LiveSession.objects.due_to_end(now or timezone.now()),
        # Started by hand after its planned end: it ends now rather than before it began.
        lambda live: end_session(
            session=live, by=None, at=max(live.scheduled_end, live.started_at)
        ),
        "ended",
    )


def on_schedule(
    due: QuerySet[LiveSession], change: Callable[[LiveSession], None], done: str
) -> list[LiveSession]:
    """`change` each live of `due`, one transaction each; the lives it changed."""
    changed = []
    for live_id in due.values_list("id", flat=True):
        with transaction.atomic():
            # Re-read under lock: an editor may have started, ended or replanned it meanwhile.
            live = due.select_for_update().filter(pk=live_id).first()
            if live is None:
                continue
            change(live)
        log.info("live %s %s on schedule", live.pk, done)
        changed.append(live)
    return changed

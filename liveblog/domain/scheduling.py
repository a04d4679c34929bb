"""Scheduled posts go out at their time, whether or not anyone has the desk open.

`python manage.py run_scheduler` calls `publish_due_posts()` every few seconds;
`make serve` starts it beside the web server and stops it with it.
"""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liveblog.domain.posts import publish_post, send_back_to_draft
from liveblog.models import Post

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

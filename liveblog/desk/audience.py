"""The live's audience on the desk: readers now, the peak, and each recent post's first minute.

Counts only, as every server process publishes them (liveblog.delivery.audience_count);
the desk polls this view every few seconds.
"""

import logging
import time
from datetime import UTC, datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from liveblog.delivery import audience_count
from liveblog.desk.views import session_for
from liveblog.domain.roles import can_see_desk_room, require
from liveblog.models import LiveSession

log = logging.getLogger(__name__)

# The posts whose first minute the desk shows: the latest, the ones a shift compares.
RECENT_POSTS = 5


@login_required
def audience(request, slug: str):
    session = session_for(request, slug)
    require(can_see_desk_room(request.user))
    try:
        context = audience_of(session)
    except Exception as error:
        # Redis unreachable: the desk goes on, the panel says the count is missing for now.
        log.warning("audience of %s not read (%s)", session.slug, error)
        context = {"session": session, "unavailable": True}
    return render(request, "liveblog/desk_audience.html", context)


def audience_of(session: LiveSession) -> dict:
    board = audience_count.board()
    peak = board.peak(session.pk)
    samples = board.samples(session.pk)
    posts = session.posts.published().newest_first()[:RECENT_POSTS]
    return {
        "session": session,
        "readers_now": board.total(session.pk, time.time()),
        "peak": peak[0] if peak else None,
        "peak_at": datetime.fromtimestamp(peak[1], UTC) if peak else None,
        "recent": [
            (post, audience_count.first_minute(samples, post.published_at.timestamp()))
            for post in posts
        ],
    }

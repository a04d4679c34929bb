"""Catch-up: the events a reader missed, after the sequence number it is at.

The same answer over the websocket (on connect and after any gap) and over
plain HTTP (`/live/<slug>/events?after=N`, which the page polls when websockets
cannot connect).
"""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from liveblog.models import Event, LiveSession

# A reader further behind than this reloads the page: one fresh page is cheaper
# than replaying hundreds of edits, and the page shows only the latest posts anyway.
CATCH_UP_LIMIT = 300
# Every poller of a session asks the same few URLs; a short cache absorbs them. Short also
# because an answer may carry words withdrawn since (the log itself is redacted at once,
# liveblog.domain.events): `must-revalidate` forbids a proxy or CDN to serve it stale after
# these seconds (when the server is unreachable, say), so withdrawn text leaves every cache
# within them, as it leaves open pages.
CACHE_SECONDS = 3


def missed_events(session_id: int, after: int) -> list[Event] | None:
    """The session's events after `after`, in order; None if the reader must reload instead."""
    last_seq = LiveSession.objects.values_list("last_seq", flat=True).get(pk=session_id)
    if after > last_seq or last_seq - after > CATCH_UP_LIMIT:
        # Ahead of the log means the page came from another history (a restored database).
        return None
    return list(Event.objects.filter(session_id=session_id).after(after))


def parse_after(value: str | None) -> int | None:
    if value is None or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


@require_GET
def events(request, slug: str):
    session = get_object_or_404(LiveSession.objects.only("pk", "language"), slug=slug)
    after = parse_after(request.GET.get("after"))
    if after is None:
        with translation.override(session.language):
            message = _("Give the sequence number you are at, as ?after=<number>.")
        return JsonResponse({"error": message}, status=400)
    missed = missed_events(session.pk, after)
    if missed is None:
        payload = {"reload": True, "events": []}
    else:
        payload = {"reload": False, "events": [event.as_message() for event in missed]}
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS, must_revalidate=True)
    return response

"""Readers' alerts for key events: the service worker, subscribing, unsubscribing in one click."""

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from liveblog.domain.alerts import SubscriptionRefused, alerts_enabled, subscribe, unsubscribe
from liveblog.live.participation import from_elsewhere
from liveblog.models import LiveSession

# Shows the alert a push carries; its action and a click open the post or unsubscribe.
WORKER = """
self.addEventListener("push", (event) => {
  const alert = event.data ? event.data.json() : {};
  event.waitUntil(self.registration.showNotification(alert.title || "", {
    body: alert.body || "",
    data: alert,
    actions: alert.unsubscribe ? [{ action: "stop", title: alert.unsubscribe_label }] : [],
  }));
});
self.addEventListener("notificationclick", (event) => {
  const alert = event.notification.data || {};
  event.notification.close();
  if (event.action === "stop") {
    event.waitUntil(fetch(alert.unsubscribe, { method: "POST" }));
  } else if (alert.url) {
    event.waitUntil(clients.openWindow(alert.url));
  }
});
"""


def push_worker(request):
    response = HttpResponse(WORKER, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/live/"
    return response


@csrf_exempt
@require_POST
def start(request, slug: str):
    session = get_object_or_404(LiveSession, slug=slug)
    if from_elsewhere(request):
        return JsonResponse({"error": "sent from another site"}, status=403)
    if not alerts_enabled():
        return JsonResponse({"error": "alerts are not offered here"}, status=400)
    try:
        subscription = subscribe(session=session, data=json.loads(request.body or b"{}"))
    except (ValueError, SubscriptionRefused):
        return JsonResponse({"error": "not a push subscription"}, status=400)
    stop_url = reverse("live:alerts-stop", args=[subscription.token])
    return JsonResponse({"unsubscribe": stop_url}, status=201)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def stop(request, token: str):
    """One click from the alert or the page: the link itself is the right to unsubscribe."""
    stopped = unsubscribe(token)
    if request.method == "POST" and request.headers.get("Accept") == "application/json":
        return JsonResponse({"stopped": stopped})
    with translation.override(request.LANGUAGE_CODE):
        return render(request, "liveblog/alerts_stopped.html", {"stopped": stopped})

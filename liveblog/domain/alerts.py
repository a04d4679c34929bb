"""Alerts for key events: Web Push to the browsers of readers who asked for them.

Sent by background work, never by the request that publishes: the scheduler loop calls
`send_due_alerts()` every few seconds. A key post (published, marked key event in the
last ALERT_WINDOW) gets one alert, recorded first (KeyEventAlert) so two scheduler
processes never both send it. Each subscription gets the post's title and link and an
unsubscribe link; a push service answering 404 or 410 means the subscription is gone, and
it is dropped.
"""

import json
import logging
import secrets
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from py_vapid import Vapid, b64urlencode
from pywebpush import WebPushException, webpush

from liveblog.models import KeyEventAlert, LiveSession, Post, PushSubscription

log = logging.getLogger(__name__)

# A post marked key event longer ago than this is not news any more (and posts marked
# before alerts existed are never sent).
ALERT_WINDOW = timedelta(minutes=15)
PUSH_TTL = 3600
GONE = {404, 410}


class SubscriptionRefused(Exception):
    pass


def alerts_enabled() -> bool:
    return bool(settings.VAPID_PRIVATE_KEY)


def vapid() -> Vapid:
    return Vapid.from_string(settings.VAPID_PRIVATE_KEY)


def application_server_key() -> str:
    """The public key browsers subscribe with (base64url, uncompressed point)."""
    raw = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64urlencode(raw)


def subscribe(*, session: LiveSession, data: dict) -> PushSubscription:
    """Keep a browser's PushSubscription (its JSON: endpoint and keys)."""
    try:
        endpoint = str(data["endpoint"])
        keys = data["keys"]
        p256dh, auth = str(keys["p256dh"]), str(keys["auth"])
    except (KeyError, TypeError) as error:
        raise SubscriptionRefused("not a push subscription") from error
    if not endpoint.startswith(("https://", "http://")) or len(endpoint) > 1000:
        raise SubscriptionRefused("not a push endpoint")
    if not (0 < len(p256dh) <= 200 and 0 < len(auth) <= 100):
        raise SubscriptionRefused("not push keys")
    subscription, _created = PushSubscription.objects.update_or_create(
        session=session,
        endpoint=endpoint,
        defaults={"p256dh": p256dh, "auth": auth},
        create_defaults={
            "p256dh": p256dh,
            "auth": auth,
            "token": secrets.token_urlsafe(32),
        },
    )
    return subscription


def unsubscribe(token: str) -> bool:
    return PushSubscription.objects.filter(token=token).delete()[0] > 0


def due_posts(now=None):
    since = (now or timezone.now()) - ALERT_WINDOW
    return (
        Post.objects.published()
        .filter(key_event=True, updated_at__gte=since, alert__isnull=True)
        .select_related("session")
        .order_by("published_at", "id")
    )


def send_due_alerts(now=None) -> int:
    """Send each due key post's alert to its live's subscribers; returns pushes delivered."""
    if not alerts_enabled():
        return 0
    delivered = 0
    for post in due_posts(now):
        try:
            with transaction.atomic():
                alert = KeyEventAlert.objects.create(post=post)
        except IntegrityError:
            continue  # another scheduler process took it
        delivered += send_alert(alert, post)
    return delivered


def payload(post: Post, subscription: PushSubscription) -> str:
    site = settings.SITE_URL
    with translation.override(post.session.language):
        return json.dumps(
            {
                "title": post.title or _("Key event"),
                "body": post.session.headline,
                "url": site + reverse("live:post", args=[post.session.slug, post.pk]),
                "unsubscribe": site + reverse("live:alerts-stop", args=[subscription.token]),
                "unsubscribe_label": _("Stop these alerts"),
            }
        )


def send_alert(alert: KeyEventAlert, post: Post) -> int:
    key, claims = vapid(), {"sub": settings.VAPID_SUBJECT}
    delivered = dropped = 0
    for subscription in PushSubscription.objects.filter(session=post.session).iterator():
        try:
            webpush(
                subscription.as_webpush(),
                data=payload(post, subscription),
                vapid_private_key=key,
                vapid_claims=dict(claims),
                ttl=PUSH_TTL,
                timeout=10,
            )
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in GONE:
                subscription.delete()
                dropped += 1
            else:
                log.warning("alert for post %s not delivered: %s", post.pk, error)
            continue
        except Exception:  # a dead endpoint must not stop the others
            log.warning("alert for post %s not delivered", post.pk, exc_info=True)
            continue
        delivered += 1
    KeyEventAlert.objects.filter(pk=alert.pk).update(delivered=delivered, dropped=dropped)
    log.info("alert for post %s: %s delivered, %s dropped", post.pk, delivered, dropped)
    return delivered

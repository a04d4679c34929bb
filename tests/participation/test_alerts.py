"""Key-event alerts over Web Push, to a push service played here by a local HTTP endpoint
that decrypts what it receives with the subscription's keys, as the browser would."""

import base64
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse
from py_vapid import Vapid

from liveblog.domain.alerts import send_due_alerts
from liveblog.models import KeyEventAlert, PushSubscription

pytestmark = pytest.mark.django_db


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PushService:
    """Accepts pushes at /ok/<n> (201) and answers 410 Gone at /gone/<n>."""

    def __init__(self):
        self.received = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                service.received.append((self.path, dict(self.headers), body))
                self.send_response(410 if self.path.startswith("/gone") else 201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Browser:
    """A browser's push keys: what it subscribes with, and what decrypts its pushes."""

    def __init__(self, endpoint: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.subscription = {
            "endpoint": endpoint,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }

    def decrypt(self, body: bytes) -> dict:
        clear = http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(clear)


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.server.shutdown()


@pytest.fixture(autouse=True)
def vapid_key(settings):
    key = Vapid()
    key.generate_keys()
    raw = key.private_key.private_numbers().private_value.to_bytes(32, "big")
    settings.VAPID_PRIVATE_KEY = b64url(raw)
    settings.VAPID_SUBJECT = "mailto:redaction@example.org"


def subscribe(client, session, browser):
    url = reverse("live:alerts-start", args=[session.slug])
    return client.post(url, json.dumps(browser.subscription), content_type="application/json")


def test_a_key_event_reaches_the_subscribed_browser_and_other_posts_do_not(
    client, session, make_post, push_service
):
    browser = Browser(f"{push_service.url}/ok/1")
    response = subscribe(client, session, browser)
    assert response.status_code == 201
    make_post(session, title="Un ravitaillement au km 20")
    assert send_due_alerts() == 0
    assert push_service.received == []

    key = make_post(session, title="Le record du parcours est battu", key_event=True)
    assert push_service.received == [], "publishing itself sends nothing"
    assert send_due_alerts() == 1
    [(path, headers, body)] = push_service.received
    assert path == "/ok/1"
    headers = {name.lower(): value for name, value in headers.items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    alert = browser.decrypt(body)
    assert alert["title"] == "Le record du parcours est battu"
    assert alert["body"] == session.headline
    assert alert["url"].endswith(f"/live/{session.slug}/posts/{key.pk}/")
    assert alert["unsubscribe_label"] == "Arrêter ces alertes"
    assert send_due_alerts() == 0, "each key event is sent once"
    assert len(push_service.received) == 1


def test_an_expired_subscription_is_dropped(client, session, make_post, push_service):
    subscribe(client, session, Browser(f"{push_service.url}/gone/1"))
    subscribe(client, session, Browser(f"{push_service.url}/ok/2"))
    make_post(session, title="Arrivée du vainqueur", key_event=True)
    assert send_due_alerts() == 1
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        f"{push_service.url}/ok/2"
    ]
    assert KeyEventAlert.objects.get().dropped == 1


def test_one_click_on_the_unsubscribe_link_stops_the_alerts(
    client, session, make_post, push_service
):
    browser = Browser(f"{push_service.url}/ok/1")
    stop_url = subscribe(client, session, browser).json()["unsubscribe"]
    page = client.get(stop_url)
    assert "Vous ne recevrez plus d" in page.text
    make_post(session, title="Arrivée du vainqueur", key_event=True)
    send_due_alerts()
    assert push_service.received == []


def test_a_malformed_subscription_is_refused(client, session):
    url = reverse("live:alerts-start", args=[session.slug])
    response = client.post(url, '{"endpoint": "ftp://x"}', content_type="application/json")
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_the_live_page_offers_alerts_only_when_keys_are_configured(client, session, settings):
    assert "data-alerts" in client.get(session.get_absolute_url()).text
    settings.VAPID_PRIVATE_KEY = ""
    from django.core.cache import cache

    from liveblog.live import page_cache

    # The page is kept by its position in the event log, shared and in the process; keys
    # change with a deploy, whose new processes start with neither.
    cache.clear()
    page_cache.recent.forget()
    assert "data-alerts" not in client.get(session.get_absolute_url()).text

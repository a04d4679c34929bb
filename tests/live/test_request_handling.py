"""Requests through the real ASGI application: its handler runs the middleware in one go
(newsroom/handler.py), and answers exactly as Django's own handler does: every header,
the security and content-security policies, the language, the caching."""

import os
import re
import threading

import pytest
from channels.testing import HttpCommunicator
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished, request_started
from django.test import override_settings

from liveblog.resilient_cache import PooledRedisCache
from newsroom.asgi import application, django_asgi_app
from newsroom.handler import SyncStackASGIHandler

# Redis DB 14 is shared with the other files of this group (tests/conftest.py).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("redis-db-14")]

# What differs between two answers to the same request whoever answers: the time, and any
# nonce (a new one per answer).
VARYING = {b"date", b"expires"}


async def fetch(app, path: str, headers=()) -> tuple[int, dict, bytes]:
    headers = [(b"host", b"testserver"), *headers]
    communicator = HttpCommunicator(app, "GET", path, headers=headers)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(5)
    body, more = b"", True
    while more:
        message = await communicator.receive_output(5)
        body += message.get("body", b"")
        more = message.get("more_body", False)
    await communicator.wait(5)
    found = {name.lower(): value for name, value in start["headers"]}
    return start["status"], {k: v for k, v in found.items() if k not in VARYING}, body


def without_nonces(value: bytes) -> bytes:
    return re.sub(rb"nonce-[A-Za-z0-9+/=_-]+", b"nonce-N", value)


def same(found: dict) -> dict:
    return {name: without_nonces(value) for name, value in found.items()}


def test_the_application_runs_the_middleware_in_one_go():
    assert isinstance(django_asgi_app, SyncStackASGIHandler)
    # A plain function chain: no coroutine per middleware, no hop per middleware method.
    assert not hasattr(django_asgi_app._middleware_chain, "__await__")
    from asgiref.sync import iscoroutinefunction

    assert not iscoroutinefunction(django_asgi_app._middleware_chain)


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/robots.txt", (), 200),
        ("/live/{slug}/", (), 200),
        ("/live/{slug}/?lang=en", (), 200),
        ("/live/{slug}/", [(b"accept-encoding", b"gzip")], 200),
        ("/", [(b"accept-language", b"en")], 200),
        ("/editor/", (), 302),
        ("/static/liveblog/live.js", (), 200),
        ("/live/no-such-live/", (), 404),
    ],
)
async def test_answers_are_those_of_django_s_own_handler(session, path, headers, status):
    path = path.format(slug=session.slug)
    with override_settings(LIVEBLOG_PAGE_CACHE_SECONDS=0):
        # Both made now, with the test's settings (whitenoise reads DEBUG when it starts).
        ours = await fetch(SyncStackASGIHandler(), path, headers)
        django = await fetch(ASGIHandler(), path, headers)
    assert ours[0] == django[0] == status
    if b"content-encoding" not in ours[1]:  # gzip pads each answer differently (BREACH)
        assert without_nonces(ours[2]) == without_nonces(django[2])
    # The length follows the body (a nonce, gzip's padding), compared above.
    del ours[1][b"content-length"], django[1][b"content-length"]
    assert same(ours[1]) == same(django[1])


async def test_a_public_page_keeps_its_security_headers_and_language(session):
    status, headers, _body = await fetch(application, f"/live/{session.slug}/?lang=en")
    assert status == 200
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert b"default-src 'self'" in headers[b"content-security-policy"]
    assert headers[b"x-frame-options"] == b"DENY"
    assert headers[b"content-language"] == b"en"
    assert b"referrer-policy" in headers


@pytest.mark.needs_redis
def test_caches_of_every_request_share_one_redis_connection_pool():
    # Django makes a cache object per request (per thread or task); each used to open its own
    # pool, so each request its own Redis connection.
    options = {"OPTIONS": {"socket_connect_timeout": 1}, "KEY_PREFIX": "test-pool"}
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
    first, second = PooledRedisCache(url, options), PooledRedisCache(url, options)
    first.set("shared", "yes", 5)
    assert second.get("shared") == "yes"
    first_pool = first._cache.get_client().connection_pool
    assert second._cache.get_client().connection_pool is first_pool
    other = PooledRedisCache(url, {**options, "OPTIONS": {"socket_connect_timeout": 2}})
    assert other._cache.get_client().connection_pool is not first_pool
    first.delete("shared")


class Signals:
    """Which thread each request started in, and how many ended."""

    def __init__(self):
        self.started, self.finished = [], 0

    def on_started(self, **_kwargs):
        self.started.append(threading.get_ident())

    def on_finished(self, **_kwargs):
        self.finished += 1


@pytest.fixture
def request_signals():
    seen = Signals()
    request_started.connect(seen.on_started)
    request_finished.connect(seen.on_finished)
    yield seen
    request_started.disconnect(seen.on_started)
    request_finished.disconnect(seen.on_finished)


async def test_a_request_s_thread_serves_the_next_request(request_signals):
    handler = SyncStackASGIHandler()
    for _ in range(3):
        assert (await fetch(handler, "/robots.txt"))[0] == 200
    # One thread for the three requests, one after the other (a new one each, before).
    assert len(request_signals.started) == 3
    assert len(set(request_signals.started)) == 1
    assert request_signals.started[0] != threading.get_ident()


@pytest.mark.parametrize("path", ["/robots.txt", "/live/{slug}/", "/static/liveblog/live.js"])
async def test_every_request_is_started_and_finished_once(session, request_signals, path):
    # A complete answer is closed in the request's one crossing, a streamed one after it is
    # sent; either way Django's request signals are sent once each.
    status, _headers, body = await fetch(SyncStackASGIHandler(), path.format(slug=session.slug))
    assert status == 200 and body
    assert len(request_signals.started) == 1
    assert request_signals.finished == 1

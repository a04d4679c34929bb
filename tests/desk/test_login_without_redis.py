"""Login when the shared cache (Redis) cannot be reached: people still log in, and failed
attempts are still counted, in the server process, until Redis is back."""

import logging

import pytest

from liveblog.desk import login
from tests.helpers.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_unreachable(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    yield
    login.cache.__init__(login.cache.name, fallback=True)


def test_a_journalist_logs_in_with_redis_unreachable(client, journalist, redis_unreachable):
    response = client.post("/editor/login/", {"username": "jeanne", "password": "pw-jeanne-2026"})
    assert response.status_code == 302


def test_failed_logins_are_still_counted_in_the_process_and_the_fallback_is_logged(
    client, journalist, redis_unreachable, caplog
):
    wrong = {"username": "jeanne", "password": "pas le bon"}
    with caplog.at_level(logging.WARNING, logger="liveblog.resilient_cache"):
        for _attempt in range(5):
            assert client.post("/editor/login/", wrong).status_code == 200
    refused = client.post("/editor/login/", {"username": "jeanne", "password": "pw-jeanne-2026"})
    assert "Trop de tentatives de connexion" in refused.content.decode()
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and "login throttling" in r.getMessage()
    ]
    assert len(warnings) == 1, "logged once per outage, not once per request"
    assert "counting in this process" in warnings[0]

"""Login when the shared cache (Redis) cannot be reached: people still log in, and failed
attempts are still counted (django-axes keeps them in the database, never in the cache)."""

import pytest
from axes.models import AccessAttempt

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


def test_a_journalist_logs_in_with_redis_unreachable(client, journalist, redis_unreachable):
    response = client.post("/editor/login/", {"username": "jeanne", "password": "pw-jeanne-2026"})
    assert response.status_code == 302


def test_failed_logins_are_still_counted_and_lock_the_account_out_with_redis_unreachable(
    client, journalist, redis_unreachable
):
    wrong = {"username": "jeanne", "password": "pas le bon"}
    for _attempt in range(4):
        assert client.post("/editor/login/", wrong).status_code == 200
    assert AccessAttempt.objects.get(username="jeanne").failures_since_start == 4
    client.post("/editor/login/", wrong)
    refused = client.post("/editor/login/", {"username": "jeanne", "password": "pw-jeanne-2026"})
    assert "Trop de tentatives de connexion" in refused.content.decode()
    assert "_auth_user_id" not in client.session

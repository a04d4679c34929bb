"""People's accounts: passwords that resist guessing, and sessions that end."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("rives26", "Ce mot de passe est trop court"),
        ("motdepasse", "Ce mot de passe est trop courant"),
        ("4815162342", "Ce mot de passe est entièrement numérique"),
        ("lucie.marchand", "Le mot de passe est trop semblable au champ"),
    ],
)
def test_an_admin_cannot_give_someone_a_weak_password(admin_client, password, reason):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "lucie.marchand",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not User.objects.filter(username="lucie.marchand").exists()


def test_a_strong_password_is_accepted(admin_client):
    password = "pont-des-rives-au-petit-matin"
    admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "lucie.marchand",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    assert User.objects.get(username="lucie.marchand").check_password(password)


def test_a_desk_login_lasts_one_shift_then_asks_to_log_in_again(client, journalist):
    response = client.post("/editor/login/", {"username": "jeanne", "password": "pw-jeanne-2026"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 12 * 3600
    assert client.get("/editor/").status_code == 200
    stored = Session.objects.get()
    stored.expire_date = timezone.now() - timedelta(seconds=1)
    stored.save()
    response = client.get("/editor/")
    assert response.status_code == 302
    assert response.url.startswith("/editor/login/")

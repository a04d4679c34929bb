import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_account(django_user_model):
    return django_user_model.objects.create_superuser(
        "chef", "chef@example.org", "bon-mot-de-passe"
    )


def attempt(client, username, password, address="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, admin_account):
    for _ in range(5):
        response = attempt(client, "chef", "devine")
        assert "Trop de tentatives" not in response.content.decode()
    response = attempt(client, "chef", "bon-mot-de-passe")
    assert response.status_code == 200
    assert (
        "Trop de tentatives de connexion. Par sécurité, réessayez dans 15 minutes."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_whatever_the_case_or_address(client, admin_account):
    for n in range(5):
        attempt(client, "CHEF", "devine", address=f"192.0.2.{n}")
    assert "Trop de tentatives" in attempt(client, "chef", "x", "198.51.100.7").content.decode()


def test_one_address_guessing_many_accounts_is_locked_out(client, admin_account):
    for n in range(20):
        attempt(client, f"inconnu{n}", "devine")
    response = attempt(client, "chef", "bon-mot-de-passe")
    assert "Trop de tentatives" in response.content.decode()
    other = attempt(client, "chef", "bon-mot-de-passe", address="198.51.100.7")
    assert other.status_code == 302, "another address is not punished"


def test_a_successful_login_clears_the_account_count(client, admin_account):
    for _ in range(4):
        attempt(client, "chef", "devine")
    assert attempt(client, "chef", "bon-mot-de-passe").status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "chef", "devine")
    assert attempt(client, "chef", "bon-mot-de-passe").status_code == 302


def test_the_message_is_in_english_for_english_users(client, admin_account):
    for _ in range(5):
        attempt(client, "chef", "devine")
    response = client.post(
        LOGIN + "&lang=en", {"username": "chef", "password": "x"}, REMOTE_ADDR="192.0.2.10"
    )
    assert "Too many failed login attempts." in response.content.decode()

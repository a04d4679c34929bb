import pytest
from axes.models import AccessAttempt
from django.core.cache import caches
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
HOME = "192.0.2.10"
PROXY = "127.0.0.1"


@pytest.fixture
def admin_account(django_user_model):
    return django_user_model.objects.create_superuser(
        "chef", "chef@example.org", "bon-mot-de-passe"
    )


def attempt(client, username, password, address=HOME, **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def logged_in(response) -> bool:
    return response.status_code == 302


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, admin_account):
    for _ in range(4):
        response = attempt(client, "chef", "devine")
        assert "Trop de tentatives" not in response.content.decode()
    # The fifth failure already says so.
    assert "Trop de tentatives" in attempt(client, "chef", "devine").content.decode()
    response = attempt(client, "chef", "bon-mot-de-passe")
    assert response.status_code == 200
    assert (
        "Trop de tentatives de connexion. Par sécurité, réessayez dans 15 minutes."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_the_lock_counts_the_account_whatever_the_case_of_its_name(client, admin_account):
    for name in ["CHEF", "Chef", "chef ", "chef", "CHEF"]:
        attempt(client, name, "devine")
    assert "Trop de tentatives" in attempt(client, "chef", "x").content.decode()


def test_twenty_failures_from_other_names_and_addresses_leave_the_journalist_able_to_log_in(
    client, admin_account
):
    # Someone invents names from the newsroom's own address and from elsewhere, and tries
    # the journalist's name from other addresses: nothing of it reaches the journalist's pair.
    for n in range(10):
        attempt(client, f"inconnu{n}", "devine", address=HOME)
    for n in range(5):
        attempt(client, f"inconnu{n}", "devine", address=f"198.51.100.{n}")
    for n in range(5):
        attempt(client, "chef", "devine", address=f"203.0.113.{n}")
    assert AccessAttempt.objects.count() == 20
    assert logged_in(attempt(client, "chef", "bon-mot-de-passe", address=HOME))


def test_behind_the_proxy_one_reader_s_failures_do_not_lock_out_a_colleague(
    client, admin_account, settings
):
    """Every request comes from nginx; the address it appends is the one that counts."""
    settings.LIVEBLOG_TRUSTED_PROXIES = [PROXY, "::1"]
    for _ in range(5):
        attempt(client, "chef", "devine", address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    locked = attempt(
        client, "chef", "bon-mot-de-passe", address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66"
    )
    assert "Trop de tentatives" in locked.content.decode()
    assert AccessAttempt.objects.get().ip_address == "203.0.113.66"
    assert logged_in(
        attempt(
            client, "chef", "bon-mot-de-passe", address=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.44"
        )
    )


def test_a_client_cannot_escape_its_lockout_by_writing_the_proxy_header_itself(
    client, admin_account, settings
):
    settings.LIVEBLOG_TRUSTED_PROXIES = [PROXY]
    for n in range(5):
        # Straight to the app, not through the proxy: the header is the client's own words.
        attempt(
            client, "chef", "devine", address="198.51.100.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        )
    response = attempt(
        client, "chef", "bon-mot-de-passe", address="198.51.100.9", HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert "Trop de tentatives" in response.content.decode()
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.9"}


def test_a_successful_login_clears_the_account_count(client, admin_account):
    for _ in range(4):
        attempt(client, "chef", "devine")
    assert logged_in(attempt(client, "chef", "bon-mot-de-passe"))
    client.logout()
    for _ in range(4):
        attempt(client, "chef", "devine")
    assert logged_in(attempt(client, "chef", "bon-mot-de-passe"))


def test_the_message_is_in_english_for_english_users(client, admin_account):
    for _ in range(5):
        attempt(client, "chef", "devine")
    response = client.post(
        LOGIN + "&lang=en", {"username": "chef", "password": "x"}, REMOTE_ADDR=HOME
    )
    assert (
        "Too many failed login attempts. For your security, try again in 15 minutes."
        in response.content.decode()
    )


def test_an_admin_sees_a_lockout_and_lifts_it(client, admin_account, django_user_model):
    django_user_model.objects.create_superuser("admin2", "a2@example.org", "autre-mot-de-passe")
    for _ in range(5):
        attempt(client, "chef", "devine")
    admin = Client()
    admin.force_login(django_user_model.objects.get(username="admin2"))
    listing = admin.get("/admin/axes/accessattempt/").content.decode()
    assert "chef" in listing
    assert HOME in listing
    lockout = AccessAttempt.objects.get(username="chef")
    response = admin.post(
        f"/admin/axes/accessattempt/{lockout.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert logged_in(attempt(client, "chef", "bon-mot-de-passe"))


def test_logging_in_works_while_the_cache_server_is_down(client, admin_account, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1: every cache call fails.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with pytest.raises(Exception):  # noqa: B017 - prove the cache is really unreachable
        caches["default"].get("anything")
    attempt(client, "chef", "devine")
    assert logged_in(attempt(client, "chef", "bon-mot-de-passe"))


# The ASGI handler runs the view in a thread with a connection of its own: it must see
# committed data.
@pytest.mark.django_db(transaction=True)
async def test_under_the_asgi_server_the_lockout_is_the_login_page_in_the_reader_s_language(
    async_client, django_user_model
):
    await django_user_model.objects.acreate_superuser("chef", "chef@example.org", "bon-mot")
    for _ in range(5):
        response = await async_client.post(
            LOGIN, {"username": "chef", "password": "devine"}, REMOTE_ADDR=HOME
        )
    html = response.content.decode()
    assert "Trop de tentatives de connexion." in html
    assert 'name="username"' in html, "the form, with the name typed, not a bare error"

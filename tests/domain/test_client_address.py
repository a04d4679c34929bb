"""One answer to "who is this client?" for the login lockout, the audit log and the guards."""

import pytest

from liveblog.client_address import client_address, scope_client_address

NGINX = "127.0.0.1"


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    settings.LIVEBLOG_TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/8"]
    settings.LIVEBLOG_CLIENT_ADDRESS_HEADER = "X-Forwarded-For"


def test_without_a_header_the_peer_is_the_client():
    assert client_address("203.0.113.7", "") == "203.0.113.7"


def test_from_our_proxy_the_address_it_appended_is_the_client():
    assert client_address(NGINX, "203.0.113.7") == "203.0.113.7"


def test_what_a_client_writes_before_our_proxy_s_entry_cannot_win():
    assert client_address(NGINX, "1.2.3.4, 203.0.113.7") == "203.0.113.7"


def test_a_chain_of_our_own_proxies_is_read_back_to_the_first_one_that_is_not_ours():
    assert client_address(NGINX, "198.51.100.1, 203.0.113.7, 10.1.2.3") == "203.0.113.7"


def test_a_peer_that_is_not_our_proxy_cannot_name_another_client():
    assert client_address("198.51.100.20", "203.0.113.7") == "198.51.100.20"


def test_with_no_trusted_proxy_configured_the_header_means_nothing(settings):
    settings.LIVEBLOG_TRUSTED_PROXIES = []
    assert client_address(NGINX, "203.0.113.7") == NGINX


def test_garbage_in_the_header_stops_the_reading_at_the_peer():
    assert client_address(NGINX, "not-an-address") == NGINX
    assert client_address(NGINX, "203.0.113.7, unknown") == NGINX


def test_ports_brackets_and_ipv6_are_understood():
    assert client_address("::1", "[2001:db8::7]:4431") == "2001:db8::7"
    assert client_address(NGINX, "203.0.113.7:5123") == "203.0.113.7"
    assert client_address("::ffff:127.0.0.1", "203.0.113.7") == "203.0.113.7"


def test_a_websocket_handshake_is_read_the_same_way(settings):
    settings.LIVEBLOG_CLIENT_ADDRESS_HEADER = "X-Real-IP"
    scope = {"client": (NGINX, 50123), "headers": [(b"x-real-ip", b"203.0.113.7")]}
    assert scope_client_address(scope) == "203.0.113.7"
    forged = {"client": ("198.51.100.3", 50123), "headers": [(b"x-real-ip", b"203.0.113.7")]}
    assert scope_client_address(forged) == "198.51.100.3"

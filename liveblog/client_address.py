"""The client's address: one answer for the login lockout, the audit log and the websocket guards.

Without a reverse proxy, the peer of the connection is the client. Behind one, every
connection comes from the proxy, which names the client in a header
(`LIVEBLOG_CLIENT_ADDRESS_HEADER`, X-Forwarded-For by default). Anyone can send that
header, so it is read only when the peer is one of `LIVEBLOG_TRUSTED_PROXIES`; then the
header is read from its right end (each proxy appends the address it saw), past any
other trusted proxy, and the first address no proxy of ours owns is the client's. Nothing
a client writes at the left end of the header can win over what our proxy appended.
"""

import ipaddress
from functools import cache

from django.conf import settings

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def request_client_address(request) -> str:
    """The client's address for a Django request ("" if unknown)."""
    if request is None:
        return ""
    meta_key = "HTTP_" + header_name().upper().replace("-", "_")
    return client_address(request.META.get("REMOTE_ADDR", ""), request.META.get(meta_key, ""))


def scope_client_address(scope: dict) -> str:
    """The client's address for an ASGI scope (a websocket handshake)."""
    client = scope.get("client")
    peer = client[0] if client else ""
    wanted = header_name().lower().encode("latin-1")
    forwarded = ", ".join(
        value.decode("latin-1") for name, value in scope.get("headers", []) if name == wanted
    )
    return client_address(peer, forwarded)


def client_address(peer: str, forwarded: str) -> str:
    """The client behind `peer`, given the header's value `forwarded` (may be empty)."""
    proxies = trusted_proxies(tuple(settings.LIVEBLOG_TRUSTED_PROXIES))
    if not forwarded or not is_trusted(peer, proxies):
        return peer
    for entry in reversed(forwarded.split(",")):
        address = plain_address(entry)
        if address is None:
            # Garbage where our proxy writes: the chain cannot be read past it.
            break
        if not is_trusted(address, proxies):
            return address
    # Every hop is one of ours (a health check from the proxy host): that is the client.
    return peer


def header_name() -> str:
    return settings.LIVEBLOG_CLIENT_ADDRESS_HEADER or "X-Forwarded-For"


@cache
def trusted_proxies(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def is_trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in proxies)


def plain_address(entry: str) -> str | None:
    """The bare address in "203.0.113.7", "[2001:db8::1]:443" or "203.0.113.7:5123", or None."""
    text = entry.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None

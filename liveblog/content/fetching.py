"""Reading a page or an image from another site for a card, without opening a door (SSRF).

A journalist types any URL; the server then fetches it. So every fetch, and every
redirect it follows, goes only to http(s) on the standard ports of a host whose
every address is public: the address is checked after resolving and the
connection is made to that checked address (a second lookup could answer
differently). It stops at a short deadline and a size cap, whatever the other
side does.

Tests point providers at a local server: LIVEBLOG_CARDS_ALLOW_LOOPBACK lets the
fetcher reach loopback (True: any port; or a set of ports). Settings only allow
it with DEBUG on; production always refuses loopback.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

# A card needs a page's <head> or a small JSON document; past this it is not worth reading.
MAX_PAGE_BYTES = 512 * 1024
MAX_REDIRECTS = 3
STANDARD_PORTS = {"http": 80, "https": 443}
USER_AGENT = "NewsroomLiveblog-CardFetcher/1.0 (+link preview)"
# Name lookups run here so that they can be given up on at the deadline.
RESOLVER = ThreadPoolExecutor(max_workers=4, thread_name_prefix="card-dns")


class FetchRefused(Exception):
    """The URL was not fetched, or not fully: the reason is for logs and the desk's note."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str  # "text/html", without parameters
    charset: str
    body: bytes


def fetch(url: str, *, accept: tuple[str, ...], max_bytes: int = MAX_PAGE_BYTES) -> Fetched:
    """The body at `url`, following at most a few redirects, each one checked like the first.

    `accept` lists the content types wanted ("text/html", "image/"…: a prefix matches).
    """
    deadline = time.monotonic() + settings.LIVEBLOG_CARDS_TIMEOUT
    for _hop in range(MAX_REDIRECTS + 1):
        status, headers, connection = _request(url, deadline)
        try:
            if status in (301, 302, 303, 307, 308):
                location = headers.get("location")
                if not location:
                    raise FetchRefused(f"redirect without a Location from {url}")
                url = urljoin(url, location)
                continue
            if status != 200:
                raise FetchRefused(f"HTTP {status} from {url}")
            return _read(url, headers, connection, accept, max_bytes, deadline)
        finally:
            connection.close()
    raise FetchRefused(f"more than {MAX_REDIRECTS} redirects")


def _request(url: str, deadline: float):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in STANDARD_PORTS or not parts.hostname:
        raise FetchRefused(f"not an http(s) address: {url[:100]}")
    try:
        port = parts.port or STANDARD_PORTS[scheme]
    except ValueError as error:
        raise FetchRefused(f"bad port in {url[:100]}") from error
    addresses = checked_addresses(parts.hostname, port, deadline)
    timeout = _remaining(deadline)
    if scheme == "https":
        connection = PinnedHTTPSConnection(parts.hostname, port, addresses, timeout=timeout)
    else:
        connection = PinnedHTTPConnection(parts.hostname, port, addresses, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    try:
        connection.request(
            "GET",
            path,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html, application/json;q=0.9, image/*;q=0.8",
                "Accept-Encoding": "identity",
            },
        )
        response = connection.getresponse()
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        raise FetchRefused(failure(error, parts.hostname)) from error
    headers = {name.lower(): value for name, value in response.getheaders()}
    return response.status, headers, _Body(connection, response)


def _read(url, headers, body, accept, max_bytes, deadline) -> Fetched:
    content_type, _sep, params = headers.get("content-type", "").partition(";")
    content_type = content_type.strip().lower()
    if not any(content_type.startswith(wanted) for wanted in accept):
        raise FetchRefused(f"{content_type or 'no content type'} is not {', '.join(accept)}")
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchRefused(f"{declared} bytes is over the {max_bytes} cap")
    chunks, size = [], 0
    while True:
        # Each read waits at most the socket's timeout (what was left when connecting), and the
        # deadline is checked between reads: a drip-fed answer stops within twice the timeout.
        _remaining(deadline)
        try:
            chunk = body.response.read1(64 * 1024)
        except (OSError, http.client.HTTPException) as error:
            raise FetchRefused(failure(error, urlsplit(url).hostname)) from error
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(f"more than the {max_bytes} bytes cap")
        chunks.append(chunk)
    charset = params.partition("charset=")[2].strip().strip('"') or "utf-8"
    return Fetched(url=url, content_type=content_type, charset=charset, body=b"".join(chunks))


def failure(error: Exception, host: str | None) -> str:
    if isinstance(error, TimeoutError):
        return f"timed out waiting for {host}"
    return f"{type(error).__name__} from {host}"


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchRefused("timed out")
    return left


@dataclass
class _Body:
    connection: http.client.HTTPConnection
    response: http.client.HTTPResponse

    def close(self) -> None:
        self.response.close()
        self.connection.close()


def checked_addresses(host: str, port: int, deadline: float) -> list[str]:
    """The addresses of `host` to connect to, once every one of them is allowed."""
    # getaddrinfo has no timeout of its own: a dead resolver must not hold the journalist.
    lookup = RESOLVER.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=_remaining(deadline))
    except TimeoutError as error:
        raise FetchRefused(f"timed out resolving {host}") from error
    except (OSError, UnicodeError) as error:
        raise FetchRefused(f"cannot resolve {host}") from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchRefused(f"no address for {host}")
    for address in addresses:
        refusal = address_refusal(address, port)
        if refusal:
            raise FetchRefused(f"{host} resolves to {address}: {refusal}")
    return addresses


def address_refusal(address: str, port: int) -> str:
    """Why this address may not be fetched, or "" when it may."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        allowed = settings.LIVEBLOG_CARDS_ALLOW_LOOPBACK
        if allowed is True or (allowed and port in allowed):
            return ""
        return "loopback"
    if not ip.is_global or ip.is_multicast:
        return "not a public address"
    if port not in STANDARD_PORTS.values():
        return f"port {port} is not a web port"
    return ""


def connect_to_one(addresses: list[str], port: int, timeout: float) -> socket.socket:
    """A connection to the first of the checked addresses that answers (IPv6 may be down)."""
    failure = OSError(f"no address of {addresses} answered")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as error:
            failure = error
    raise failure


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the addresses that were checked, whatever the name resolves to now."""

    def __init__(self, host, port, addresses, **kwargs):
        super().__init__(host, port, **kwargs)
        self.addresses = addresses

    def connect(self):
        self.sock = connect_to_one(self.addresses, self.port, self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, addresses, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self.addresses = addresses

    def connect(self):
        sock = connect_to_one(self.addresses, self.port, self.timeout)
        # The certificate is checked against the name the journalist typed, not the address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)

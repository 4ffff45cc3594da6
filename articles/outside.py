"""Fetching from outside: the one way the server asks another host for anything.

`fetch(url, allowed_hosts=...)` gets one small document from a host the caller names,
over HTTPS, within a time cap and a size cap, and never from an address of our own
networks: the host is resolved once, every address it names is checked (loopback,
private, link-local, shared, multicast, reserved, unspecified; IPv4, IPv6 and IPv4 inside
IPv6), and the connection goes to the checked address (TLS still verifies the host's
name), so a name that resolves again to 127.0.0.1 between check and connect (DNS
rebinding) reaches nothing. Redirects are followed here, one hop at a time, each hop
checked as the first. A host the Admin allows by name (`internal_hosts`, e.g. a newsroom's
own WordPress on the office network) may resolve to such an address; nothing else may.

Floor 0: imports nothing of the project, so every wing (embeds, the WordPress import) can
use it. No response is decompressed (we ask for the identity encoding), so the size cap
is the size received.
"""

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

DEFAULT_TIMEOUT = 5.0  # seconds for the whole fetch, redirects included
DEFAULT_MAX_BYTES = 1 * 2**20
DEFAULT_MAX_REDIRECTS = 3
USER_AGENT = "newsroom-fetcher/1.0"
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024


class OutsideError(Exception):
    """A fetch that did not give a document; the message says why, for logs and editors."""


class NotAllowed(OutsideError):
    """The URL's scheme or host is not one the caller allows."""


class ForbiddenAddress(OutsideError):
    """The host resolves to an address of our own networks (loopback, private, ...)."""


class TooLarge(OutsideError):
    """The response is larger than the size cap."""


class TooSlow(OutsideError):
    """The fetch took longer than the time cap."""


class TooManyRedirects(OutsideError):
    pass


class Unreachable(OutsideError):
    """The host could not be resolved or connected to, or TLS failed."""


class BadResponse(OutsideError):
    """The host answered, but not with a document (an error status, a malformed reply)."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Response:
    url: str  # the last hop's URL
    status: int
    content_type: str
    body: bytes


def host_matches(host, patterns):
    """`host` is in `patterns`: an exact name, or a name under an entry starting with a dot
    (".ytimg.com" matches "i.ytimg.com", not "ytimg.com" nor "evilytimg.com")."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        pattern = pattern.lower().rstrip(".")
        if pattern.startswith(".") and host.endswith(pattern) and len(host) > len(pattern):
            return True
        if host == pattern:
            return True
    return False


def forbidden_reason(address):
    """Why `address` may not be fetched from, or None for a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo and ip.teredo[1])
        if embedded is not None:
            reason = forbidden_reason(str(embedded))
            if reason:
                return f"{reason} (di dalam {ip})"
        if ip in ipaddress.ip_network("64:ff9b::/96"):  # NAT64: IPv4 in its last 32 bits
            reason = forbidden_reason(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
            if reason:
                return f"{reason} (di dalam {ip})"
    for flag, reason in (
        ("is_unspecified", "alamat kosong"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "jaringan privat"),
        ("is_reserved", "alamat khusus"),
    ):
        if getattr(ip, flag):
            return reason
    if not ip.is_global:  # shared address space (100.64.0.0/10), documentation ranges...
        return "bukan alamat publik"
    return None


def system_resolve(host, port):
    """Every address `host` names, as the system resolver gives them."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Unreachable(f"Nama host {host} tidak dikenal: {error}") from error
    return list(dict.fromkeys(info[4][0] for info in infos))


@lru_cache(maxsize=1)
def tls_context():
    """The system's trusted certificates, host names checked."""
    return ssl.create_default_context()


def _connect(addresses, port, timeout):
    """A socket to the first of the checked addresses that answers."""
    error = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except TimeoutError:
            raise
        except OSError as refused:
            error = refused
    raise error


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the addresses already checked, verifying the certificate for the host."""

    def __init__(self, host, addresses, port, timeout, context):
        super().__init__(host, port, timeout=timeout, context=context)
        self._addresses = addresses

    def connect(self):
        sock = _connect(self._addresses, self.port, self.timeout)
        self.sock = self.pinned = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, addresses, port, timeout):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def connect(self):
        self.sock = self.pinned = _connect(self._addresses, self.port, self.timeout)


def fetch(
    url,
    *,
    allowed_hosts,
    internal_hosts=(),
    timeout=DEFAULT_TIMEOUT,
    max_bytes=DEFAULT_MAX_BYTES,
    max_redirects=DEFAULT_MAX_REDIRECTS,
    allow_http=False,
    accept="*/*",
    resolve=system_resolve,
):
    """GET `url` and return its `Response`, or raise an `OutsideError` saying why not.

    `allowed_hosts`: the only hosts contacted, first hop and every redirect (see
    `host_matches`). `internal_hosts`: of those, the ones the Admin allowed by name to be
    on our own networks. `allow_http`: plain HTTP too (never for embeds). `resolve(host,
    port)` gives a host's addresses (the system's resolver; tests inject their own).
    """
    deadline = time.monotonic() + timeout
    for _ in range(max_redirects + 1):
        response = _fetch_once(
            url, allowed_hosts, internal_hosts, deadline, max_bytes, allow_http, accept, resolve
        )
        if isinstance(response, Response):
            return response
        url = response  # a redirect's target, checked again on the next turn
    raise TooManyRedirects(f"Lebih dari {max_redirects} pengalihan sejak {url}")


def _fetch_once(url, allowed_hosts, internal_hosts, deadline, max_bytes, allow_http, accept,
                resolve):  # fmt: skip
    """The Response, or the URL the host redirects to."""
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        raise NotAllowed(f"Hanya HTTPS yang boleh: {url}")
    host = parts.hostname
    if not host or parts.username is not None or parts.password is not None:
        raise NotAllowed(f"Alamat tidak sah: {url}")
    if not host_matches(host, allowed_hosts):
        raise NotAllowed(f"Host {host} tidak termasuk yang boleh dihubungi")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise NotAllowed(f"Port tidak sah: {url}") from error
    addresses = resolve(host, port)
    if not addresses:
        raise Unreachable(f"Nama host {host} tidak punya alamat")
    if not host_matches(host, internal_hosts):
        for address in addresses:
            reason = forbidden_reason(address)
            if reason:
                raise ForbiddenAddress(f"{host} menunjuk ke {address} ({reason}): ditolak")
    remaining = _remaining(deadline, url)
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(host, addresses, port, remaining, tls_context())
    else:
        connection = _PinnedHTTPConnection(host, addresses, port, remaining)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # Socket timeouts bound each read; this bounds the whole (a host dripping its headers
    # a byte at a time): at the deadline the socket is shut, and what reads it fails.
    watchdog = threading.Timer(remaining, _cut, args=(connection,))
    watchdog.daemon = True
    try:
        connection.connect()
        watchdog.start()
        connection.request(
            "GET",
            path,
            headers={"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "identity"},
        )
        answer = connection.getresponse()
        if answer.status in REDIRECTS:
            location = answer.getheader("Location")
            if not location:
                raise BadResponse(f"Pengalihan tanpa tujuan dari {url}", answer.status)
            return urljoin(url, location.strip())
        if answer.status != 200:
            raise BadResponse(f"{host} menjawab {answer.status} untuk {url}", answer.status)
        length = answer.getheader("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise TooLarge(f"{url}: {int(length)} byte, paling banyak {max_bytes}")
        body = _read_capped(answer, connection, deadline, max_bytes, url)
        return Response(
            url=url,
            status=answer.status,
            content_type=(answer.getheader("Content-Type") or "").split(";")[0].strip().lower(),
            body=body,
        )
    except OutsideError:
        raise
    except Exception as error:
        if isinstance(error, TimeoutError) or time.monotonic() >= deadline:
            raise TooSlow(f"{url}: lewat batas waktu") from error
        if isinstance(error, ssl.SSLError):
            raise Unreachable(f"{url}: TLS gagal ({error})") from error
        if isinstance(error, http.client.HTTPException | ValueError):
            raise BadResponse(f"{url}: jawaban tidak sah ({error})") from error
        if isinstance(error, OSError):
            raise Unreachable(f"{url}: tidak bisa dihubungi ({error})") from error
        raise
    finally:
        watchdog.cancel()
        connection.close()


def _cut(connection):
    sock = getattr(connection, "pinned", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


def _remaining(deadline, url):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TooSlow(f"{url}: lewat batas waktu")
    return remaining


def _read_capped(answer, connection, deadline, max_bytes, url):
    """The body, read in chunks, each within what is left of the time cap."""
    received = bytearray()
    while True:
        # The response keeps the socket after the connection lets go of it (Connection: close).
        connection.pinned.settimeout(_remaining(deadline, url))
        chunk = answer.read1(CHUNK)
        if not chunk:
            _remaining(deadline, url)  # cut short by the deadline, not a whole body
            return bytes(received)
        received += chunk
        if len(received) > max_bytes:
            raise TooLarge(f"{url}: lebih dari {max_bytes} byte")

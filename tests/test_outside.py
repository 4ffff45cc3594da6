"""The guarded fetcher (articles/outside.py): HTTPS to allowed hosts only, within time and
size caps, never to our own networks unless the host is allowed by name. The only server
reached is the loopback stub (tests/outside_stub.py); outside addresses below are given by
an injected resolver and refused before any connection is made."""

import time

import pytest

from articles import outside
from tests.outside_stub import (
    bytes_reply,
    drip_headers_reply,
    drip_reply,
    json_reply,
    redirect,
    slow_reply,
    status_reply,
    unsized_reply,
)


def loopback(host, port):
    """Every name on the stub's address, as a resolver an attacker's DNS might be."""
    return ["127.0.0.1"]


def no_resolving(host, port):
    raise AssertionError(f"{host} should have been refused before resolving")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.1",
        "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "239.255.255.250",
        "240.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1",
        "::1", "::", "fe80::1", "fe80::1%eth0", "fc00::1", "fd12:3456::1", "ff02::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
        "2002:7f00:1::", "2002:a00:1::", "64:ff9b::a00:1", "2001:db8::1",
    ],
)  # fmt: skip
def test_our_own_and_special_addresses_are_refused(address):
    assert outside.forbidden_reason(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_unicast_addresses_pass(address):
    assert outside.forbidden_reason(address) is None


def test_host_matching_is_exact_or_under_a_dotted_entry():
    assert outside.host_matches("www.youtube.com", ["www.youtube.com"])
    assert outside.host_matches("WWW.YouTube.com.", ["www.youtube.com"])
    assert outside.host_matches("i.ytimg.com", [".ytimg.com"])
    assert not outside.host_matches("ytimg.com", [".ytimg.com"])
    assert not outside.host_matches("evilytimg.com", [".ytimg.com"])
    assert not outside.host_matches("www.youtube.com.evil.test", ["www.youtube.com"])


def test_a_host_allowed_by_name_may_be_on_loopback(outside_stub):
    outside_stub.routes["/oembed"] = json_reply({"title": "Halo"})
    response = outside.fetch(
        outside_stub.url("/oembed?url=x"),
        allowed_hosts=["localhost"],
        internal_hosts=["localhost"],
    )
    assert response.status == 200
    assert response.content_type == "application/json"
    assert response.body == b'{"title": "Halo"}'
    assert outside_stub.requests == ["/oembed?url=x"]


def test_loopback_is_refused_before_connecting(outside_stub):
    outside_stub.routes["/oembed"] = json_reply({"title": "Halo"})
    with pytest.raises(outside.ForbiddenAddress, match="loopback"):
        outside.fetch(outside_stub.url("/oembed"), allowed_hosts=["localhost"])
    assert outside_stub.requests == []


@pytest.mark.parametrize(
    "addresses",
    [["10.0.0.7"], ["169.254.169.254"], ["93.184.216.34", "192.168.0.10"], ["fd00::5"]],
)
def test_a_host_resolving_to_a_private_or_link_local_address_is_refused(addresses):
    with pytest.raises(outside.ForbiddenAddress):
        outside.fetch(
            "https://oembed.test/oembed",
            allowed_hosts=["oembed.test"],
            resolve=lambda host, port: addresses,
        )


def test_the_connection_goes_to_the_address_checked(outside_stub):
    """Resolved once per hop: a second answer (DNS rebinding) is never asked for."""
    outside_stub.routes["/a"] = bytes_reply(b"ok")
    asked = []

    def resolve(host, port):
        asked.append(host)
        return ["127.0.0.1"] if len(asked) == 1 else ["10.0.0.1"]

    response = outside.fetch(
        outside_stub.url("/a", host="oembed.test"),
        allowed_hosts=["oembed.test"],
        internal_hosts=["oembed.test"],
        resolve=resolve,
    )
    assert response.body == b"ok"
    assert asked == ["oembed.test"]


def test_a_redirect_to_a_private_address_is_refused(outside_stub):
    outside_stub.routes["/start"] = redirect(outside_stub.url("/inside", host="private.test"))
    outside_stub.routes["/inside"] = bytes_reply(b"secret")
    fetch = dict(
        allowed_hosts=["oembed.test", "private.test"],
        resolve=loopback,
    )
    start = outside_stub.url("/start", host="oembed.test")
    with pytest.raises(outside.ForbiddenAddress, match="private.test"):
        outside.fetch(start, internal_hosts=["oembed.test"], **fetch)
    assert outside_stub.requests == ["/start"]
    # The same hop is followed once its host is allowed by name: the address was the reason.
    response = outside.fetch(start, internal_hosts=["oembed.test", "private.test"], **fetch)
    assert response.body == b"secret"
    assert response.url == outside_stub.url("/inside", host="private.test")


def test_a_redirect_to_an_address_literal_or_a_host_not_allowed_is_refused(outside_stub):
    fetch = dict(allowed_hosts=["oembed.test"], internal_hosts=["oembed.test"], resolve=loopback)
    outside_stub.routes["/to-literal"] = redirect(f"https://127.0.0.1:{outside_stub.port}/x")
    with pytest.raises(outside.NotAllowed, match="127.0.0.1"):
        outside.fetch(outside_stub.url("/to-literal", host="oembed.test"), **fetch)
    outside_stub.routes["/to-metadata"] = redirect("https://169.254.169.254/latest/meta-data/")
    with pytest.raises(outside.NotAllowed):
        outside.fetch(outside_stub.url("/to-metadata", host="oembed.test"), **fetch)
    outside_stub.routes["/to-other"] = redirect(outside_stub.url("/x", host="other.test"))
    with pytest.raises(outside.NotAllowed, match="other.test"):
        outside.fetch(outside_stub.url("/to-other", host="oembed.test"), **fetch)
    outside_stub.routes["/to-http"] = redirect(f"http://oembed.test:{outside_stub.port}/x")
    with pytest.raises(outside.NotAllowed, match="HTTPS"):
        outside.fetch(outside_stub.url("/to-http", host="oembed.test"), **fetch)


def test_redirects_are_capped(outside_stub):
    outside_stub.routes["/loop"] = redirect("/loop", status=301)
    with pytest.raises(outside.TooManyRedirects):
        outside.fetch(
            outside_stub.url("/loop"),
            allowed_hosts=["localhost"],
            internal_hosts=["localhost"],
            max_redirects=2,
        )
    assert outside_stub.requests == ["/loop"] * 3


@pytest.mark.parametrize(
    "url",
    [
        "http://www.youtube.com/oembed",
        "ftp://www.youtube.com/oembed",
        "file:///etc/passwd",
        "https://user:secret@www.youtube.com/oembed",
        "https:///oembed",
        "https://www.youtube.com:99999/oembed",
    ],
)
def test_anything_but_https_to_a_plain_host_is_refused(url):
    with pytest.raises(outside.NotAllowed):
        outside.fetch(url, allowed_hosts=["www.youtube.com"], resolve=no_resolving)


def test_a_host_not_allowed_is_refused_before_resolving():
    with pytest.raises(outside.NotAllowed, match="vimeo.com"):
        outside.fetch(
            "https://vimeo.com/api/oembed.json", allowed_hosts=["www.youtube.com"],
            resolve=no_resolving,
        )  # fmt: skip


def test_size_cap_by_content_length(outside_stub):
    outside_stub.routes["/big"] = bytes_reply(b"x" * 5000)
    with pytest.raises(outside.TooLarge, match="5000"):
        outside.fetch(
            outside_stub.url("/big"), allowed_hosts=["localhost"], internal_hosts=["localhost"],
            max_bytes=4096,
        )  # fmt: skip


def test_size_cap_without_content_length(outside_stub):
    outside_stub.routes["/unsized"] = unsized_reply(300_000)
    with pytest.raises(outside.TooLarge):
        outside.fetch(
            outside_stub.url("/unsized"), allowed_hosts=["localhost"],
            internal_hosts=["localhost"], max_bytes=100_000,
        )  # fmt: skip
    outside_stub.routes["/small"] = unsized_reply(1000)
    response = outside.fetch(
        outside_stub.url("/small"), allowed_hosts=["localhost"], internal_hosts=["localhost"],
        max_bytes=100_000,
    )  # fmt: skip
    assert response.body == b"x" * 1000


def test_time_cap_on_a_host_that_does_not_answer(outside_stub):
    outside_stub.routes["/slow"] = slow_reply(3)
    started = time.monotonic()
    with pytest.raises(outside.TooSlow):
        outside.fetch(
            outside_stub.url("/slow"), allowed_hosts=["localhost"], internal_hosts=["localhost"],
            timeout=0.5,
        )  # fmt: skip
    assert time.monotonic() - started < 2


def test_time_cap_covers_the_whole_body_not_each_read(outside_stub):
    outside_stub.routes["/drip"] = drip_reply(chunks=30, every=0.1)
    started = time.monotonic()
    with pytest.raises(outside.TooSlow):
        outside.fetch(
            outside_stub.url("/drip"), allowed_hosts=["localhost"], internal_hosts=["localhost"],
            timeout=1,
        )  # fmt: skip
    assert time.monotonic() - started < 2


def test_time_cap_covers_headers_dripped_a_byte_at_a_time(outside_stub):
    outside_stub.routes["/drip-headers"] = drip_headers_reply(every=0.1)
    started = time.monotonic()
    with pytest.raises(outside.TooSlow):
        outside.fetch(
            outside_stub.url("/drip-headers"), allowed_hosts=["localhost"],
            internal_hosts=["localhost"], timeout=1,
        )  # fmt: skip
    assert time.monotonic() - started < 2


def test_an_error_status_is_a_bad_response(outside_stub):
    outside_stub.routes["/gone"] = status_reply(404)
    with pytest.raises(outside.BadResponse) as raised:
        outside.fetch(
            outside_stub.url("/gone"), allowed_hosts=["localhost"], internal_hosts=["localhost"]
        )
    assert raised.value.status == 404


def test_an_untrusted_certificate_is_refused(outside_stub, monkeypatch):
    monkeypatch.setattr(outside, "tls_context", outside.ssl.create_default_context)
    outside_stub.routes["/a"] = bytes_reply(b"ok")
    with pytest.raises(outside.Unreachable, match="TLS"):
        outside.fetch(
            outside_stub.url("/a"), allowed_hosts=["localhost"], internal_hosts=["localhost"]
        )

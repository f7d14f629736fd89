"""The client's address: X-Forwarded-For counts only when a trusted proxy sent the request."""

import pytest
from django.test import RequestFactory

from tests.trygghet.test_settings import run_manage
from trygghet.client_ip import client_ip


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("198.51.100.7", "192.0.2.1")) == "198.51.100.7"


def test_a_header_from_an_address_that_is_not_a_trusted_proxy_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request_from("198.51.100.7", "10.0.0.9, 192.0.2.1")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("203.0.113.9", "203.0.113.9"),
        # the client wrote the left part itself; the proxy appended the real address
        ("192.0.2.1, 203.0.113.9", "203.0.113.9"),
        # two proxies of ours: the first appended the client, the second the first proxy
        ("192.0.2.1, 203.0.113.9, 10.0.0.3", "203.0.113.9"),
        ("203.0.113.9:51234", "203.0.113.9"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        # nothing usable where the proxy writes the address: stay with the proxy's
        ("203.0.113.9, unknown", "10.0.0.2"),
        ("", "10.0.0.2"),
        ("10.0.0.3", "10.0.0.2"),
    ],
)
def test_through_a_trusted_proxy_the_client_is_the_first_untrusted_hop_from_the_right(
    settings, forwarded, client
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request_from("10.0.0.2", forwarded)) == client


def test_a_single_trusted_address_works_too(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request_from("127.0.0.1", "203.0.113.9")) == "203.0.113.9"
    assert client_ip(request_from("127.0.0.2", "203.0.113.9")) == "127.0.0.2"


def test_a_trusted_proxy_that_is_not_an_address_stops_start_up():
    result = run_manage("check", TESTING="true", TRUSTED_PROXIES="10.0.0.0/8,proxy.example")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr and "proxy.example" in result.stderr

"""The client's address, seen through the proxies the installation trusts (``TRUSTED_PROXIES``).

``X-Forwarded-For`` is written by whoever sends the request, so it is read only when the request
comes from a trusted proxy, and then from the right: each trusted proxy appends the address it
received the request from, and the first address from the right that is not one of ours is the
client. Anything further left was written by the client and is ignored. Login limits
(django-axes, trygghet/login.py) and rate limits (django-ratelimit) all use this one function.
"""

import functools
import ipaddress

from django.conf import settings


@functools.lru_cache(maxsize=8)
def _networks(configured):
    return tuple(ipaddress.ip_network(str(n), strict=False) for n in configured)


def _parse(text):
    """An address from a header value (``1.2.3.4``, ``1.2.3.4:5678``, ``[::1]:80``), or None."""
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.ipv4_mapped or address if address.version == 6 else address


def _is_trusted(address, networks):
    return address is not None and any(address in network for network in networks)


def client_ip(request):
    """The address of the client that sent ``request``, as a string."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not _is_trusted(_parse(remote), networks):
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # Not an address where our proxy writes one: do not guess, stay with the proxy.
            return remote
        if not _is_trusted(address, networks):
            return str(address)
    return remote

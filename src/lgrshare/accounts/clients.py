"""Who is at the other end: the client's address, taken from a trusted proxy and only from one.

Behind a TLS proxy every request arrives from the proxy's address, so throttling sign-ins by the
socket's address would let anyone lock any named user out for everybody. The proxy names the
client in ``X-Forwarded-For``; that header is believed only when the request came from an
address in ``LGRSHARE_TRUSTED_PROXIES``, and then the client is the right-most address in it
that is not itself a trusted proxy (anything further left was written by the client and may be
forged).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str) -> bool:
    networks = _networks(tuple(settings.LGRSHARE_TRUSTED_PROXIES))
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str:
    """Return the client's IP address as text ('' when the server was given none)."""
    peer = str(request.META.get("REMOTE_ADDR") or "")
    if not _trusted(peer):
        return peer
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
        if part.strip()
    ]
    for address in reversed(forwarded):
        if not _valid(address):
            return peer  # a proxy we trust wrote nonsense: do not guess
        if not _trusted(address):
            return address
    return forwarded[0] if forwarded else peer

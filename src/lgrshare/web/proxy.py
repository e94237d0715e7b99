"""The WSGI layer in front of Django: who the client is, and over which scheme.

Behind a TLS-terminating proxy the socket's peer is the proxy, and the request's scheme is plain
HTTP. The proxy says what it saw in ``X-Forwarded-For`` and ``X-Forwarded-Proto``, but anyone can
send those headers, so they are believed only from an address in ``LGRSHARE_TRUSTED_PROXIES``:
then the scheme becomes the proxy's, and the client's address the last one in
``X-Forwarded-For`` that is not itself a trusted proxy. From anyone else the headers are dropped
before Django sees them, so neither the HTTPS redirect, secure cookies, nor sign-in throttling
(keyed on ``REMOTE_ADDR``) can be talked round by a client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from lgrshare.domain.errors import ConfigurationError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# Headers a proxy sets; from an untrusted peer they are removed.
_FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
              "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_SSL", "HTTP_X_FORWARDED_PROTOCOL",
              "HTTP_X_REAL_IP", "HTTP_FORWARDED")  # fmt: skip


def parse_networks(raw: list[str], *, setting: str) -> tuple[Network, ...]:
    """Return the addresses or networks in ``raw``; raises ``ConfigurationError`` naming
    ``setting`` for anything that is neither."""
    networks = []
    for item in raw:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigurationError(
                f"{setting} must list IP addresses or networks (e.g. 127.0.0.1, 10.0.0.0/24), "
                f"not {item!r}"
            ) from None
    return tuple(networks)


def _is_in(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: str, forwarded_for: str, trusted: tuple[Network, ...]) -> str:
    """Return the client's address: ``peer``, or, when ``peer`` is a trusted proxy, the last
    address in ``forwarded_for`` that is not a trusted proxy (each proxy appends the one it
    saw, so the addresses left of the last untrusted one were written by the client)."""
    if not _is_in(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_in(hop, trusted):
            return hop.strip("[]")
    return hops[0].strip("[]") if hops else peer


class ProxyHeaders:
    """WSGI middleware: scheme and client address from a trusted proxy, and only from one."""

    def __init__(self, app: WsgiApp, *, trusted: tuple[Network, ...]) -> None:
        self.app = app
        self.trusted = trusted

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        peer = str(environ.get("REMOTE_ADDR") or "")
        headers = {name: environ.pop(name) for name in _FORWARDED if name in environ}
        if self.trusted and _is_in(peer, self.trusted):
            proto = str(headers.get("HTTP_X_FORWARDED_PROTO") or "").split(",")[-1].strip()
            if proto.lower() in {"http", "https"}:
                environ["wsgi.url_scheme"] = proto.lower()
                if proto.lower() == "https":
                    environ["HTTPS"] = "on"
            # Consumed here: the application (``accounts.clients``) then sees the client as
            # the peer, with nothing forwarded to read again.
            environ["REMOTE_ADDR"] = client_address(
                peer, str(headers.get("HTTP_X_FORWARDED_FOR") or ""), self.trusted
            )
        return self.app(environ, start_response)

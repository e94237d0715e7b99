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

from collections.abc import Callable, Iterable
from typing import Any

from lgrshare.domain.network import (
    Network,
    client_of,
    in_networks,
    parse_networks,
)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# Headers a proxy sets; from an untrusted peer they are removed.
_FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
              "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_SSL", "HTTP_X_FORWARDED_PROTOCOL",
              "HTTP_X_REAL_IP", "HTTP_FORWARDED")  # fmt: skip


class ProxyHeaders:
    """WSGI middleware: scheme and client address from a trusted proxy, and only from one."""

    def __init__(self, app: WsgiApp, *, trusted: tuple[Network, ...]) -> None:
        self.app = app
        self.trusted = trusted

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        peer = str(environ.get("REMOTE_ADDR") or "")
        headers = {name: environ.pop(name) for name in _FORWARDED if name in environ}
        if self.trusted and in_networks(peer, self.trusted):
            proto = str(headers.get("HTTP_X_FORWARDED_PROTO") or "").split(",")[-1].strip()
            if proto.lower() in {"http", "https"}:
                environ["wsgi.url_scheme"] = proto.lower()
                if proto.lower() == "https":
                    environ["HTTPS"] = "on"
            # Consumed here: the application (``accounts.clients``) then sees the client as
            # the peer, with nothing forwarded to read again.
            environ["REMOTE_ADDR"] = client_of(
                peer, str(headers.get("HTTP_X_FORWARDED_FOR") or ""), self.trusted
            )
        return self.app(environ, start_response)


# The names this module has always offered (tests and settings import them from here).
client_address = client_of
__all__ = ["Network", "ProxyHeaders", "client_address", "in_networks", "parse_networks"]

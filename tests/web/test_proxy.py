"""Scheme and client address from a trusted proxy, and only from one (``web.proxy``)."""

from __future__ import annotations

from typing import Any

import pytest

from lgrshare.web.proxy import ProxyHeaders, client_address, parse_networks

TRUSTED = parse_networks(["10.0.0.0/24", "127.0.0.2"], setting="LGRSHARE_TRUSTED_PROXIES")


def _seen(peer: str, **headers: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        return []

    environ = {"REMOTE_ADDR": peer, "wsgi.url_scheme": "http"}
    environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    ProxyHeaders(app, trusted=TRUSTED)(environ, lambda *a: None)
    return seen


def test_a_trusted_proxy_gives_the_scheme_and_the_client_address() -> None:
    seen = _seen("10.0.0.5", x_forwarded_proto="https", x_forwarded_for="203.0.113.9")
    assert seen["wsgi.url_scheme"] == "https"
    assert seen["REMOTE_ADDR"] == "203.0.113.9"


def test_headers_from_anyone_else_are_dropped() -> None:
    seen = _seen("203.0.113.9", x_forwarded_proto="https", x_forwarded_for="10.0.0.9")
    assert seen["wsgi.url_scheme"] == "http"
    assert seen["REMOTE_ADDR"] == "203.0.113.9"
    assert "HTTP_X_FORWARDED_PROTO" not in seen
    assert "HTTP_X_FORWARDED_FOR" not in seen


@pytest.mark.parametrize(
    ("forwarded_for", "client"),
    [
        # A client writing its own X-Forwarded-For cannot choose its address: the proxy
        # appends the one it saw, and the last address not a trusted proxy is the client's.
        ("1.2.3.4, 203.0.113.9", "203.0.113.9"),
        ("203.0.113.9, 10.0.0.7", "203.0.113.9"),
        ("", "10.0.0.5"),
    ],
)
def test_the_client_is_the_last_address_that_is_not_a_trusted_proxy(forwarded_for, client):
    assert client_address("10.0.0.5", forwarded_for, TRUSTED) == client

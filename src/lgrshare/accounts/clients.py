"""Who is at the other end: the client's address, taken from a trusted proxy and only from one.

Behind a TLS proxy every request arrives from the proxy's address, so throttling sign-ins by the
socket's address would let anyone lock any named user out for everybody. The proxy names the
client in ``X-Forwarded-For``; that header is believed only when the request came from an
address in ``LGRSHARE_TRUSTED_PROXIES``, and then the client is the right-most address in it
that is not itself a trusted proxy (anything further left was written by the client and may be
forged).

The rule is ``web.proxy.client_address``'s, which the WSGI layer applies before Django sees a
request (it then leaves ``REMOTE_ADDR`` as the client and nothing forwarded to read again); this
applies the same rule to a request that did not come through that layer, as in the tests.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from lgrshare.domain.network import client_of


def client_address(request: HttpRequest) -> str:
    """Return the client's IP address as text ('' when the server was given none)."""
    return client_of(
        str(request.META.get("REMOTE_ADDR") or ""),
        str(request.META.get("HTTP_X_FORWARDED_FOR") or ""),
        settings.TRUSTED_PROXIES,
    )

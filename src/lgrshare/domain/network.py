"""IP addresses and networks: which proxies are trusted, and who the client behind them is.

Pure: the WSGI layer (``web.proxy``) applies it to every request, and ``accounts.clients`` to a
request that did not come through that layer; one rule, so the two can never disagree.
"""

from __future__ import annotations

import ipaddress

from lgrshare.domain.errors import ConfigurationError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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


def in_networks(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_of(peer: str, forwarded_for: str, trusted: tuple[Network, ...]) -> str:
    """Return the client's address: ``peer``, or, when ``peer`` is a trusted proxy, the last
    address in ``forwarded_for`` that is not a trusted proxy (each proxy appends the one it
    saw, so the addresses left of the last untrusted one were written by the client)."""
    if not in_networks(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not in_networks(hop, trusted):
            return hop.strip("[]")
    return hops[0].strip("[]") if hops else peer

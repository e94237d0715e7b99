"""Password spraying: a few wrong passwords at each of many usernames, from one address.

django-axes pauses one username from one address after five failures, which leaves the real
user free to sign in from anywhere else. It does not see forty usernames tried twice each from
one address; this second count does: failures from one client address over every username in
the cool-off window, against ``SIGN_IN_FAILURES_PER_ADDRESS`` (default 20, which a council's
shared office address will not reach by mistyping).
"""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from lgrshare.accounts import signals
from lgrshare.accounts.clients import client_address


def address_failures(address: str) -> int:
    """Return the failed sign-ins from ``address`` in the cool-off window, every username."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start")
    )["failures"]
    return int(total or 0)


def address_paused(request: HttpRequest) -> bool:
    """Return True when the client's address has failed too often to try again yet; the first
    pause in a window is announced once (``signals.sign_in_throttled``) for the audit trail."""
    address = client_address(request)
    if not address:
        return False
    failures = address_failures(address)
    if failures < settings.SIGN_IN_FAILURES_PER_ADDRESS:
        return False
    window = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if cache.add(f"lgrshare:sign-in-paused:{address}", True, timeout=window):
        signals.sign_in_throttled.send(
            sender="sign-in", request=request, address=address, failures=failures
        )
    return True

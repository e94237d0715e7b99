"""API token use cases: create (the secret is returned once), revoke, authenticate."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from lgrshare.accounts.models import ApiToken
from lgrshare.councils.models import User
from lgrshare.domain.errors import InvalidInput, NotFound

# lgr_<prefix>_<secret>: the prefix finds the row, the secret is checked against its hash.
_TOKEN = re.compile(r"^lgr_([A-Za-z0-9]{10})_([A-Za-z0-9_-]{43})$")
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return the row and the full token, which is never stored.

    Raises ``InvalidInput`` (``token-name-required``, ``user-inactive``).
    """
    name = name.strip()
    if not name:
        raise InvalidInput(
            "Give the token a name, such as the script that will use it", code="token-name-required"
        )
    if not user.is_active:
        raise InvalidInput(f"{user.username} is not an active user", code="user-inactive")
    if ApiToken.objects.filter(user=user, name__iexact=name, revoked_at__isnull=True).exists():
        raise InvalidInput(
            f"You already have a token called {name!r}: choose another name",
            code="token-name-taken",
        )
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    prefix = "".join(secrets.choice(alphabet) for _ in range(10))
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:80], prefix=prefix, digest=_digest(secret)
    )
    return token, f"lgr_{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens; raises ``NotFound`` (``token-not-found``)."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound("There is no such token", code="token-not-found")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(raw: str) -> User | None:
    """Return the active user a bearer token belongs to, or None if it is not a live token."""
    match = _TOKEN.match(raw.strip())
    if match is None:
        return None
    prefix, secret = match.groups()
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, _digest(secret)):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

"""API token use cases: create (the secret is returned once), revoke, authenticate; and the
password change that ends every token."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from lgrshare.accounts import signals
from lgrshare.accounts.models import ApiToken
from lgrshare.councils.models import User
from lgrshare.domain.errors import InvalidInput, NotFound

# lgr_<prefix>_<secret>: the prefix finds the row, the secret is checked against its hash.
_TOKEN = re.compile(r"^lgr_([A-Za-z0-9]{10})_([A-Za-z0-9_-]{43})$")
_LAST_USED_RESOLUTION = timedelta(minutes=1)
# NCSC: credentials that do not expire outlive the scripts they were made for.
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str, days: int = DEFAULT_TOKEN_DAYS) -> tuple[ApiToken, str]:
    """Create a token for ``user`` lasting ``days``; return the row and the full token, which
    is never stored.

    Raises ``InvalidInput`` (``token-name-required``, ``token-days-invalid``,
    ``user-inactive``, ``token-name-taken``).
    """
    name = name.strip()
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(
            f"A token can last from 1 to {MAX_TOKEN_DAYS} days", code="token-days-invalid"
        )
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
        user=user,
        name=name[:80],
        prefix=prefix,
        digest=_digest(secret),
        expires_at=timezone.now() + timedelta(days=days),
        password_binding=user.get_session_auth_hash(),
    )
    signals.token_created.send(sender=ApiToken, user=user, token=token)
    return token, f"lgr_{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, user: User | None, token_id: int, owner: User | None = None) -> ApiToken:
    """Revoke a token of ``owner`` (default: ``user``'s own) as ``user`` (None: the server's
    administrator, on the command line); raises ``NotFound`` (``token-not-found``).

    Whether ``user`` may revoke another person's token is the caller's question to the people
    policy; this records who did it.
    """
    owner = owner or user
    if owner is None:
        raise NotFound("There is no such token", code="token-not-found")
    token = ApiToken.objects.select_for_update().filter(user=owner, pk=token_id).first()
    if token is None:
        raise NotFound("There is no such token", code="token-not-found")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        if user is None:
            token.revoked_by = "the service administrator"
        elif user.pk != owner.pk:
            token.revoked_by = user.username
        token.save(update_fields=["revoked_at", "revoked_by"])
        signals.token_revoked.send(sender=ApiToken, user=user, token=token)
    return token


@transaction.atomic
def password_change(*, user: User, actor: User, new_password: str) -> int:
    """Set ``user``'s password (already validated by the form), end all their tokens, and
    announce it; return how many live tokens were revoked.

    A token is also bound to the password it was made under (``password_binding``), so a
    password set by any other route kills the tokens as well; revoking them here makes that
    visible on the token list.
    """
    user.set_password(new_password)
    user.save(update_fields=["password"])
    now = timezone.now()
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by="password change"
    )
    signals.password_changed.send(sender=User, user=actor, person=user, revoked=revoked)
    return revoked


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
    if not token.user.is_active or token.is_expired:
        return None
    if not hmac.compare_digest(token.password_binding, token.user.get_session_auth_hash()):
        return None  # the password changed since the token was made
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

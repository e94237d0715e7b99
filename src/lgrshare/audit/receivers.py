"""Sign-ins, sign-outs, password changes and API tokens, recorded in the audit trail.

The accounts room sits below the audit trail, so it announces these as signals
(``lgrshare.accounts.signals`` and Django's own authentication signals) and this module,
connected when the audit app is ready, records each one. A failed sign-in names the account
only when one exists: what someone typed in the username box may be their password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from lgrshare.accounts import signals
from lgrshare.accounts.clients import client_address
from lgrshare.accounts.models import ApiToken
from lgrshare.audit.services import audit_record
from lgrshare.councils.models import User
from lgrshare.domain.audit import AuditEvent, DetailValue


def _record(
    event_name: str, *, actor: User | None, target_type: str, target_id: str, **detail: DetailValue
) -> None:
    audit_record(
        event=AuditEvent(
            name=event_name,
            actor=actor.username if actor is not None else "system",
            target_type=target_type,
            target_id=target_id,
            reason="",
            detail={key: value for key, value in detail.items() if value not in (None, "")},
        )
    )


def _address(request: HttpRequest | None) -> str:
    return client_address(request) if request is not None else ""


def on_signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    _record(
        "signed-in",
        actor=user,
        target_type="person",
        target_id=user.username,
        address=_address(request),
    )


def on_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    typed = str(credentials.get("username") or "")
    known = User.objects.filter(username=typed).first() if typed else None
    _record(
        "sign-in-failed",
        actor=None,
        target_type="person",
        target_id=known.username if known is not None else "unknown",
        address=_address(request),
    )


def on_signed_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is None:
        return
    _record(
        "signed-out",
        actor=user,
        target_type="person",
        target_id=user.username,
        address=_address(request),
    )


def on_password_changed(
    sender: Any, user: User | None, person: User, revoked: int, **kwargs: Any
) -> None:
    _record(
        "password-changed",
        actor=user,
        target_type="person",
        target_id=person.username,
        tokens_ended=revoked,
    )


def on_token_created(sender: Any, user: User, token: ApiToken, **kwargs: Any) -> None:
    _record(
        "token-created",
        actor=user,
        target_type="api-token",
        target_id=f"lgr_{token.prefix}",
        owner=token.user.username,
        token_name=token.name,
        expires=token.expires_at.date().isoformat() if token.expires_at else None,
    )


def on_token_revoked(sender: Any, user: User | None, token: ApiToken, **kwargs: Any) -> None:
    _record(
        "token-revoked",
        actor=user,
        target_type="api-token",
        target_id=f"lgr_{token.prefix}",
        owner=token.user.username,
        token_name=token.name,
    )


def on_sign_in_throttled(
    sender: Any, request: HttpRequest | None, address: str, failures: int, **kwargs: Any
) -> None:
    _record(
        "sign-in-throttled",
        actor=None,
        target_type="client",
        target_id=address or "unknown",
        failures=failures,
    )


def on_two_factor_changed(
    sender: Any, user: User | None, person: User, change: str, **kwargs: Any
) -> None:
    _record(
        f"two-factor-{change}" if change in {"set-up", "removed"} else change,
        actor=user,
        target_type="person",
        target_id=person.username,
    )


def on_two_factor_failed(sender: Any, user: User, **kwargs: Any) -> None:
    _record("two-factor-failed", actor=user, target_type="person", target_id=user.username)


def connect() -> None:
    """Connect every receiver (once: ``dispatch_uid`` makes a second call harmless)."""
    user_logged_in.connect(on_signed_in, dispatch_uid="audit-signed-in")
    user_login_failed.connect(on_sign_in_failed, dispatch_uid="audit-sign-in-failed")
    user_logged_out.connect(on_signed_out, dispatch_uid="audit-signed-out")
    signals.password_changed.connect(on_password_changed, dispatch_uid="audit-password")
    signals.token_created.connect(on_token_created, dispatch_uid="audit-token-created")
    signals.token_revoked.connect(on_token_revoked, dispatch_uid="audit-token-revoked")
    signals.sign_in_throttled.connect(on_sign_in_throttled, dispatch_uid="audit-throttled")
    signals.two_factor_changed.connect(on_two_factor_changed, dispatch_uid="audit-2fa")
    signals.two_factor_failed.connect(on_two_factor_failed, dispatch_uid="audit-2fa-failed")

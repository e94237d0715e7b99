"""Recording an event in the audit trail, in one line, from any service.

Every upload, validation, acceptance, view, download, export, approval, sign-off, refusal and
deletion is recorded inside the transaction of the service that does it, so the record and
the action commit (or roll back) together.

Refusals are the other way round: the service's transaction rolls back, and the refusal must
still be recorded. ``refusals_recorded`` wraps a service *outside* its transaction, so the
``access-refused`` (or ``change-refused``) record is written after the rollback, and a
``NotFound`` that hides something of another area is recorded with ``record_hidden``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

from lgrshare.audit.models import AuditEntry
from lgrshare.audit.services import audit_record
from lgrshare.councils.models import User
from lgrshare.domain.audit import AuditEvent, DetailValue
from lgrshare.domain.errors import InvalidInput, PermissionDenied
from lgrshare.domain.screening import AgreementNotReady

P = ParamSpec("P")
R = TypeVar("R")
# What a service acts on, as (target type, target id), from the service's keyword arguments.
Target = Callable[[Mapping[str, Any]], tuple[str, str | int, str | None]]

# The reason a hidden target is recorded with: it exists, but in an area the person is not in.
OTHER_AREA = "other-area"


def record(
    *,
    user: User | None,
    action: str,
    target_type: str,
    target_id: str | int,
    reason: str = "",
    **detail: DetailValue,
) -> None:
    """Append one event; ``action`` is a code from ``lgrshare.domain.audit.EVENT_NAMES``.

    Give ``area`` (the area's county GSS code) in ``detail`` for what belongs to an area, so
    the area's trail shows it whoever the actor is.
    """
    if detail.get("area", "") is None:
        del detail["area"]  # national: in no area's trail but its actor's
    audit_record(
        event=AuditEvent(
            name=action,
            actor=user.username if user is not None else "system",
            target_type=target_type,
            target_id=str(target_id),
            reason=str(reason),
            detail=detail,
        )
    )


def refusal_event(refusal: PermissionDenied | InvalidInput) -> str:
    """Return the event a refusal is recorded as: ``access-refused`` when the person may not
    (permission), ``change-refused`` when the thing may not change so (state or input)."""
    return "access-refused" if isinstance(refusal, PermissionDenied) else "change-refused"


def refusals_recorded(
    attempted: str | Callable[[Mapping[str, Any]], str], target: Target
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a keyword-only service so each refusal it raises is recorded, then re-raised.

    Put it *above* ``@transaction.atomic``: the service's transaction has rolled back when the
    record is written, so the refusal is kept while nothing of the change is. The record names
    ``attempted`` (the event the service records when allowed, or a function of the keyword
    arguments returning it), the target from
    ``target(kwargs)`` (type, id, area or None) and the refusal's code as its reason.
    ``PermissionDenied`` (the policy's ``AccessDenied`` included) is ``access-refused``;
    ``InvalidInput`` (a wrong state, a forged or incomplete form) is ``change-refused``. A
    refusal the gate (``lgrshare.access``) already recorded, outside the service's transaction,
    is not recorded twice.
    """

    def wrap(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            last = _last_seq()
            try:
                return service(*args, **kwargs)
            except (PermissionDenied, InvalidInput) as refusal:
                user = kwargs.get("user")
                if isinstance(user, User) and _refusal_kept_since(last, user):
                    raise  # the gate recorded it already, outside the rolled-back change
                target_type, target_id, area = target(kwargs)
                tried = attempted if isinstance(attempted, str) else attempted(kwargs)
                detail: dict[str, DetailValue] = {"attempted": tried}
                if area:
                    detail["area"] = area
                if isinstance(refusal, AgreementNotReady):
                    # Every problem that stood in the way, not just that there were some.
                    detail["problems"] = ",".join(p.code for p in refusal.problems)
                record(
                    user=user if isinstance(user, User) else None,
                    action=refusal_event(refusal),
                    target_type=target_type,
                    target_id=target_id,
                    reason=refusal.code,
                    **detail,
                )
                raise

        return run

    return wrap


def _last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _refusal_kept_since(seq: int, user: User) -> bool:
    # Every refusal event is named "...-refused" (access-, change-, and the gate's own kinds).
    found = AuditEntry.objects.filter(seq__gt=seq, actor=user.username, action__endswith="-refused")
    return found.exists()


def record_hidden(
    *, user: User, target_type: str, target_id: str | int, area: str, reason: str = OTHER_AREA
) -> None:
    """Record that ``user`` asked for something of another area (``area``, its GSS code), or
    that contractor staff asked for something they are not named for (``reason``
    ``contractor-not-named``), answered as not found: an ``access-refused``. The answer itself
    must stay the same as for something that does not exist."""
    record(
        user=user,
        action="access-refused",
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        area=area,
        attempted="read",
    )

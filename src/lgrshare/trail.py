"""Recording an event in the audit trail, in one line, from any service.

Every upload, validation, acceptance, view, download, export, approval, sign-off, refusal and
deletion is recorded inside the transaction of the service that does it, so the record and
the action commit (or roll back) together.
"""

from __future__ import annotations

from lgrshare.audit.services import audit_record
from lgrshare.councils.models import User
from lgrshare.domain.audit import AuditEvent, DetailValue


def record(
    *,
    user: User | None,
    action: str,
    target_type: str,
    target_id: str | int,
    reason: str = "",
    **detail: DetailValue,
) -> None:
    """Append one event; ``action`` is a code from ``lgrshare.domain.audit.EVENT_NAMES``."""
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

"""API endpoints of the audit app: a target's trail (DPOs) and verification of the chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from lgrshare.accounts.auth import person
from lgrshare.audit import services
from lgrshare.audit.models import AuditEntry
from lgrshare.audit.verification import audit_verify

router = Router(tags=["audit"])
MAX_ENTRIES = 1000


class ErrorOut(Schema):
    code: str
    message: str


class AuditEntryOut(Schema):
    seq: int
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    reason: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    @staticmethod
    def resolve_detail(obj: AuditEntry) -> dict[str, Any]:
        return dict(obj.detail_items)


class TrailQuery(Schema):
    target_type: str
    target_id: str
    limit: int = 500


class HeadOut(Schema):
    seq: int
    hash: str


class VerdictOut(Schema):
    intact: bool
    checked: int
    first_bad_seq: int | None
    problem: str | None
    message: str
    head: HeadOut | None


@router.get(
    "/audit",
    response={200: list[AuditEntryOut], 403: ErrorOut, 404: ErrorOut},
    summary="The audit trail of a target, newest first (data protection officers)",
)
def audit_trail(request: HttpRequest, query: Query[TrailQuery]) -> list[AuditEntry]:
    entries = services.audit_trail_for_target(
        viewer=person(request), target_type=query.target_type, target_id=query.target_id
    )
    return list(entries[: max(1, min(query.limit, MAX_ENTRIES))])


@router.get(
    "/audit/verify",
    response={200: VerdictOut, 403: ErrorOut},
    summary="Recompute the audit chain (DPOs and IT security)",
)
def audit_chain_verify(request: HttpRequest) -> dict[str, Any]:
    services.audit_require_verifier(viewer=person(request))
    return audit_verify().as_dict()

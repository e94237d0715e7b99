"""What a DPO sees of retention in an area: data due soon, data deleted (with certificates),
attestations awaited, and for one agreement, when and why its data goes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from lgrshare.agreements.models import Agreement, State
from lgrshare.agreements.status import RetentionDue, retention_due
from lgrshare.councils.models import Area
from lgrshare.retention.models import Attestation, DeletionCertificate

DUE_SOON_DAYS = 30


@dataclass(frozen=True, slots=True)
class DueSoon:
    agreement: Agreement
    due: RetentionDue
    days: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    due_soon: list[DueSoon]
    overdue: list[DueSoon]
    certificates: QuerySet[DeletionCertificate]
    awaited: QuerySet[Attestation]


def retention_dashboard(*, area: Area, today: date) -> Dashboard:
    """Return the area's retention at ``today``: data due within 30 days, data due and not yet
    deleted (the next run deletes it), certificates issued, attestations awaited."""
    due_soon: list[DueSoon] = []
    overdue: list[DueSoon] = []
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    live = Agreement.objects.filter(area=area).exclude(state__in=(State.DRAFT, State.CLOSED))
    for agreement in live.prefetch_related("versions"):
        due = retention_due(agreement)
        if due is None or due.on > horizon:
            continue
        if not agreement.datasets.filter(deleted_at__isnull=True).exists():
            continue
        item = DueSoon(agreement, due, (due.on - today).days)
        (overdue if due.on <= today else due_soon).append(item)
    return Dashboard(
        due_soon=sorted(due_soon, key=lambda d: d.due.on),
        overdue=sorted(overdue, key=lambda d: d.due.on),
        certificates=DeletionCertificate.objects.filter(agreement__area=area).select_related(
            "agreement", "dataset"
        ),
        awaited=Attestation.objects.filter(
            agreement__area=area, confirmed_at__isnull=True
        ).select_related("agreement", "council"),
    )

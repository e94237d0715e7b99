"""What a DPO sees of retention in an area: every agreement whose live data has a deletion date
(soonest first, those due within 30 days marked), data deleted (with certificates),
attestations awaited, and for one agreement, when and why its data goes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    datasets: tuple[str, ...] = ()

    @property
    def soon(self) -> bool:
        """Due within ``DUE_SOON_DAYS`` days: the page marks it."""
        return self.days <= DUE_SOON_DAYS


@dataclass(frozen=True, slots=True)
class Dashboard:
    # Every agreement with live data and a deletion date still to come, soonest first.
    upcoming: list[DueSoon]
    overdue: list[DueSoon]
    certificates: QuerySet[DeletionCertificate]
    awaited: QuerySet[Attestation]


def retention_dashboard(*, area: Area, today: date) -> Dashboard:
    """Return the area's retention at ``today``: every agreement whose data still held has a
    deletion date to come (soonest first; ``soon`` within 30 days), data due and not yet
    deleted (the next run deletes it), certificates issued, attestations awaited."""
    upcoming: list[DueSoon] = []
    overdue: list[DueSoon] = []
    live = Agreement.objects.filter(area=area).exclude(state__in=(State.DRAFT, State.CLOSED))
    for agreement in live.prefetch_related("versions"):
        due = retention_due(agreement)
        if due is None:
            continue
        held = tuple(
            agreement.datasets.filter(deleted_at__isnull=True)
            .order_by("title")
            .values_list("title", flat=True)
        )
        if not held:
            continue
        item = DueSoon(agreement, due, (due.on - today).days, held)
        (overdue if due.on <= today else upcoming).append(item)
    return Dashboard(
        upcoming=sorted(upcoming, key=lambda d: d.due.on),
        overdue=sorted(overdue, key=lambda d: d.due.on),
        certificates=DeletionCertificate.objects.filter(agreement__area=area).select_related(
            "agreement", "dataset"
        ),
        awaited=Attestation.objects.filter(
            agreement__area=area, confirmed_at__isnull=True
        ).select_related("agreement", "council"),
    )

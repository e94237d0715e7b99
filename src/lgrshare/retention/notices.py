"""Reminders before data is deleted, and to councils whose attestation is awaited.

Each party's data leads and DPOs are told 30, 7 and 1 days before an agreement's data falls
due (the first threshold reached when the command runs), in the service and by email through
``notifications.notify``; each reminder goes once (``once_key``), so the command may run as
often as cron likes. A council asked to attest is reminded while its attestation is awaited,
once per week.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from lgrshare.agreements.models import Agreement, State
from lgrshare.agreements.status import retention_due
from lgrshare.councils.models import Role, User
from lgrshare.notifications.services import notify
from lgrshare.retention.models import Attestation

REMINDER_DAYS = (30, 7, 1)
_TOLD_ROLES = (Role.DATA_LEAD, Role.DPO)


def _people(councils: list[str]) -> list[User]:
    return list(
        User.objects.filter(
            council_id__in=councils,
            is_active=True,
            role_grants__role__in=_TOLD_ROLES,
            role_grants__confirmed_at__isnull=False,
        ).distinct()
    )


def deletion_reminders_send(*, today: date) -> int:
    """Remind the parties of data falling due within 30, 7 or 1 days; return how many people
    were told."""
    told = 0
    live = Agreement.objects.filter(state__in=(State.ACTIVE, State.SUSPENDED, State.TERMINATED))
    for agreement in live.select_related("area"):
        due = retention_due(agreement)
        if due is None or due.on <= today:
            continue
        days = (due.on - today).days
        threshold = next((d for d in sorted(REMINDER_DAYS) if days <= d), None)
        if threshold is None:
            continue
        councils = list(agreement.current().parties.values_list("council_id", flat=True))
        told += len(
            notify(
                users=_people(councils),
                text=f"The data shared under {agreement.reference} will be deleted on "
                f"{due.on.day} {due.on:%B %Y} ({days} day{'s' if days != 1 else ''}): "
                f"{agreement.title}",
                link=reverse("agreement", args=[agreement.pk]),
                kind="deletion-due",
                once_key=f"deletion-due:{agreement.pk}:{due.on.isoformat()}:{threshold}",
            )
        )
    return told


def attestation_reminders_send(*, today: date) -> int:
    """Remind each council whose attestation is awaited, once a week; return people told."""
    told = 0
    week = today.isocalendar()
    for attestation in Attestation.objects.filter(confirmed_at__isnull=True).select_related(
        "agreement", "council"
    ):
        agreement = attestation.agreement
        told += len(
            notify(
                users=_people([attestation.council_id]),
                text=f"Confirm that {attestation.council.official_name} deleted its copies of "
                f"the data shared under {agreement.reference}: {agreement.title}",
                link=reverse("attestation", args=[attestation.pk]),
                kind="attestation-needed",
                once_key=f"attestation:{attestation.pk}:{week.year}-{week.week}",
            )
        )
    return told

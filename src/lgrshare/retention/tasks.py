"""What retention waits for from a person, for "Your tasks": their council's confirmation that
its copies of deleted data are gone. The policy decides who may confirm; this finds what is
still open."""

from __future__ import annotations

from django.urls import reverse

from lgrshare import access
from lgrshare.councils.models import User
from lgrshare.domain.policy.retention import RetentionAction
from lgrshare.notifications.tasks import Task
from lgrshare.retention.models import Attestation


def tasks_for(user: User) -> list[Task]:
    """The attestations awaited from the person's council that they may give."""
    if user.council_id is None:
        return []
    awaited = Attestation.objects.filter(
        council_id=user.council_id,
        confirmed_at__isnull=True,
        agreement__area__memberships__user=user,
    ).select_related("agreement__area", "council")
    return [
        Task(
            kind="attestation",
            title=f"{a.agreement.reference}: {a.agreement.title}",
            detail=f"Confirm that {a.council.name}'s copies of the deleted data are gone",
            link=reverse("attestation", args=[a.pk]),
            since=a.requested_at,
        )
        for a in awaited
        if access.may_retention(
            user=user,
            action=RetentionAction.ATTEST,
            area=a.agreement.area.county_id,
            council=a.council_id,
        )
    ]

"""The one access check every route to data goes through (page, API, download, export, CLI).

The Django side of ``lgrshare.domain.policy``: it turns the user and the dataset (and, from
the agreements issue on, the agreement that covers it) into the policy's facts, asks
``decide``, and raises ``PermissionDenied`` with the policy's reason code when refused.
"""

from __future__ import annotations

from django.utils import timezone

from lgrshare.catalogue.models import Dataset
from lgrshare.councils.models import User
from lgrshare.domain.errors import PermissionDenied
from lgrshare.domain.policy import Action, Contractor, Decision, Resource, Subject, decide

__all__ = ["Action", "check", "require", "subject_of"]


def subject_of(user: User) -> Subject:
    """The policy's view of a person: council, areas, roles, contractor status."""
    contractor = None
    if user.contractor_id is not None:
        contractor = Contractor(
            contractor_id=str(user.contractor_id),
            works_for=str(user.contractor.works_for_id),  # type: ignore[union-attr]
        )
    return Subject(
        user_id=str(user.pk),
        council=user.council_id,
        areas=frozenset(
            str(a) for a in user.area_memberships.values_list("area__county_id", flat=True)
        ),
        roles=frozenset(user.role_codes),
        contractor=contractor,
    )


def resource_of(dataset: Dataset) -> Resource:
    return Resource(
        dataset_id=dataset.slug,
        access=dataset.access,
        holder=dataset.publisher_id,
        area=dataset.area.county_id if dataset.area_id else None,  # type: ignore[union-attr]
    )


def check(*, user: User, action: Action, dataset: Dataset) -> Decision:
    """Return the policy's decision for ``user`` doing ``action`` to ``dataset``."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in to see data", code="not-signed-in")
    # Agreements arrive with issue 5; until then nothing but public data can be read.
    return decide(
        subject=subject_of(user),
        action=action,
        resource=resource_of(dataset),
        agreement=None,
        now=timezone.now(),
    )


def require(*, user: User, action: Action, dataset: Dataset) -> str:
    """Return the reason code when allowed; raises ``AccessDenied`` (403) with it otherwise."""
    return str(check(user=user, action=action, dataset=dataset).require().reason)

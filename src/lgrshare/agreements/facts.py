"""The policy's facts about agreements and the people they bind, built where agreements live.

The gate (``lgrshare.access``) asks the policy; it does not know the agreements' models. This
module turns them into the policy's facts: an agreement's current version (``facts_of``) and a
person's standing under agreements (``subject_of``: contractor agreement signed off, terms
accepted). ``AgreementsConfig.ready`` hands ``subject_of`` to the gate.
"""

from __future__ import annotations

from datetime import date

from lgrshare.agreements.flows import flows_of
from lgrshare.agreements.models import (
    Agreement,
    AgreementVersion,
    ContractorAgreement,
    TermsAcceptance,
)
from lgrshare.agreements.status import retention_due
from lgrshare.councils.models import User
from lgrshare.domain import policy


def facts_of(agreement: Agreement) -> policy.AgreementFacts:
    """The policy's view of an agreement's current version."""
    version = agreement.current()
    roles = {action: frozenset(r) for action, r in (version.permitted_roles or {}).items()}
    return policy.AgreementFacts(
        agreement_id=str(agreement.pk),
        version=version.number,
        state=agreement.state,
        parties=frozenset(version.parties.values_list("council_id", flat=True)),
        area=agreement.area.county_id,
        permitted_roles=roles or policy.access_policy().default_permitted_roles,
        named_people=frozenset(str(pk) for pk in version.named_people.values_list("pk", flat=True)),
        contractors=frozenset(str(pk) for pk in version.contractors.values_list("pk", flat=True)),
        starts_on=version.starts_on,
        delete_by=_access_ends(agreement, version),
        flows=flows_of(version),
        drafters=frozenset(
            str(pk) for pk in (agreement.created_by_id, version.created_by_id) if pk is not None
        ),
    )


def _access_ends(agreement: Agreement, version: AgreementVersion) -> date | None:
    """The day access ends because the data falls due for deletion: the delete-by date, or the
    agreed months after the event a DPO recorded (a termination ends access by its state)."""
    due = retention_due(agreement, version)
    return due.on if due is not None and due.rule != "terminated" else version.delete_by


def subject_of(user: User) -> policy.Subject:
    """The policy's view of a person: council, areas, roles, contractor, terms accepted."""
    contractor = None
    if user.contractor_id is not None:
        works_for = user.contractor.works_for_id  # type: ignore[union-attr]
        latest = (
            ContractorAgreement.objects.filter(
                contractor_id=user.contractor_id,
                council_id=works_for,
                signed_off_at__isnull=False,  # unsigned by the council's DPO: no access yet
            )
            .order_by("-ends_on")
            .first()
        )
        contractor = policy.Contractor(
            contractor_id=str(user.contractor_id),
            works_for=str(works_for),
            agreement_ends=latest.ends_on if latest else None,
        )
    accepted = TermsAcceptance.objects.filter(user=user).values_list("agreement_id", "version")
    return policy.Subject(
        user_id=str(user.pk),
        council=user.council_id,
        areas=frozenset(
            str(code) for code in user.area_memberships.values_list("area__county_id", flat=True)
        ),
        roles=frozenset(user.role_codes),
        contractor=contractor,
        terms_accepted=frozenset((str(a), int(v)) for a, v in accepted),
    )

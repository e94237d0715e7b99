"""What only a party may do to an agreement: accept its terms, and draft it.

``decide_terms_acceptance`` answers whether a person may accept the terms of an agreement's
current version. Accepting is what lets a person read data under it, so only those who could
read may accept: staff of a party council, and the staff of a contractor the agreement names
(working for a party, under a contractor agreement signed off by that council's DPO and not yet
ended). The checks, in order: ``other-area``; for contractor staff ``not-a-party`` (the council
it works for), ``contractor-agreement-missing``, ``contractor-agreement-expired``,
``contractor-not-named``; for council staff ``not-a-party``; ``not-named`` when the agreement
names people and not this one; the state (``agreement-not-active`` and the others of
``state_reasons``); ``agreement-expired`` from the delete-by date.

``decide_drafting`` answers whether a person may draft an agreement: council staff with a drafting
role, whose council may not be left out of its parties (``drafter-not-a-party``), so a DPO of one
council cannot write an agreement between two others.

``decide_dpia_recording`` answers whether a person may record an agreement's DPIA decision: a
party's staff with a DPIA role (the DPO).
"""

from __future__ import annotations

from datetime import datetime

from lgrshare.domain.policy import uk_date
from lgrshare.domain.policy.access_policy import access_policy
from lgrshare.domain.policy.codes import AgreementState, DecisionReason
from lgrshare.domain.policy.facts import AgreementFacts, Decision, PolicyInputError, Subject


def decide_terms_acceptance(
    *, subject: Subject, agreement: AgreementFacts, now: datetime
) -> Decision:
    """Return whether ``subject`` may accept the terms of ``agreement`` at ``now``.

    Raises ``PolicyInputError`` for an unknown agreement state or a naive ``now``.
    """
    today = uk_date(now)
    try:
        state = AgreementState(agreement.state)
    except ValueError:
        raise PolicyInputError(f"Unknown agreement state {agreement.state!r}.") from None
    if agreement.area is not None and agreement.area not in subject.areas:
        return Decision(False, DecisionReason.OTHER_AREA)
    contractor = subject.contractor
    if contractor is not None:
        if contractor.works_for not in agreement.parties:
            return Decision(False, DecisionReason.NOT_A_PARTY)
        if contractor.agreement_ends is None:
            return Decision(False, DecisionReason.CONTRACTOR_AGREEMENT_MISSING)
        if contractor.agreement_ends < today:
            return Decision(False, DecisionReason.CONTRACTOR_AGREEMENT_EXPIRED)
        if contractor.contractor_id not in agreement.contractors:
            return Decision(False, DecisionReason.CONTRACTOR_NOT_NAMED)
    elif subject.council is None or subject.council not in agreement.parties:
        return Decision(False, DecisionReason.NOT_A_PARTY)
    if agreement.named_people and subject.user_id not in agreement.named_people:
        return Decision(False, DecisionReason.NOT_NAMED)
    if state is not AgreementState.ACTIVE:
        return Decision(False, access_policy().state_reasons[state])
    if agreement.delete_by is not None and today >= agreement.delete_by:
        return Decision(False, DecisionReason.AGREEMENT_EXPIRED)
    return Decision(True, DecisionReason.ALLOWED)


def decide_drafting(*, subject: Subject, parties: frozenset[str] | None = None) -> Decision:
    """Return whether ``subject`` may draft (or redraft) an agreement, between ``parties`` when
    given: contractor staff never (``contractor-not-permitted``); council staff with a drafting
    role of ``rules/access-policy.json`` (else ``role-not-permitted``) whose own council is one
    of the parties (else ``drafter-not-a-party``)."""
    if subject.contractor is not None or subject.council is None:
        return Decision(False, DecisionReason.CONTRACTOR_NOT_PERMITTED)
    if not subject.roles & access_policy().drafting_roles:
        return Decision(False, DecisionReason.ROLE_NOT_PERMITTED)
    if parties is not None and subject.council not in parties:
        return Decision(False, DecisionReason.DRAFTER_NOT_A_PARTY)
    return Decision(True, DecisionReason.ALLOWED)


def decide_dpia_recording(*, subject: Subject, agreement: AgreementFacts) -> Decision:
    """Return whether ``subject`` may record the DPIA decision of ``agreement``: staff of a
    party council (``contractor-not-permitted``, ``other-area``, ``not-a-party``) with a role
    of ``dpia`` in ``rules/access-policy.json`` (``role-not-permitted``)."""
    if subject.contractor is not None or subject.council is None:
        return Decision(False, DecisionReason.CONTRACTOR_NOT_PERMITTED)
    if agreement.area is not None and agreement.area not in subject.areas:
        return Decision(False, DecisionReason.OTHER_AREA)
    if subject.council not in agreement.parties:
        return Decision(False, DecisionReason.NOT_A_PARTY)
    if not subject.roles & access_policy().dpia_roles:
        return Decision(False, DecisionReason.ROLE_NOT_PERMITTED)
    return Decision(True, DecisionReason.ALLOWED)

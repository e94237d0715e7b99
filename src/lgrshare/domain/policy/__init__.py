"""Agreement-as-code: who may do what to which dataset, and why not.

``decide(subject=, action=, resource=, agreement=, now=)`` returns a ``Decision`` with ``allowed``
and a stable ``reason`` code, which the caller audits. Every route to data asks it. The checks
run in this order and the first that fails is the reason:

1. **Area**: the dataset's area (and the agreement's) must be one of the subject's areas, else
   ``other-area``. National reference data (no area) is open to everyone signed in.
2. **Metadata**: ``view-metadata`` is allowed to anyone in the area: ``public-data`` for a
   public dataset, ``allowed`` for one held or under an agreement.
3. **Public data**: ``view-data``, ``download``, ``export`` and ``compile`` of a public dataset
   are ``public-data``. A dataset whose data was deleted under the retention rules refuses
   every read and submission with ``data-deleted`` (its metadata stays). Everything else needs
   an agreement, whatever the dataset's access:
4. ``no-agreement`` when there is none.
5. **Who**: a contractor may only read (``view-data``, ``download``, ``export``, ``compile``):
   anything else is ``contractor-not-permitted``. To read, the council it works for must be a
   party (``not-a-party``), it must have a contractor agreement (``contractor-agreement-missing``)
   not yet ended (``contractor-agreement-expired``; its end date is the last day of access), and
   the agreement must name it (``contractor-not-named``). Council staff: their council must be a
   party (``not-a-party``). When the agreement names people, only they may read (``not-named``).
   Only the holder council submits (``not-the-holder``). Reading another council's data needs
   a flow of the agreement from that council to the reader's (``not-a-recipient``); a council
   always reads its own.
6. **Role**: reading and submitting need a role the agreement permits for the action (its own
   list for the action, else the default in ``rules/access-policy.json``); approve, suspend and
   terminate need the DPO, sign the senior signatory (``role-not-permitted``).
7. **State**: reading and submitting need an ``active`` agreement (``agreement-not-active`` for a
   draft or one in review, ``agreement-suspended``, ``agreement-terminated``,
   ``agreement-expired``, ``data-deleted`` once closed); approve and sign need one in review
   (``agreement-not-in-review``); suspend needs an active one, terminate an active or
   suspended one (else the state's reason).
   Separation of duties: nobody approves (or returns) a version they drafted, nor the agreement
   they drafted (``own-draft``): another DPO of their council reviews it.
8. **Dates**, in UK time: from the delete-by date on, every agreement action is
   ``agreement-expired``; before the start date reading and submitting are
   ``agreement-not-active``.
9. **Terms**: reading needs the subject to have accepted the terms of this version of the
   agreement (``terms-not-accepted``).
10. **Airlock**: another council's rows of a person-derived standard (its personal-data class
    listed in ``rules/access-policy.json``) are never viewed, downloaded or exported row by row
    (``person-level-rows``): ``compile`` is allowed, and its output is suppressed and rounded
    (``domain.disclosure``). The provider reads its own rows.
11. Otherwise ``allowed``; a read of another council's data carries the fields its flows give
    (``Decision.fields``), and every read path shows only those.

Opening a document (a forum attachment, a DPIA document) is decided by
``policy.documents.decide_document``, with its rules in ``rules/document-access.json``.

Pure Python: the Django layer fills these frozen dataclasses from its models.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from lgrshare.domain.policy.access_policy import AccessPolicy, access_policy
from lgrshare.domain.policy.codes import (
    DOCUMENT_ACTIONS,
    GOVERNANCE_ACTIONS,
    READ_ACTIONS,
    SUBMISSION_ACTIONS,
    Access,
    Action,
    AgreementState,
    DecisionReason,
    Role,
)
from lgrshare.domain.policy.facts import (
    AccessDenied,
    AgreementFacts,
    Contractor,
    Decision,
    Flow,
    PolicyInputError,
    Resource,
    Subject,
    SubmissionFacts,
)

__all__ = [
    "DOCUMENT_ACTIONS",
    "GOVERNANCE_ACTIONS",
    "READ_ACTIONS",
    "SUBMISSION_ACTIONS",
    "Access",
    "AccessDenied",
    "AccessPolicy",
    "Action",
    "AgreementFacts",
    "AgreementState",
    "Contractor",
    "Decision",
    "DecisionReason",
    "Flow",
    "PolicyInputError",
    "Resource",
    "Role",
    "Subject",
    "SubmissionFacts",
    "access_policy",
    "decide",
    "decide_submission",
    "perms_for",
    "uk_date",
]

UK = ZoneInfo("Europe/London")
E = TypeVar("E", bound=StrEnum)


def decide(
    *,
    subject: Subject,
    action: Action | str,
    resource: Resource | None,
    agreement: AgreementFacts | None,
    now: datetime,
) -> Decision:
    """Return whether ``subject`` may do ``action`` to ``resource`` under ``agreement`` at ``now``.

    ``resource`` may be None only for approve, sign, suspend and terminate (they act on the
    agreement). Raises ``PolicyInputError`` for an unknown action, access kind or agreement
    state, a missing resource, or a naive ``now``.
    """
    act = _parse(Action, action, "action")
    if act in DOCUMENT_ACTIONS:
        raise PolicyInputError(f"The {act} action is decided by policy.documents.")
    today = uk_date(now)
    if act in SUBMISSION_ACTIONS:
        raise PolicyInputError(f"{act} acts on a submission: ask decide_submission.")
    if resource is None and act not in GOVERNANCE_ACTIONS:
        raise PolicyInputError(f"The {act} action needs a dataset.")
    access = _parse(Access, resource.access, "access") if resource else None
    areas = {resource.area if resource else None, agreement.area if agreement else None} - {None}
    if not areas <= subject.areas:
        return Decision(False, DecisionReason.OTHER_AREA)
    if act is Action.VIEW_METADATA or (act in READ_ACTIONS and access is Access.PUBLIC):
        return Decision(
            True, DecisionReason.PUBLIC_DATA if access is Access.PUBLIC else DecisionReason.ALLOWED
        )
    if resource is not None and resource.deleted and act in READ_ACTIONS | {Action.SUBMIT}:
        return Decision(False, DecisionReason.DATA_DELETED)
    if agreement is None:
        return Decision(False, DecisionReason.NO_AGREEMENT)
    state = _parse(AgreementState, agreement.state, "agreement state")
    policy = access_policy()
    fields = _fields(subject, act, resource, agreement)
    refusal = (
        _who(subject, act, resource, agreement, today)
        or (DecisionReason.NOT_A_RECIPIENT if fields == frozenset() else None)
        or _role(subject, act, agreement, policy)
        or _state(act, state, policy)
        or _own_draft(subject, act, agreement)
        or _dates(act, agreement, today)
        or _terms(subject, act, agreement, policy)
        or _airlock(subject, act, resource, policy)
    )
    return Decision(False, refusal) if refusal else Decision(True, DecisionReason.ALLOWED, fields)


def decide_submission(
    *, subject: Subject, action: Action | str, submission: SubmissionFacts
) -> Decision:
    """Return whether ``subject`` may accept, add a caveat to, or withdraw ``submission``.

    In order: contractors never may (``contractor-not-permitted``); the rule of the action in
    ``rules/access-policy.json`` names who may (its submitter, or the holder council's staff with
    a role it lists: else ``not-the-holder``, ``not-the-submitter`` or ``role-not-permitted``)
    and in which states (``submission-not-pending``); and where the agreement asks for a second
    person, nobody accepts their own submission (``second-person-needed``). Raises
    ``PolicyInputError`` for an action that is not a submission action.
    """
    act = _parse(Action, action, "action")
    rule = access_policy().submission_rules.get(act)
    if rule is None:
        raise PolicyInputError(f"{act} is not an action on a submission.")
    own = subject.user_id == submission.submitter
    holder_staff = subject.council is not None and subject.council == submission.holder
    if subject.contractor is not None:
        reason: DecisionReason | None = DecisionReason.CONTRACTOR_NOT_PERMITTED
    elif not (rule.submitter and own) and not (holder_staff and subject.roles & rule.holder_roles):
        if not holder_staff:
            reason = DecisionReason.NOT_THE_HOLDER
        else:
            reason = (
                DecisionReason.NOT_THE_SUBMITTER
                if rule.submitter
                else DecisionReason.ROLE_NOT_PERMITTED
            )
    elif submission.state not in rule.states:
        reason = DecisionReason.SUBMISSION_NOT_PENDING
    elif act is Action.ACCEPT_SUBMISSION and submission.second_person and own:
        reason = DecisionReason.SECOND_PERSON_NEEDED
    else:
        reason = None
    return Decision(False, reason) if reason else Decision(True, DecisionReason.ALLOWED)


def uk_date(now: datetime) -> date:
    """Return the date in the UK at ``now``; raises ``PolicyInputError`` if ``now`` is naive."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise PolicyInputError("The time of an access check must be timezone-aware.")
    return now.astimezone(UK).date()


def _who(
    subject: Subject, act: Action, resource: Resource | None, agreement: AgreementFacts, today: date
) -> DecisionReason | None:
    contractor = subject.contractor
    if contractor is not None:
        if act not in READ_ACTIONS:
            return DecisionReason.CONTRACTOR_NOT_PERMITTED
        if contractor.works_for not in agreement.parties:
            return DecisionReason.NOT_A_PARTY
        if contractor.agreement_ends is None:
            return DecisionReason.CONTRACTOR_AGREEMENT_MISSING
        if contractor.agreement_ends < today:
            return DecisionReason.CONTRACTOR_AGREEMENT_EXPIRED
        if contractor.contractor_id not in agreement.contractors:
            return DecisionReason.CONTRACTOR_NOT_NAMED
    elif subject.council is None or subject.council not in agreement.parties:
        return DecisionReason.NOT_A_PARTY
    if (
        act in READ_ACTIONS
        and agreement.named_people
        and subject.user_id not in agreement.named_people
    ):
        return DecisionReason.NOT_NAMED
    if act is Action.SUBMIT and (resource is None or subject.council != resource.holder):
        return DecisionReason.NOT_THE_HOLDER
    return None


def _fields(
    subject: Subject, act: Action, resource: Resource | None, agreement: AgreementFacts
) -> frozenset[str] | None:
    """The fields a read may show: None for anything but reading another council's data."""
    reader = subject.contractor.works_for if subject.contractor else subject.council
    if act not in READ_ACTIONS or resource is None or reader is None or reader == resource.holder:
        return None
    return agreement.fields_for(
        standard=resource.standard, provider=resource.holder, recipient=reader
    )


def _role(
    subject: Subject, act: Action, agreement: AgreementFacts, policy: AccessPolicy
) -> DecisionReason | None:
    if act in GOVERNANCE_ACTIONS:
        permitted = policy.governance_roles[act]
    else:
        permitted = agreement.roles_for(act)
    return None if subject.roles & permitted else DecisionReason.ROLE_NOT_PERMITTED


def _state(act: Action, state: AgreementState, policy: AccessPolicy) -> DecisionReason | None:
    if act in GOVERNANCE_ACTIONS:
        if state in policy.governance_states[act]:
            return None
        return policy.wrong_state_reasons.get(act) or policy.state_reasons[state]
    return None if state is AgreementState.ACTIVE else policy.state_reasons[state]


def _own_draft(subject: Subject, act: Action, agreement: AgreementFacts) -> DecisionReason | None:
    if act is Action.APPROVE and subject.user_id in agreement.drafters:
        return DecisionReason.OWN_DRAFT
    return None


def _dates(act: Action, agreement: AgreementFacts, today: date) -> DecisionReason | None:
    if agreement.delete_by is not None and today >= agreement.delete_by:
        return DecisionReason.AGREEMENT_EXPIRED
    reads_or_submits = act in READ_ACTIONS or act is Action.SUBMIT
    if reads_or_submits and agreement.starts_on is not None and today < agreement.starts_on:
        return DecisionReason.AGREEMENT_NOT_ACTIVE
    return None


def _terms(
    subject: Subject, act: Action, agreement: AgreementFacts, policy: AccessPolicy
) -> DecisionReason | None:
    if act not in policy.terms_required:
        return None
    accepted = (agreement.agreement_id, agreement.version) in subject.terms_accepted
    return None if accepted else DecisionReason.TERMS_NOT_ACCEPTED


def _airlock(
    subject: Subject, act: Action, resource: Resource | None, policy: AccessPolicy
) -> DecisionReason | None:
    reader = subject.contractor.works_for if subject.contractor else subject.council
    if (
        resource is None
        or act not in policy.airlock_actions
        or resource.personal_data not in policy.airlock_classes
        or reader == resource.holder
    ):
        return None
    return DecisionReason.PERSON_LEVEL_ROWS


def _parse(kind: type[E], value: str, what: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise PolicyInputError(f"Unknown {what} {value!r}.") from None


def perms_for(**objects: Mapping[str, bool]) -> dict[str, dict[str, bool]]:
    """The one shape in which pages ask the policy what a person may do: for each object on
    the page (``agreement=``, ``request=``, ``submission=``, ``area=``, ``person=``...), the
    policy's answers for its actions, read in templates as ``{% if perms_for.agreement.sign %}``
    (an action's hyphens become underscores). Each capability computes its answers once per
    page, from one set of facts (``agreements.services.permissions``,
    ``councils.permissions.area_permissions``, ...); templates never look at roles themselves."""
    return {
        name: {action.replace("-", "_"): bool(allowed) for action, allowed in answers.items()}
        for name, answers in objects.items()
    }

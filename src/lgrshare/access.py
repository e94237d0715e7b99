"""The one access check every route to data goes through (page, API, download, export, CLI).

The Django side of ``lgrshare.domain.policy``: it turns the user, the dataset and the agreement
that covers it into the policy's facts (``subject_of`` / ``facts_of`` / ``resource_of``, here),
asks ``decide``, and raises ``PermissionDenied`` with the policy's reason code when refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.urls import reverse
from django.utils import timezone

from lgrshare.agreements.flows import flows_of
from lgrshare.agreements.models import (
    Agreement,
    AgreementVersion,
    ContractorAgreement,
    TermsAcceptance,
)
from lgrshare.agreements.status import retention_due
from lgrshare.catalogue.models import Dataset
from lgrshare.councils.models import User
from lgrshare.domain import policy
from lgrshare.domain.errors import PermissionDenied
from lgrshare.domain.policy import (
    AccessDenied,
    Action,
    Decision,
    DecisionReason,
    Resource,
    SubmissionFacts,
    decide,
    decide_submission,
)
from lgrshare.domain.policy.catalogue import CatalogueAction, decide_catalogue
from lgrshare.domain.policy.documents import Document, decide_document
from lgrshare.domain.policy.retention import RetentionAction, decide_retention
from lgrshare.trail import record

__all__ = [
    "Action",
    "SubmissionFacts",
    "check",
    "check_document",
    "columns",
    "facts_of",
    "may_act_on_submission",
    "may_in_catalogue",
    "may_retention",
    "require",
    "require_catalogue",
    "require_on_submission",
    "require_retention",
    "resource_of",
    "subject_of",
    "view",
]


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


def resource_of(dataset: Dataset, *, deleted: bool = False) -> Resource:
    """The policy's view of a dataset; ``deleted`` also when the one submission read was
    deleted under the retention rules, although the dataset's others were not."""
    return Resource(
        dataset_id=dataset.slug,
        access=dataset.access,
        holder=dataset.publisher_id,
        area=dataset.area.county_id if dataset.area_id else None,  # type: ignore[union-attr]
        standard=dataset.standard_name or None,
        deleted=deleted or dataset.deleted_at is not None,
    )


def check(*, user: User, action: Action, dataset: Dataset, deleted: bool = False) -> Decision:
    """Return the policy's decision for ``user`` doing ``action`` to ``dataset`` (``deleted``:
    the submission read was deleted under the retention rules)."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in to see data", code="not-signed-in")
    agreement = facts_of(dataset.agreement) if dataset.agreement_id else None  # type: ignore[arg-type]
    return decide(
        subject=subject_of(user),
        action=action,
        resource=resource_of(dataset, deleted=deleted),
        agreement=agreement,
        now=timezone.now(),
    )


# Policy actions on data, and the audit event each records when allowed (``submit`` is
# recorded by the submission itself, as ``upload``, once the file is stored).
_AUDITED = {
    Action.VIEW_METADATA: "metadata-viewed",
    Action.VIEW_DATA: "view",
    Action.DOWNLOAD: "download",
    Action.EXPORT: "export",
    Action.COMPILE: "export",
}


def _record(
    user: User,
    action: Action,
    dataset: Dataset,
    decision: Decision,
    detail: dict[str, str | int | bool],
) -> None:
    event = _AUDITED[action] if decision.allowed else "access-refused"
    area = dataset.area.county_id if dataset.area_id else None  # type: ignore[union-attr]
    record(
        user=user,
        action=event,
        target_type="dataset",
        target_id=dataset.slug,
        reason=str(decision.reason),
        policy_action=str(action),
        **({"area": area} if area else {}),
        **detail,
    )


def require(
    *,
    user: User,
    action: Action,
    dataset: Dataset,
    deleted: bool = False,
    **detail: str | int | bool,
) -> Decision:
    """Return the decision when allowed (its ``fields`` are all the reader may see); raises
    ``AccessDenied`` (403) with the reason code otherwise.

    Both answers are written to the audit trail: the data action when allowed (a submission
    records its own upload once stored), an ``access-refused`` record naming the policy's
    reason when not. Call it before any transaction that might roll back, so a refusal is never
    lost.
    """
    decision = check(user=user, action=action, dataset=dataset, deleted=deleted)
    # A permitted submission is recorded by the submission itself, once the file is stored.
    if action in _AUDITED or not decision.allowed:
        _record(user, action, dataset, decision, detail)
    try:
        return decision.require()
    except AccessDenied as refused:
        refused.next_step = _next_step(decision.reason, dataset)
        raise


# What unblocks a refusal, where the agreement's page is the place to go.
_NEXT_STEPS = {
    DecisionReason.TERMS_NOT_ACCEPTED: "Read and accept the agreement's terms",
    DecisionReason.NOT_A_RECIPIENT: "See who the agreement shares this data with",
    DecisionReason.NOT_A_PARTY: "See who the agreement shares this data with",
    DecisionReason.NOT_NAMED: "See who the agreement names",
    DecisionReason.ROLE_NOT_PERMITTED: "See which roles the agreement permits",
    DecisionReason.AGREEMENT_NOT_ACTIVE: "See the agreement's state",
    DecisionReason.AGREEMENT_SUSPENDED: "See why the agreement is suspended",
}


def _next_step(reason: DecisionReason, dataset: Dataset) -> tuple[str, str] | None:
    if reason not in _NEXT_STEPS or not dataset.agreement_id:
        return None
    return _NEXT_STEPS[reason], reverse("agreement", kwargs={"pk": dataset.agreement_id})


def view(
    *, user: User, dataset: Dataset, deleted: bool = False, **detail: str | int | bool
) -> Decision:
    """For a page that shows data only to those allowed, and otherwise just the metadata:
    return the ``view-data`` decision, recording the view when it is allowed (a page that
    leaves the data out has refused nothing)."""
    decision = check(user=user, action=Action.VIEW_DATA, dataset=dataset, deleted=deleted)
    if decision.allowed:
        _record(user, Action.VIEW_DATA, dataset, decision, detail)
    return decision


def columns(*, user: User, dataset: Dataset, shown: list[str], asked: list[str]) -> list[str]:
    """Return ``asked``, the columns a reader names, when all are among those ``shown`` to them;
    raises ``AccessDenied`` (``fields-not-agreed``, recorded) naming the others. A column the
    agreement does not give the reader is refused the same way as one that does not exist, so
    the answer says nothing about data they may not see."""
    refused = [name for name in asked if name not in shown]
    if refused:
        record(
            user=user,
            action="access-refused",
            target_type="dataset",
            target_id=dataset.slug,
            reason="fields-not-agreed",
            policy_action=str(Action.VIEW_DATA),
            fields=", ".join(refused)[:500],
        )
        raise AccessDenied(
            f"You may not see these fields of this data: {', '.join(refused)}",
            code="fields-not-agreed",
        )
    return list(dict.fromkeys(asked))


def may_act_on_submission(*, user: User, action: Action, submission: SubmissionFacts) -> bool:
    """Whether the policy lets ``user`` do ``action`` to a submission (for showing a form)."""
    if not user.is_authenticated or not user.is_active:
        return False
    decision = decide_submission(subject=subject_of(user), action=action, submission=submission)
    return decision.allowed


def require_on_submission(
    *, user: User, action: Action, submission: SubmissionFacts, target_id: str | int
) -> None:
    """Raises ``AccessDenied`` with the policy's reason, recorded, unless ``user`` may do
    ``action`` (accept, add a caveat, withdraw) to the submission ``target_id``."""
    decision = decide_submission(subject=subject_of(user), action=action, submission=submission)
    _require_recorded(user, decision, action, "submission", target_id)


def check_document(
    *, user: User, action: Action, area: str, agreements: Iterable[Agreement]
) -> Decision:
    """Return the policy's decision for ``user`` opening a document (``Action.READ_ATTACHMENT``,
    ``Action.READ_DPIA_DOCUMENT``) of ``area`` that belongs to ``agreements``. The caller
    audits the answer under the document's own event names."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in to see documents", code="not-signed-in")
    document = Document(area=area, agreements=tuple(facts_of(a) for a in agreements))
    return decide_document(
        subject=subject_of(user), action=action, document=document, now=timezone.now()
    )


def may_in_catalogue(*, user: User, action: CatalogueAction, area: str) -> bool:
    """Whether the policy lets ``user`` take ``action`` in ``area``'s catalogue (for links)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return decide_catalogue(subject=subject_of(user), action=action, area=area).allowed


def require_catalogue(*, user: User, action: CatalogueAction, area: str) -> None:
    """Raises ``AccessDenied`` with the policy's reason, recorded, unless ``user`` may take
    ``action`` (import published figures, record a holding) in ``area``'s catalogue."""
    decision = decide_catalogue(subject=subject_of(user), action=action, area=area)
    _require_recorded(user, decision, action, "area", area)


def may_retention(
    *,
    user: User,
    action: RetentionAction,
    area: str,
    parties: frozenset[str] | None = None,
    council: str | None = None,
) -> bool:
    """Whether the policy lets ``user`` take a retention ``action`` (for a page to offer it)."""
    if not user.is_authenticated or not user.is_active:
        return False
    subject = subject_of(user)
    return decide_retention(
        subject=subject, action=action, area=area, parties=parties, council=council
    ).allowed


def require_retention(
    *,
    user: User,
    action: RetentionAction,
    area: str,
    target_type: str,
    target_id: str | int,
    parties: frozenset[str] | None = None,
    council: str | None = None,
) -> None:
    """Raises ``AccessDenied`` with the policy's reason, recorded, unless ``user`` may take the
    retention ``action`` (record an event, delete early, attest, see the dashboard)."""
    decision = decide_retention(
        subject=subject_of(user), action=action, area=area, parties=parties, council=council
    )
    _require_recorded(user, decision, action, target_type, target_id)


def _require_recorded(
    user: User, decision: Decision, action: str, target_type: str, target_id: str | int
) -> None:
    """Record a refusal as ``access-refused`` with the policy's reason, then raise it."""
    if not decision.allowed:
        record(
            user=user,
            action="access-refused",
            target_type=target_type,
            target_id=target_id,
            reason=str(decision.reason),
            policy_action=str(action),
        )
    decision.require()

"""The one access check every route to data goes through (page, API, download, export, CLI).

The Django side of ``lgrshare.domain.policy``: it takes the policy's facts about the user, the
data and the agreement that covers it, asks ``decide``, records the answer, and raises
``PermissionDenied`` with the policy's reason code when refused. The gate sits below the
capabilities and imports none of them: each builds the facts of what it owns (a catalogue
``Dataset`` its resource and agreement, ``Gated``; the agreements capability a person's standing,
installed with ``subject_facts_from``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from django.urls import reverse
from django.utils import timezone

from lgrshare.councils.models import User
from lgrshare.domain import policy
from lgrshare.domain.errors import ConfigurationError, InvalidInput, PermissionDenied
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
from lgrshare.domain.policy import perms_for as perms_for  # pages' one helper, re-exported
from lgrshare.domain.policy.catalogue import CatalogueAction, decide_catalogue
from lgrshare.domain.policy.documents import Document, decide_document
from lgrshare.domain.policy.options import OptionsAction, decide_options
from lgrshare.domain.policy.requests import RequestAction, RequestFacts, decide_request
from lgrshare.domain.policy.retention import RetentionAction, decide_retention
from lgrshare.domain.policy.standards import StandardAction, decide_standards
from lgrshare.trail import record

__all__ = [
    "Action",
    "Deleted",
    "Gated",
    "SubmissionFacts",
    "check",
    "check_document",
    "columns",
    "may_act_on_submission",
    "may_in_catalogue",
    "may_on_options",
    "may_on_request",
    "may_on_standards",
    "may_retention",
    "perms_for",
    "require",
    "require_catalogue",
    "require_on_options",
    "require_on_request",
    "require_on_submission",
    "require_retention",
    "require_standards",
    "subject_facts_from",
    "subject_of",
    "view",
]


class Gated(Protocol):
    """What the gate needs of data: the policy's facts, built by the capability that owns it.

    The gate sits below the capabilities, so it never imports their models: a catalogue
    ``Dataset`` answers with its resource and the facts of the agreement it is shared under.
    """

    def policy_resource(self) -> Resource:
        """The policy's view of the data: id, access, holder, area, standard."""
        ...

    def policy_agreement(self) -> policy.AgreementFacts | None:
        """The facts of the agreement the data is shared under, or ``None``."""
        ...


SubjectFacts = Callable[[User], policy.Subject]
_subject_facts: list[SubjectFacts] = []


def subject_facts_from(builder: SubjectFacts) -> None:
    """Install the builder of a person's policy facts (``agreements.facts.subject_of``).

    A person's standing under agreements (contractor agreement signed off, terms accepted) is
    the agreements capability's, which installs its builder when Django starts.
    """
    _subject_facts[:] = [builder]


def subject_of(user: User) -> policy.Subject:
    """The policy's view of a person; raises ``ConfigurationError`` if no builder is installed."""
    if not _subject_facts:
        raise ConfigurationError("No builder of the policy's facts about people is installed")
    return _subject_facts[0](user)


@dataclass(frozen=True, slots=True)
class Deleted:
    """A dataset read through one submission that was deleted under the retention rules,
    although the dataset's others were not: the policy sees its data as deleted."""

    of: Gated

    def policy_resource(self) -> Resource:
        return replace(self.of.policy_resource(), deleted=True)

    def policy_agreement(self) -> policy.AgreementFacts | None:
        return self.of.policy_agreement()


def check(*, user: User, action: Action, dataset: Gated) -> Decision:
    """Return the policy's decision for ``user`` doing ``action`` to ``dataset``."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in to see data", code="not-signed-in")
    return decide(
        subject=subject_of(user),
        action=action,
        resource=dataset.policy_resource(),
        agreement=dataset.policy_agreement(),
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
    dataset: Gated,
    decision: Decision,
    detail: dict[str, str | int | bool],
) -> None:
    event = _AUDITED[action] if decision.allowed else "access-refused"
    resource = dataset.policy_resource()
    area = resource.area
    record(
        user=user,
        action=event,
        target_type="dataset",
        target_id=resource.dataset_id,
        reason=str(decision.reason),
        policy_action=str(action),
        **({"area": area} if area else {}),
        **detail,
    )


def require(*, user: User, action: Action, dataset: Gated, **detail: str | int | bool) -> Decision:
    """Return the decision when allowed (its ``fields`` are all the reader may see); raises
    ``AccessDenied`` (403) with the reason code otherwise.

    Both answers are written to the audit trail: the data action when allowed (a submission
    records its own upload once stored), an ``access-refused`` record naming the policy's
    reason when not. Call it before any transaction that might roll back, so a refusal is never
    lost.
    """
    decision = check(user=user, action=action, dataset=dataset)
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


def _next_step(reason: DecisionReason, dataset: Gated) -> tuple[str, str] | None:
    agreement = dataset.policy_agreement()
    if reason not in _NEXT_STEPS or agreement is None:
        return None
    return _NEXT_STEPS[reason], reverse("agreement", kwargs={"pk": int(agreement.agreement_id)})


def view(*, user: User, dataset: Gated, **detail: str | int | bool) -> Decision:
    """For a page that shows data only to those allowed, and otherwise just the metadata:
    return the ``view-data`` decision, recording the view when it is allowed (a page that
    leaves the data out has refused nothing)."""
    decision = check(user=user, action=Action.VIEW_DATA, dataset=dataset)
    if decision.allowed:
        _record(user, Action.VIEW_DATA, dataset, decision, detail)
    return decision


def columns(*, user: User, dataset: Gated, shown: list[str], asked: list[str]) -> list[str]:
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
            target_id=dataset.policy_resource().dataset_id,
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
    require_recorded(user, decision, action, "submission", target_id)


def may_on_request(
    *, user: User, action: RequestAction, request: RequestFacts | None, area: str | None = None
) -> bool:
    """Whether the policy lets ``user`` do ``action`` to a data request (for a page's forms)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return decide_request(
        subject=subject_of(user), action=action, request=request, area=area
    ).allowed


def require_on_request(
    *,
    user: User,
    action: RequestAction,
    request: RequestFacts | None,
    target_id: str,
    area: str | None = None,
) -> None:
    """Raises, with the policy's reason recorded, unless ``user`` may do ``action`` to the data
    request ``target_id`` (for ``raise-request``: in ``area``). A request in the wrong state is
    ``InvalidInput`` (``request-state-invalid``, recorded as ``change-refused``): the person may
    act, just not now; any other refusal is ``AccessDenied`` (``access-refused``).

    Called inside a service's transaction, a record made here rolls back with it; the request
    services' ``refusals_recorded`` then records the refusal once, after the rollback."""
    decision = decide_request(subject=subject_of(user), action=action, request=request, area=area)
    if decision.allowed:
        return
    wrong_state = decision.reason is DecisionReason.REQUEST_STATE_INVALID
    record(
        user=user,
        action="change-refused" if wrong_state else "access-refused",
        target_type="request" if request is not None else "area",
        target_id=target_id,
        reason=str(decision.reason),
        policy_action=str(action),
        area=request.area if request is not None else (area or ""),
    )
    if wrong_state:
        state = request.state if request is not None else ""
        raise InvalidInput(
            f"This request is {state}, so that cannot be done now",
            code="request-state-invalid",
        )
    decision.require()


def check_document(
    *, user: User, action: Action, area: str, agreements: Iterable[policy.AgreementFacts]
) -> Decision:
    """Return the policy's decision for ``user`` opening a document (``Action.READ_ATTACHMENT``,
    ``Action.READ_DPIA_DOCUMENT``) of ``area`` that belongs to ``agreements`` (their facts, from
    ``agreements.facts.facts_of``). The caller audits the answer under the document's own event
    names."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in to see documents", code="not-signed-in")
    document = Document(area=area, agreements=tuple(agreements))
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
    require_recorded(user, decision, action, "area", area)


def may_on_standards(*, user: User, action: StandardAction, area: str) -> bool:
    """Whether the policy lets ``user`` take ``action`` on ``area``'s standards (for links)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return decide_standards(subject=subject_of(user), action=action, area=area).allowed


def require_standards(*, user: User, action: StandardAction, area: str) -> None:
    """Raises ``AccessDenied`` with the policy's reason, recorded, unless ``user`` may take
    ``action`` (draft a standard) on ``area``'s standards."""
    decision = decide_standards(subject=subject_of(user), action=action, area=area)
    require_recorded(user, decision, action, "area", area)


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
    require_recorded(user, decision, action, target_type, target_id)


def may_on_options(*, user: User, action: OptionsAction, area: str) -> bool:
    """Whether the policy lets ``user`` take ``action`` on ``area``'s options (for links)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return decide_options(subject=subject_of(user), action=action, area=area).allowed


def require_on_options(*, user: User, action: OptionsAction, area: str) -> None:
    """Raises ``AccessDenied`` with the policy's reason, recorded, unless ``user`` may take
    ``action`` (appraise, save, export) on ``area``'s unitary options."""
    decision = decide_options(subject=subject_of(user), action=action, area=area)
    require_recorded(user, decision, action, "area", area)


def require_recorded(
    user: User,
    decision: Decision,
    action: str,
    target_type: str,
    target_id: str | int,
    **detail: str,
) -> None:
    """Record a refusal as ``access-refused`` with the policy's reason (and ``detail``, such as
    the ``area``), then raise it."""
    if not decision.allowed:
        record(
            user=user,
            action="access-refused",
            target_type=target_type,
            target_id=target_id,
            reason=str(decision.reason),
            policy_action=str(action),
            **detail,
        )
    decision.require()

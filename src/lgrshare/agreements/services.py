"""Data sharing agreement use cases: draft, review, sign, vary, suspend, terminate, accept terms.

Governance actions (approve, sign, suspend, terminate) are decided by ``lgrshare.domain.policy``
from the agreement's facts, like every access to data, so the rules live in one place.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lgrshare import access
from lgrshare.access import subject_of
from lgrshare.agreements import notices
from lgrshare.agreements.advice import missing_for, needed_for
from lgrshare.agreements.build import snapshot
from lgrshare.agreements.facts import facts_of
from lgrshare.agreements.flows import agreed_fields
from lgrshare.agreements.models import TERM_FIELDS as TERM_FIELDS
from lgrshare.agreements.models import (
    Agreement,
    AgreementVersion,
    ContractorAgreement,
    Dpia,
    ExpertReview,
    Party,
    State,
    TermsAcceptance,
)
from lgrshare.agreements.readiness import level_problems, require_ready, screen_terms
from lgrshare.agreements.status import retention_due, status_of
from lgrshare.catalogue import search as fulltext
from lgrshare.catalogue.models import Access, Dataset, GeographyLevel, Kind
from lgrshare.councils.models import Area, Contractor, User
from lgrshare.councils.permissions import can, contractor_target
from lgrshare.domain import policy
from lgrshare.domain.agreement_terms import (
    DataItem,
    Terms,
    TermsInvalid,
    TermsProblem,
    field_rank,
    plan_flows,
    recipient_problems,
    terms_problems,
)
from lgrshare.domain.contractors import Particulars, Problem, check_particulars
from lgrshare.domain.errors import InvalidInput, NotFound, PermissionDenied
from lgrshare.domain.policy.expert_reviews import ReviewKind
from lgrshare.domain.policy.parties import (
    decide_dpia_recording,
    decide_drafting,
    decide_terms_acceptance,
)
from lgrshare.domain.policy.people import PeopleAction
from lgrshare.domain.screening import ScreeningResult
from lgrshare.domain.standards.model import StandardNotFound
from lgrshare.people.services import people_require
from lgrshare.requests.models import DataRequest
from lgrshare.standards.drafts import area_standard_from_item
from lgrshare.standards.models import AreaStandard
from lgrshare.standards.services import (
    area_standard_versions,
    area_standards_agree,
    is_builtin,
    standard_get,
    version_in_use,
)
from lgrshare.trail import record, record_hidden, refusals_recorded
from lgrshare.vault.services import blob_destroy, blob_read_bytes, blob_store

# -- reading ------------------------------------------------------------------------------------


def agreement_get_for_user(*, pk: int, user: User) -> Agreement:
    """Return an agreement of one of ``user``'s areas (for contractor staff, one that names
    their organisation); ``NotFound`` otherwise."""
    found = Agreement.objects.filter(pk=pk, area__memberships__user=user).first()
    hidden_from_contractor = (
        found is not None
        and user.contractor_id is not None
        and not found.versions.filter(contractors=user.contractor_id).exists()
    )
    if found is None or hidden_from_contractor:
        elsewhere = Agreement.objects.filter(pk=pk).select_related("area").first()
        if elsewhere is not None:
            record_hidden(
                user=user,
                target_type="agreement",
                target_id=elsewhere.reference,
                area=elsewhere.area.county_id,
                reason="contractor-not-named" if hidden_from_contractor else "other-area",
            )
        raise NotFound(f"There is no agreement {pk} that you can see", code="agreement-not-found")
    return found


def version_get(*, agreement: Agreement, number: int | None) -> AgreementVersion:
    """The numbered version, or the current one; raises ``NotFound`` for a number it lacks."""
    if number is None:
        return agreement.current()
    version = agreement.versions.filter(number=number).first()
    if version is None:
        raise NotFound(f"{agreement.reference} has no version {number}", code="version-not-found")
    return version


def agreements_in(*, area: Area) -> QuerySet[Agreement]:
    return Agreement.objects.filter(area=area).prefetch_related("versions")


def register(*, area: Area, today: date | None = None) -> dict[str, list[Agreement]]:
    """The area's agreements by state, with active ones split into expiring soon and expired."""
    today = today or timezone.localdate()
    groups: dict[str, list[Agreement]] = {
        key: []
        for key in (
            "draft",
            "in-review",
            "active",
            "expiring",
            "expired",
            "suspended",
            "terminated",
            "closed",
        )
    }
    for agreement in agreements_in(area=area):
        key = status_of(agreement, today=today)
        due = retention_due(agreement)
        if key == State.ACTIVE and due is not None and due.on <= today + timedelta(days=30):
            key = "expiring"
        groups[key].append(agreement)
    return groups


def decide(*, user: User, action: policy.Action, agreement: Agreement) -> policy.Decision:
    return policy.decide(
        subject=subject_of(user),
        action=action,
        resource=None,
        agreement=facts_of(agreement),
        now=timezone.now(),
    )


def screening(agreement: Agreement, version: AgreementVersion | None = None) -> ScreeningResult:
    """The DPIA screening of ``version``'s terms (the current version's by default)."""
    version = version or agreement.current()
    return screen_terms(version.terms, contractor_access=version.contractors.exists())


# -- audit targets: what a refusal of each service is recorded against ---------------------------


def _agreement_target(kwargs: Mapping[str, Any]) -> tuple[str, str, str]:
    agreement: Agreement = kwargs["agreement"]
    return "agreement", agreement.reference, agreement.area.county_id


def _area_target(kwargs: Mapping[str, Any]) -> tuple[str, str, str]:
    area: Area = kwargs["area"]
    return "area", area.county_id, area.county_id


def _contractor_target(kwargs: Mapping[str, Any]) -> tuple[str, int, None]:
    return "contractor", kwargs["contractor"].pk, None


def _recorded(
    user: User, event: str, agreement: Agreement, reason: str = "", **detail: str | int | bool
) -> None:
    record(
        user=user,
        action=event,
        target_type="agreement",
        target_id=agreement.reference,
        reason=reason,
        area=agreement.area.county_id,
        **detail,
    )


# -- drafting -----------------------------------------------------------------------------------


# An agreement past its end: terminated, or expired (its data due for deletion or deleted, then
# closed). Nothing about it may change any more.
ENDED = frozenset({"terminated", "expired", "closed"})


def permissions(*, user: User, agreement: Agreement) -> dict[str, bool]:
    """What the policy lets ``user`` do to ``agreement`` now, action by action, for its page:
    approve, sign, suspend, terminate, review-legal, review-security, record-dpia, edit-draft,
    vary, accept-terms, submit; and own-draft: a DPO who may not review it because they drafted
    it (the page says another DPO of their council reviews it)."""
    subject, facts = subject_of(user), facts_of(agreement)
    now = timezone.now()
    decisions = {
        str(action): policy.decide(
            subject=subject, action=action, resource=None, agreement=facts, now=now
        )
        for action in (
            policy.Action.APPROVE,
            policy.Action.SIGN,
            policy.Action.SUSPEND,
            policy.Action.TERMINATE,
            policy.Action.REVIEW_LEGAL,
            policy.Action.REVIEW_SECURITY,
        )
    }
    answers = {action: decision.allowed for action, decision in decisions.items()}
    party = subject.council is not None and subject.council in facts.parties
    drafter = party and decide_drafting(subject=subject).allowed
    accepted = (facts.agreement_id, facts.version) in subject.terms_accepted
    mine = agreement.datasets.filter(publisher_id=user.council_id).first()
    return answers | {
        "record-dpia": decide_dpia_recording(subject=subject, agreement=facts).allowed
        and status_of(agreement) not in ENDED,
        "own-draft": decisions[policy.Action.APPROVE].reason is policy.DecisionReason.OWN_DRAFT,
        "edit-draft": drafter and agreement.state == State.DRAFT,
        "vary": drafter
        and agreement.state in {State.IN_REVIEW, State.ACTIVE, State.SUSPENDED}
        and status_of(agreement) not in ENDED,
        "accept-terms": not accepted
        and decide_terms_acceptance(subject=subject, agreement=facts, now=now).allowed,
        "submit": user.council_id is not None
        and mine is not None
        and access.check(user=user, action=access.Action.SUBMIT, dataset=mine).allowed,
    }


# The page's actions the policy answers before their forms are read (``agreement_require``).
_PAGE_ACTIONS = {
    "review": policy.Action.APPROVE,
    "sign": policy.Action.SIGN,
    "legal-review": policy.Action.REVIEW_LEGAL,
    "it-security-review": policy.Action.REVIEW_SECURITY,
}
# Actions with no form to refuse first: their services ask the policy before anything else.
_NO_FORM = frozenset({"send", "ask-legal", "suspend", "terminate"})


def agreement_require(*, user: User, agreement: Agreement, action: str) -> None:
    """Ask the policy, before any form is read, whether ``user`` may take the page's ``action``
    on ``agreement`` (an unknown one: any action of the page); raises ``AccessDenied`` with its
    reason, recorded as ``access-refused``, otherwise. Someone who may not act is refused (403)
    however malformed their form; the services ask again in their transactions. ``send`` (no
    form) and the others in ``_NO_FORM`` are left to their services."""
    if action in _NO_FORM:
        return
    subject, facts = subject_of(user), facts_of(agreement)
    policy_action: str = action
    if action == "accept":
        decision = decide_terms_acceptance(subject=subject, agreement=facts, now=timezone.now())
    elif action == "dpia":
        decision = decide_dpia_recording(subject=subject, agreement=facts)
    elif action in _PAGE_ACTIONS:
        policy_action = str(_PAGE_ACTIONS[action])
        decision = decide(user=user, action=_PAGE_ACTIONS[action], agreement=agreement)
    elif any(permissions(user=user, agreement=agreement).values()):
        return
    else:
        policy_action = str(policy.Action.APPROVE)
        decision = decide(user=user, action=policy.Action.APPROVE, agreement=agreement)
    access.require_recorded(
        user, decision, policy_action, "agreement", agreement.reference,
        area=agreement.area.county_id,
    )  # fmt: skip


def contractor_agreement_permissions(*, user: User, record: ContractorAgreement) -> dict[str, bool]:
    """What the contractors page offers ``user`` for one contractor agreement: sign-off (one
    not yet signed off), download (its signed contract)."""
    target = contractor_target(record.contractor)
    return {
        "sign-off": not record.is_signed_off
        and can(user=user, action=PeopleAction.SIGN_OFF_CONTRACTOR_AGREEMENT, target=target),
        "download": record.document_id is not None
        and can(user=user, action=PeopleAction.RECORD_CONTRACTOR_AGREEMENT, target=target),
    }


def may_record_dpia(user: User, agreement: Agreement) -> bool:
    """Whether the policy lets ``user`` record ``agreement``'s DPIA decision (for the page)."""
    return decide_dpia_recording(subject=subject_of(user), agreement=facts_of(agreement)).allowed


def may_draft(user: User) -> bool:
    """Whether the policy lets ``user`` draft or vary agreements at all (for the pages)."""
    return decide_drafting(subject=subject_of(user)).allowed


def _require_drafter(user: User, area: Area, parties: list[str] | None = None) -> None:
    if not area.memberships.filter(user=user).exists():
        raise NotFound("There is no such area that you can see", code="area-not-found")
    decide_drafting(subject=subject_of(user)).require()
    if parties is not None and user.council_id not in parties:
        raise PermissionDenied("Only a party's staff can change its agreement", code="not-a-party")


def _known_fields(terms: Terms) -> dict[str, list[str]]:
    """Each standard's fields at the version ``terms`` name (an unknown standard or version is
    left out, for ``terms_problems`` to report as unknown-standard)."""
    known: dict[str, list[str]] = {}
    for item in terms.data_items:
        if item.standard:
            with contextlib.suppress(StandardNotFound):
                named = standard_get(name=item.standard, version=item.version)
                known[item.standard] = [f.name for f in named.fields]
    return known


def _standards_named(
    user: User, area: Area, parties: Mapping[str, bool], terms: Terms, request: DataRequest | None
) -> Terms:
    """``terms`` with every data item naming a standard at a version: an item naming none gets
    the version in use now (``version_in_use``); an item described in words becomes a draft
    area standard prefilled from it and from ``request`` (``area_standard_from_item``: the one
    already drafted from the same words, if the area has one; an item given twice is named
    once), shared in full to the recipients the other flows go to, for the data team to
    confirm (readiness ``standard-not-confirmed`` until they do)."""
    items: list[DataItem] = []
    drafted: list[DataItem] = []
    for item in terms.data_items:
        if item.standard:
            version = item.version
            if not version:
                with contextlib.suppress(StandardNotFound):  # reported as unknown-standard
                    version = version_in_use(item.standard)
            items.append(replace(item, version=version))
        elif item.text.strip():
            saved = area_standard_from_item(
                user=user,
                area=area,
                text=item.text,
                context=f"{request.question}\n\n{request.purpose}".strip() if request else "",
                geography_level=request.geography_level if request else "",
                personal_data=terms.lawful.personal_data,
                period=request.period if request else "",
            )
            if all(done.standard != saved.name for done in drafted):  # the item given twice
                drafted.append(DataItem(standard=saved.name, version=saved.version))
    named = replace(terms, data_items=(*items, *drafted))
    if drafted:
        recipients = sorted({flow.recipient for flow in terms.flows}) or None
        known = _known_fields(replace(terms, data_items=tuple(drafted)))
        added = plan_flows(parties, drafted, known, recipients)
        named = replace(named, flows=(*terms.flows, *added))
    return named


def standards_to_finish(version: AgreementVersion) -> list[dict[str, Any]]:
    """The area standards an unsigned version names at a draft version: each with whether it
    is still a proposal to confirm and the newer version saved since, if any."""
    found = []
    for item in version.terms.data_items:
        if not item.standard or is_builtin(item.standard):
            continue
        versions = area_standard_versions(item.standard)
        named = next((v for v in versions if v.version == item.version), None)
        if named is None or named.state == AreaStandard.State.AGREED:
            continue
        newer = versions[0].version if versions[0].version != item.version else ""
        found.append({"standard": named, "newer": newer})
    return found


def terms_typed(*, parties: Mapping[str, bool], terms: Terms | Mapping[str, Any]) -> Terms:
    """Return ``terms`` as the typed value. A mapping (the API's, the demo's) that gives no
    classification takes ``default_classification``, and one that gives no flows takes the
    default flows (``plan_flows``); typed terms (the form's) are taken as they are, so a form
    whose flows came out empty is refused rather than given flows nobody chose. Raises
    ``InvalidInput`` (``terms-malformed``) for a mapping of the wrong shape."""
    if isinstance(terms, Terms):
        return terms
    values = {k: v for k, v in terms.items() if k in TERM_FIELDS}
    typed = Terms.from_dict(values)
    if "classification" not in values:
        typed = replace(typed, security=replace(typed.security, classification=_default(typed)))
    if not typed.flows:
        known = _known_fields(typed)
        typed = replace(typed, flows=plan_flows(parties, typed.data_items, known))
    return typed


def terms_directed(
    *,
    parties: Mapping[str, bool],
    terms: Terms,
    recipients: list[str] | None,
    fields_for: Mapping[str, list[str]],
) -> Terms:
    """Return ``terms`` with its flows planned again for ``recipients`` (None: the default)
    and each recipient's own field list in ``fields_for``; what cannot be (a recipient that
    is the only provider, a field the standard lacks) is left for ``draft_problems`` to name."""
    if recipients is None and not fields_for:
        return terms
    known = _known_fields(terms)
    return replace(
        terms, flows=plan_flows(parties, terms.data_items, known, recipients, fields_for)
    )


def draft_problems(
    *,
    area: Area,
    parties: Mapping[str, bool],
    terms: Terms,
    title: str = "-",
    contractors: list[Contractor] | None = None,
) -> list[TermsProblem]:
    """Return every problem that stops a draft with ``terms`` being saved, at once, in the
    order of the form's fields: the title, the terms themselves (``terms_problems``), the
    contractors named, and a classification or personal-data class below what the standards
    shared declare (``readiness.level_problems``). Empty: it can be saved."""
    problems = terms_problems(
        terms,
        parties=parties,
        area_councils=[c.gss_code for c in area.councils()],
        standard_fields=_known_fields(terms),
        today=timezone.localdate(),
    )
    if not title.strip():
        problems.append(TermsProblem("title-required", "title", "Give the agreement a title"))
    problems += _contractor_problems(contractors or [], parties)
    if not any(p.field in {"standard", "standard_fields"} for p in problems):
        problems += level_problems(terms, contractor_access=bool(contractors))
    return sorted(problems, key=lambda p: field_rank(p.field))


def _check_draft(
    area: Area,
    parties: Mapping[str, bool],
    terms: Terms,
    title: str,
    contractors: list[Contractor],
) -> None:
    problems = draft_problems(
        area=area, parties=parties, terms=terms, title=title, contractors=contractors
    )
    if problems:
        raise TermsInvalid(problems)


def _default(terms: Terms) -> str:
    sensitive = terms.lawful.personal_data == "special-category" or any(
        standard_get(name=item.standard, version=item.version).sensitivity == "OFFICIAL-SENSITIVE"
        for item in terms.data_items
        if item.standard in _known_fields(terms)
    )
    return "OFFICIAL-SENSITIVE" if sensitive else "OFFICIAL"


def default_classification(terms: Mapping[str, Any]) -> str:
    """OFFICIAL-SENSITIVE for special category data or a standard that declares it; else
    OFFICIAL (the classification a draft takes when none is given)."""
    return _default(Terms.from_dict(terms))


def _write_version(
    agreement: Agreement,
    number: int,
    user: User,
    parties: Mapping[str, bool],
    terms: Terms,
    named: list[User],
    contractors: list[Contractor],
) -> AgreementVersion:
    # Through the typed value: every version's terms are written in one stable form.
    version = AgreementVersion.objects.create(
        agreement=agreement, number=number, created_by=user, **terms.to_dict()
    )
    Party.objects.bulk_create(
        Party(version=version, council_id=code, provides_data=provides)
        for code, provides in parties.items()
    )
    version.named_people.set(named)
    version.contractors.set(contractors)
    return version


def _contractor_problems(
    contractors: list[Contractor], parties: Mapping[str, bool]
) -> list[TermsProblem]:
    problems = []
    for contractor in contractors:
        if contractor.works_for_id not in parties:
            problems.append(
                TermsProblem(
                    "contractor-not-for-a-party",
                    "contractors",
                    f"{contractor} does not work for a party",
                )
            )
            continue
        current = ContractorAgreement.objects.filter(
            contractor=contractor,
            council_id=contractor.works_for_id,
            ends_on__gte=timezone.localdate(),
        )
        if not current.exists():
            problems.append(
                TermsProblem(
                    "contractor-agreement-missing",
                    "contractors",
                    f"Record a contractor agreement for {contractor} before naming it",
                )
            )
        elif not current.filter(signed_off_at__isnull=False).exists():
            problems.append(
                TermsProblem(
                    "contractor-agreement-not-signed-off",
                    "contractors",
                    f"{contractor.works_for.name}'s DPO must sign off the contractor agreement "
                    f"for {contractor} before it is named",
                )
            )
    return problems


def _require_drafter_is_party(user: User, area: Area, parties: dict[str, bool]) -> None:
    """Refuse a draft that leaves out the drafter's council (``drafter-not-a-party``); the
    service's ``refusals_recorded`` records the refusal."""
    del area  # the refusal's target is the service's
    decide_drafting(subject=subject_of(user), parties=frozenset(parties)).require()


@refusals_recorded("agreement-drafted", _area_target)
@transaction.atomic
def agreement_create(
    *,
    user: User,
    area: Area,
    title: str,
    parties: dict[str, bool],
    terms: Terms | Mapping[str, Any],
    named: list[User] | None = None,
    contractors: list[Contractor] | None = None,
    request: DataRequest | None = None,
    recipients: Iterable[str] = (),
) -> Agreement:
    """Draft a new agreement (version 1). ``parties`` maps GSS code → provides data; the
    drafter's own council must be one (``drafter-not-a-party``). ``recipients`` are the
    parties the drafter chose to receive the data (the API's; the form checks its own): with
    no standard shared the choice is refused (``recipient_problems``), before any item in
    words is drafted as a standard. Raises ``TermsInvalid`` listing every problem at once
    (``draft_problems``)."""
    _require_drafter(user, area)
    _require_drafter_is_party(user, area, parties)
    typed = terms_typed(parties=parties, terms=terms)
    chosen = recipient_problems(
        parties, recipients, standard_shared=any(item.standard for item in typed.data_items)
    )
    if chosen:
        others = draft_problems(
            area=area, parties=parties, terms=typed, title=title, contractors=contractors
        )
        raise TermsInvalid(sorted([*chosen, *others], key=lambda p: field_rank(p.field)))
    typed = _standards_named(user, area, parties, typed, request)
    _check_draft(area, parties, typed, title, contractors or [])
    agreement = Agreement.objects.create(
        area=area, title=title.strip(), created_by=user, request=request
    )
    _write_version(agreement, 1, user, parties, typed, named or [], contractors or [])
    Dpia.objects.create(agreement=agreement)
    _recorded(user, "agreement-drafted", agreement, version=1, parties=",".join(sorted(parties)))
    return agreement


def terms_from_request(request: DataRequest) -> tuple[str, dict[str, bool], Terms]:
    """Title, parties and terms an agreement drafted from ``request`` starts with: the fields
    the request asked for, flowing from each council that answered to the one that asked."""
    parties = {request.requesting_council_id: False}
    parties |= {code: True for code in request.responses.values_list("council_id", flat=True)}
    items: list[dict[str, Any]] = []
    fields = [i["field"] for i in request.data_items if "field" in i]
    if request.standard_name:
        items.append({"standard": request.standard_name, "fields": fields})
    items += [{"item": i["item"]} for i in request.data_items if "item" in i]
    personal = (
        "special-category"
        if request.special_category
        else ("personal" if request.personal_data else "none")
    )
    terms = terms_typed(
        parties=parties,
        terms={
            "purposes": f"{request.question}\n\n{request.purpose}".strip(),
            "data_items": items,
            "legal_power": request.legal_power or "",
            "personal_data": personal,
            "children_or_vulnerable": request.children_or_vulnerable,
            "data_matching": request.data_matching,
        },
    )
    return f"{request.reference}: {request.question[:150]}", parties, terms


@refusals_recorded("agreement-edited", _agreement_target)
@refusals_recorded("agreement-edited", _agreement_target)
def agreement_update(
    *,
    user: User,
    agreement: Agreement,
    parties: dict[str, bool],
    terms: Terms | Mapping[str, Any],
    named: list[User] | None = None,
    contractors: list[Contractor] | None = None,
) -> AgreementVersion:
    """Change the terms or parties. A draft nobody has signed is edited in place; any agreement
    already sent for review, or signed by anyone, gets a new version that every party must
    approve and sign again (it stops being active until then). Raises ``PermissionDenied``
    (``drafter-not-a-party`` when the new parties leave out the drafter's council;
    ``agreement-expired`` once its data is due for deletion or deleted), recorded, or
    ``InvalidInput``.
    """
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        current = agreement.current()
        _require_drafter(
            user, agreement.area, list(current.parties.values_list("council_id", flat=True))
        )
        _require_drafter_is_party(user, agreement.area, parties)
        if agreement.state == State.TERMINATED:
            raise InvalidInput("A terminated agreement cannot change", code="agreement-terminated")
        if status_of(agreement) == "expired":
            # The policy refuses every action on an agreement whose data is due for deletion
            # or deleted: new terms would reopen sharing the certificate says has ended.
            raise PermissionDenied(
                f"{agreement.reference} has expired: its data is due for deletion or deleted, "
                "so its terms can no longer change",
                code="agreement-expired",
            )
        typed = terms_typed(parties=parties, terms=terms)
        typed = _standards_named(user, agreement.area, parties, typed, agreement.request)
        _check_draft(agreement.area, parties, typed, agreement.title, contractors or [])
        # A draft nobody has signed is edited in place; a signed version never changes (a draft
        # returned after one party signed gets a new version too).
        if agreement.state == State.DRAFT and current.frozen_at is None:
            current.delete()
            version = _write_version(
                agreement, current.number, user, parties, typed, named or [], contractors or []
            )
        else:
            version = _write_version(
                agreement, current.number + 1, user, parties, typed, named or [], contractors or []
            )
            if agreement.state != State.DRAFT:
                _set_state(
                    agreement, State.IN_REVIEW, user, "New version for approval and signature"
                )
                notices.review_needed(agreement=agreement, by=user)
        _recorded(
            user,
            "agreement-edited",
            agreement,
            "new-version" if version.number != current.number else "draft-edited",
            version=version.number,
            parties=",".join(sorted(parties)),
        )
        return version


def _set_state(agreement: Agreement, state: str, user: User, reason: str = "") -> None:
    agreement.state = state
    agreement.state_reason = reason
    agreement.state_changed_by = user
    agreement.state_changed_at = timezone.now()
    agreement.save(update_fields=["state", "state_reason", "state_changed_by", "state_changed_at"])


@refusals_recorded("agreement-sent-for-review", _agreement_target)
@transaction.atomic
def agreement_send_for_review(*, user: User, agreement: Agreement) -> Agreement:
    """Draft → in review: the parties' DPOs can now approve it. Raises ``AgreementNotReady``
    listing every problem that stops it going live."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    current = agreement.current()
    _require_drafter(
        user, agreement.area, list(current.parties.values_list("council_id", flat=True))
    )
    if agreement.state != State.DRAFT:
        raise InvalidInput("Only a draft can be sent for review", code="agreement-not-draft")
    require_ready(current, screening(agreement, current))
    current.parties.update(
        dpo_decision=Party.Decision.PENDING, dpo_by=None, dpo_at=None, dpo_name=""
    )
    _set_state(agreement, State.IN_REVIEW, user)
    _recorded(user, "agreement-sent-for-review", agreement, version=current.number)
    notices.review_needed(agreement=agreement, by=user)
    for party in current.parties.select_related("council"):
        kinds = needed_for(party, current)
        if kinds:
            notices.expert_review_needed(party=party, kinds=sorted(kinds), by=user)
    return agreement


def _own_party(user: User, agreement: Agreement) -> Party:
    party = agreement.current().parties.filter(council_id=user.council_id).first()
    if party is None:
        raise PermissionDenied("Your council is not a party to this agreement", code="not-a-party")
    return party


@refusals_recorded(
    lambda kwargs: "agreement-approved" if kwargs["approve"] else "agreement-returned",
    _agreement_target,
)
@transaction.atomic
def agreement_dpo_review(
    *, user: User, agreement: Agreement, approve: bool, comments: str = ""
) -> Party:
    """The DPO of a party approves the current version, or returns it (to draft) with comments.
    Approval raises ``AgreementNotReady`` while any problem stops it going live."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    decide(user=user, action=policy.Action.APPROVE, agreement=agreement).require()
    party = _own_party(user, agreement)
    if not approve and not comments.strip():
        raise InvalidInput("Say what needs to change", code="comments-required")
    if approve:
        require_ready(agreement.current(), screening(agreement))
    party.dpo_decision = Party.Decision.APPROVED if approve else Party.Decision.RETURNED
    party.dpo_comments = comments.strip()
    party.dpo_by, party.dpo_at = user, timezone.now()
    party.dpo_name = user.get_full_name() or user.username
    party.save()
    _recorded(
        user,
        "agreement-approved" if approve else "agreement-returned",
        agreement,
        version=agreement.current().number,
        council=str(party.council_id),
    )
    if not approve:
        _set_state(agreement, State.DRAFT, user, f"Returned by {party.council.name}'s DPO")
    notices.dpo_reviewed(party=party, by=user)
    return party


@refusals_recorded("agreement-signed", _agreement_target)
@transaction.atomic
def agreement_sign(*, user: User, agreement: Agreement, version: int | None = None) -> Agreement:
    """A party's senior signatory signs; the agreement turns active when every party has.

    ``version`` is the number the signatory read: if the terms changed since, nothing is signed
    (``version-changed``). The first signature fixes the version's text (``frozen_at``). Raises
    ``AgreementNotReady`` while any problem stops it going live.
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if version is not None and version != agreement.current().number:
        raise InvalidInput(
            f"The terms changed while you were reading them: {agreement.reference} is now at "
            f"version {agreement.current().number}. Read that version before signing.",
            code="version-changed",
        )
    decide(user=user, action=policy.Action.SIGN, agreement=agreement).require()
    party = _own_party(user, agreement)
    if party.dpo_decision != Party.Decision.APPROVED:
        raise InvalidInput(
            f"{party.council.name}'s DPO must approve before it is signed",
            code="dpo-approval-needed",
        )
    require_ready(agreement.current(), screening(agreement))
    missing = missing_for(party, agreement.current())
    if missing:
        legal = missing[0].kind is ReviewKind.LEGAL
        raise InvalidInput(
            " ".join(m.message for m in missing),
            code="legal-review-needed" if legal else "it-security-review-needed",
        )
    if party.signed_at is None:
        party.signed_by, party.signed_at = user, timezone.now()
        party.signatory_name = user.get_full_name() or user.username
        party.save(update_fields=["signed_by", "signed_at", "signatory_name"])
        _freeze(agreement.current(), user)
        _recorded(
            user,
            "agreement-signed",
            agreement,
            version=agreement.current().number,
            council=str(party.council_id),
        )
    if not agreement.current().parties.filter(signed_at__isnull=True).exists():
        _set_state(agreement, State.ACTIVE, user, "Signed by every party")
        _share_datasets(agreement)
        # The area standards it names are agreed, and frozen, at the version signed.
        area_standards_agree(
            pins=[
                (item.standard, item.version)
                for item in agreement.current().terms.data_items
                if item.standard
            ],
            agreement_reference=agreement.reference,
            user=user,
        )
        _recorded(
            user,
            "agreement-activated",
            agreement,
            "signed-by-every-party",
            version=agreement.current().number,
        )
        notices.state_changed(agreement=agreement, by=user)
    return agreement


_REVIEW_ACTIONS = {
    ExpertReview.Kind.LEGAL: policy.Action.REVIEW_LEGAL,
    ExpertReview.Kind.IT_SECURITY: policy.Action.REVIEW_SECURITY,
}


@refusals_recorded(lambda kwargs: f"{kwargs['kind']}-review-recorded", _agreement_target)
@transaction.atomic
def expert_review_record(
    *, user: User, agreement: Agreement, kind: str, outcome: str, comments: str = ""
) -> ExpertReview:
    """A party's legal adviser (``kind`` "legal") or IT security officer ("it-security")
    records their review of the current version for their council: "reviewed", or
    "changes-needed" with comments (which tells the drafters and the council's DPO).

    Raises ``PermissionDenied`` (the policy's reason: ``role-not-permitted``, ``not-a-party``,
    ``agreement-not-in-review``) and ``InvalidInput`` (``review-kind-unknown``,
    ``review-outcome-unknown``, ``comments-required``, ``party-already-signed``).
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if kind not in ExpertReview.Kind.values:
        raise InvalidInput(f"{kind!r} is not a kind of review", code="review-kind-unknown")
    if outcome not in ExpertReview.Outcome.values:
        raise InvalidInput(
            "Choose whether you reviewed it or it needs changes", code="review-outcome-unknown"
        )
    decide(
        user=user, action=_REVIEW_ACTIONS[ExpertReview.Kind(kind)], agreement=agreement
    ).require()
    party = _own_party(user, agreement)
    if party.signed_at is not None:
        raise InvalidInput(
            f"{party.council.name} has already signed this version: a review now would not "
            "change what was signed. Vary the agreement to change its terms.",
            code="party-already-signed",
        )
    if outcome == ExpertReview.Outcome.CHANGES_NEEDED and not comments.strip():
        raise InvalidInput("Say what needs to change", code="comments-required")
    review, _ = ExpertReview.objects.update_or_create(
        party=party,
        kind=kind,
        defaults={
            "outcome": outcome,
            "comments": comments.strip(),
            "by": user,
            "by_name": user.get_full_name() or user.username,
            "at": timezone.now(),
        },
    )
    _recorded(
        user,
        f"{kind}-review-recorded",
        agreement,
        outcome,
        version=agreement.current().number,
        council=str(party.council_id),
    )
    notices.expert_reviewed(review=review, by=user)
    return review


@refusals_recorded("legal-review-asked", _agreement_target)
@transaction.atomic
def legal_review_ask(*, user: User, agreement: Agreement) -> Party:
    """A party's DPO asks its legal adviser to review the current version: the party cannot
    sign until the review is in. Tells the council's legal advisers."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    decide(user=user, action=policy.Action.APPROVE, agreement=agreement).require()
    party = _own_party(user, agreement)
    if not party.legal_review_asked:
        party.legal_review_asked = True
        party.save(update_fields=["legal_review_asked"])
        _recorded(
            user,
            "legal-review-asked",
            agreement,
            version=agreement.current().number,
            council=str(party.council_id),
        )
        notices.expert_review_needed(party=party, kinds=[ExpertReview.Kind.LEGAL], by=user)
    return party


def _freeze(version: AgreementVersion, user: User) -> None:
    """Fix ``version``'s text at its first signature: keep its document as signed."""
    if version.frozen_at is not None:
        return
    version.frozen_at = timezone.now()
    version.document = snapshot(version, screening(version.agreement, version))
    version.save(update_fields=["frozen_at", "document"])
    _recorded(user, "agreement-version-frozen", version.agreement, version=version.number)


def _share_datasets(agreement: Agreement) -> None:
    """Catalogue entries for what the agreement shares: each standard from each provider."""
    version = agreement.current()
    providers = version.parties.filter(provides_data=True).select_related("council")
    for item in version.terms.data_items:
        if not item.standard:
            continue
        standard = standard_get(name=item.standard, version=item.version)
        for party in providers:
            fields = agreed_fields(
                version=version, standard=standard.name, provider=party.council_id
            )
            if not fields:  # this council gives nobody this standard
                continue
            dataset, _ = Dataset.objects.update_or_create(
                slug=f"{agreement.reference.lower()}-{standard.name}-{party.council_id.lower()}",
                defaults={
                    "title": f"{standard.title}: {party.council.name}",
                    "description": f"{standard.description} Shared under {agreement.reference}.",
                    "publisher_name": party.council.official_name,
                    "publisher": party.council,
                    "geography_level": standard.geography_level
                    if standard.geography_level in GeographyLevel.values
                    else "none",
                    "standard_name": standard.name,
                    "fields": [
                        {"name": f.name, "title": f.title, "type": f.type}
                        for f in standard.fields
                        if f.name in fields
                    ],
                    "access": Access.UNDER_AGREEMENT,
                    "kind": Kind.REGISTER,
                    "area": agreement.area,
                    "agreement": agreement,
                    "contact": "",
                },
            )
            fulltext.index_dataset(dataset)


@refusals_recorded("agreement-suspended", _agreement_target)
@transaction.atomic
def agreement_suspend(*, user: User, agreement: Agreement, reason: str) -> Agreement:
    return _stop(user, agreement, reason, policy.Action.SUSPEND, State.SUSPENDED)


@refusals_recorded("agreement-terminated", _agreement_target)
@transaction.atomic
def agreement_terminate(*, user: User, agreement: Agreement, reason: str) -> Agreement:
    return _stop(user, agreement, reason, policy.Action.TERMINATE, State.TERMINATED)


def _stop(
    user: User, agreement: Agreement, reason: str, action: policy.Action, state: str
) -> Agreement:
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    decide(user=user, action=action, agreement=agreement).require()
    if not reason.strip():
        raise InvalidInput("Give the reason", code="reason-required")
    _set_state(agreement, state, user, reason.strip())
    event: dict[str, str] = {
        State.SUSPENDED: "agreement-suspended",
        State.TERMINATED: "agreement-terminated",
    }
    _recorded(user, event[state], agreement, version=agreement.current().number)
    notices.state_changed(agreement=agreement, by=user)
    return agreement


def can_accept_terms(*, user: User, agreement: Agreement) -> bool:
    """Whether to offer ``user`` "I accept these terms" (see ``terms_accept``)."""
    return decide_terms_acceptance(
        subject=subject_of(user), agreement=facts_of(agreement), now=timezone.now()
    ).allowed


@refusals_recorded("terms-accepted", _agreement_target)
@transaction.atomic
def terms_accept(*, user: User, agreement: Agreement, declared: bool = True) -> TermsAcceptance:
    """Record that ``user`` accepted the current version's terms (needed before seeing data).
    On the page a person ticks the declaration: unticked (``declared`` False) it raises
    ``InvalidInput`` (``declaration-required``), once the policy has let them accept.

    Only a party's staff, and staff of a contractor the agreement names, may accept (decided by
    ``policy.parties.decide_terms_acceptance``). A refusal is audited (``access-refused``,
    after the rollback) and raises ``AccessDenied`` (``not-a-party``,
    ``contractor-not-named``, ``not-named``, ``agreement-not-active``, ...); no acceptance is
    recorded.
    """
    if agreement.state != State.ACTIVE:
        raise InvalidInput(
            "Only an active agreement's terms can be accepted", code="agreement-not-active"
        )
    decision = decide_terms_acceptance(
        subject=subject_of(user), agreement=facts_of(agreement), now=timezone.now()
    )
    version = agreement.current().number
    decision.require()
    if not declared:
        raise InvalidInput(
            "Confirm you have read the terms and will keep to them", code="declaration-required"
        )
    acceptance, created = TermsAcceptance.objects.get_or_create(
        user=user, agreement=agreement, version=version
    )
    _recorded(user, "terms-accepted", agreement, version=version, first_time=created)
    return acceptance


class ContractorAgreementInvalid(InvalidInput):
    """Every problem with a contractor agreement's particulars, for the form to list."""

    code = "contractor-agreement-invalid"
    title = "The contractor agreement is not complete"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(" ".join(p.message + "." for p in problems))
        self.problems = problems


# Not inside one transaction: a policy refusal is recorded (access-refused) where it happens,
# and the decorator records an incomplete form (change-refused) without recording twice.
@refusals_recorded("contractor-agreement-recorded", _contractor_target)
def contractor_agreement_record(
    *,
    user: User,
    contractor: Contractor,
    scope: str,
    nature_and_purpose: str,
    personal_data_types: str,
    data_subject_categories: str,
    processor_obligations: list[str],
    starts_on: date | None,
    ends_on: date | None,
    document_name: str = "",
    document: bytes | None = None,
) -> ContractorAgreement:
    """A DPO or IG officer of the council a contractor works for records its Article 28
    contractor agreement, with the signed contract (stored encrypted in the vault). It gives
    no access until that council's DPO signs it off.

    Raises ``AccessDenied`` (``not-your-council``, ``role-not-permitted``, audited) or
    ``ContractorAgreementInvalid`` listing every missing particular.
    """
    people_require(
        user=user,
        action=PeopleAction.RECORD_CONTRACTOR_AGREEMENT,
        target=contractor_target(contractor),
        target_id=str(contractor.pk),
    )
    particulars = Particulars(
        subject_matter=scope,
        nature_and_purpose=nature_and_purpose,
        personal_data_types=personal_data_types,
        data_subject_categories=data_subject_categories,
        obligations=frozenset(processor_obligations),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    problems = check_particulars(particulars)
    if problems:
        raise ContractorAgreementInvalid(problems)
    assert starts_on is not None, "checked above"
    assert ends_on is not None, "checked above"
    with transaction.atomic():
        blob = blob_store(source=io.BytesIO(document)) if document is not None else None
        recorded = ContractorAgreement.objects.create(
            contractor=contractor,
            council_id=contractor.works_for_id,
            scope=scope.strip(),
            nature_and_purpose=nature_and_purpose.strip(),
            personal_data_types=personal_data_types.strip(),
            data_subject_categories=data_subject_categories.strip(),
            processor_obligations=sorted(particulars.obligations),
            starts_on=starts_on,
            ends_on=ends_on,
            document=blob,
            document_name=document_name[:120] if blob else "",
            recorded_by=user,
        )
        record(
            user=user,
            action="contractor-agreement-recorded",
            target_type="contractor",
            target_id=contractor.pk,
            contractor_agreement=recorded.pk,
            starts_on=starts_on.isoformat(),
            council=str(contractor.works_for_id),
            ends_on=ends_on.isoformat(),
            document=blob is not None,
        )
        _revise_naming(contractor, user)
    return recorded


def contractor_agreement_sign_off(
    *, user: User, contractor_agreement: ContractorAgreement
) -> ContractorAgreement:
    """A DPO of the council the contractor works for signs off its contractor agreement; from
    then it counts for access. Raises ``AccessDenied`` (audited) or ``InvalidInput``
    (``contractor-agreement-document-missing``, ``contractor-agreement-signed-off``)."""
    people_require(
        user=user,
        action=PeopleAction.SIGN_OFF_CONTRACTOR_AGREEMENT,
        target=contractor_target(contractor_agreement.contractor),
        target_id=str(contractor_agreement.contractor_id),
    )
    with transaction.atomic():
        locked = ContractorAgreement.objects.select_for_update().get(pk=contractor_agreement.pk)
        if locked.document_id is None:
            raise InvalidInput(
                "Attach the signed contract before signing it off",
                code="contractor-agreement-document-missing",
            )
        if locked.signed_off_at is not None:
            raise InvalidInput(
                "This contractor agreement is already signed off",
                code="contractor-agreement-signed-off",
            )
        locked.signed_off_by, locked.signed_off_at = user, timezone.now()
        locked.save(update_fields=["signed_off_by", "signed_off_at"])
        record(
            user=user,
            action="contractor-agreement-signed-off",
            target_type="contractor",
            target_id=locked.contractor_id,
            contractor_agreement=locked.pk,
            council=str(locked.council_id),
        )
    return locked


def contractor_agreement_document(
    *, user: User, contractor_agreement: ContractorAgreement
) -> tuple[str, bytes]:
    """Return the signed contract's name and bytes, for the council's DPO or IG officer.

    Raises ``AccessDenied`` (audited), ``NotFound`` (``document-not-found``) or the vault's
    errors. The download is audited.
    """
    people_require(
        user=user,
        action=PeopleAction.RECORD_CONTRACTOR_AGREEMENT,
        target=contractor_target(contractor_agreement.contractor),
        target_id=str(contractor_agreement.contractor_id),
    )
    blob = contractor_agreement.document
    if blob is None:
        raise NotFound("No signed contract is attached", code="document-not-found")
    content = blob_read_bytes(blob=blob)
    record(
        user=user,
        action="download",
        target_type="contractor-agreement",
        target_id=contractor_agreement.pk,
        document=contractor_agreement.document_name,
    )
    return contractor_agreement.document_name or "contractor-agreement.pdf", content


def _revise_naming(contractor: Contractor, user: User) -> None:
    """A signed version naming ``contractor`` states its contractor agreement's dates: give
    each agreement whose current version is signed and names it a new version, to be reviewed
    and signed again with the new dates (the signed text itself never changes)."""
    naming = Agreement.objects.filter(
        versions__contractors=contractor, versions__frozen_at__isnull=False
    ).exclude(state=State.TERMINATED)
    for pk in sorted(set(naming.values_list("pk", flat=True))):
        agreement = Agreement.objects.select_for_update().get(pk=pk)
        current = agreement.current()
        if current.frozen_at is None or not current.contractors.filter(pk=contractor.pk).exists():
            continue
        version = _write_version(
            agreement,
            current.number + 1,
            user,
            {p.council_id: p.provides_data for p in current.parties.all()},
            current.terms,
            list(current.named_people.all()),
            list(current.contractors.all()),
        )
        reason = f"New contractor agreement for {contractor.name}: the terms must be signed again"
        # A suspension stays until lifted; a draft stays a draft.
        if agreement.state in {State.ACTIVE, State.IN_REVIEW}:
            _set_state(agreement, State.IN_REVIEW, user, reason)
        _recorded(
            user,
            "agreement-revised",
            agreement,
            "contractor-agreement-recorded",
            version=version.number,
            contractor=str(contractor.pk),
        )


@refusals_recorded("dpia-recorded", _agreement_target)
@transaction.atomic
def dpia_record(
    *,
    user: User,
    agreement: Agreement,
    status: str,
    outcome: str,
    document_name: str = "",
    document: bytes | None = None,
    document_type: str = "",
    residual_risk: str = "",
    ico_consultation: str = "",
    appropriate_policy_document: str = "",
) -> Dpia:
    """A party's DPO records the DPIA decision (and may attach the DPIA document, which is
    encrypted into the vault; a replaced one is destroyed): its status, outcome and residual
    risk, the note of any ICO prior consultation (Article 36) and where the parties'
    appropriate policy documents are held."""
    decide_dpia_recording(subject=subject_of(user), agreement=facts_of(agreement)).require()
    if status_of(agreement) in ENDED:
        raise InvalidInput(
            f"{agreement.reference} has ended: its DPIA decision can no longer change",
            code="agreement-ended",
        )
    if status not in Dpia.Status.values:
        raise InvalidInput("Choose the DPIA's status", code="dpia-status-invalid")
    if residual_risk not in {"", *Dpia.ResidualRisk.values}:
        raise InvalidInput("Choose the residual risk", code="dpia-residual-risk-invalid")
    dpia, _ = Dpia.objects.get_or_create(agreement=agreement)
    dpia.status, dpia.outcome = status, outcome.strip()
    dpia.residual_risk, dpia.ico_consultation = residual_risk, ico_consultation.strip()
    dpia.appropriate_policy_document = appropriate_policy_document.strip()
    replaced = None
    if document is not None:
        replaced = dpia.document_blob
        dpia.document_blob = blob_store(source=io.BytesIO(document))
        dpia.document_name, dpia.document_type = document_name, document_type
        record(
            user=user,
            action="dpia-document-added",
            target_type="agreement",
            target_id=agreement.reference,
            file=document_name,
            bytes=dpia.document_blob.plaintext_bytes,
            sha256=dpia.document_blob.plaintext_sha256,
            replaced=replaced is not None,
        )
    dpia.decided_by, dpia.decided_at = user, timezone.now()
    dpia.save()
    if replaced is not None:
        blob_destroy(blob=replaced)
    _recorded(
        user,
        "dpia-recorded",
        agreement,
        status,
        version=agreement.current().number,
        document=document is not None,
    )
    return dpia

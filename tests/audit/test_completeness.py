"""Audit completeness: every action of the policy and every agreement, request and submission
operation writes its own event when allowed, and an ``access-refused`` or ``change-refused``
event naming its target and reason when refused, and a refused change changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import pytest

from lgrshare import access
from lgrshare.agreements import dpia_documents
from lgrshare.agreements import services as agreements
from lgrshare.agreements.models import Agreement
from lgrshare.audit.models import AuditEntry
from lgrshare.catalogue import services as catalogue
from lgrshare.councils.models import Contractor
from lgrshare.domain.contractors import article_28_obligations
from lgrshare.domain.errors import LgrShareError
from lgrshare.domain.policy import Action
from lgrshare.domain.policy.catalogue import CatalogueAction
from lgrshare.domain.policy.people import PeopleAction
from lgrshare.domain.policy.requests import RequestAction
from lgrshare.requests import attachments
from lgrshare.requests import services as requests
from lgrshare.requests.models import Attachment, DataRequest
from lgrshare.submissions import services as submissions
from tests.audit.world import PARTIES, TERMS, World
from tests.conftest import GUILDFORD, SURREY, _make
from tests.submissions.test_submissions import STANDARD


@dataclass(frozen=True)
class Case:
    """One operation tried: ``run`` does it (raising when refused) and returns the target it
    acted on as (type, id); ``event`` and ``reason`` are what the trail must then hold."""

    name: str
    action: StrEnum | None  # the policy's action (data, request, people, catalogue)
    run: Callable[[World], tuple[str, str | int]]
    event: str
    reason: str = ""
    refused: bool = False
    unchanged: Callable[[World], Any] | None = None


def _agreement(agreement: Agreement) -> tuple[str, str]:
    return "agreement", agreement.reference


def _request(request: DataRequest) -> tuple[str, str]:
    return "request", request.reference


def _data(action: Action, who: str | None = None) -> Callable[[World], tuple[str, str]]:
    def run(w: World) -> tuple[str, str]:
        user = w.reader() if who is None else w.p[who]
        target = ("dataset", w.dataset.slug)
        _refused(w, target, lambda: access.require(user=user, action=action, dataset=w.dataset))
        return target

    return run


def _refused(w: World, target: tuple[str, str | int], attempt: Callable[[], object]) -> None:
    """Run a refused attempt, keeping the target for the assertion when it raises."""
    w.target = target  # type: ignore[attr-defined]
    attempt()


def _review(who: str, approve: bool, comments: str = "") -> Callable[[World], tuple[str, str]]:
    def run(w: World) -> tuple[str, str]:
        _refused(
            w,
            _agreement(w.in_review),
            lambda: agreements.agreement_dpo_review(
                user=w.p[who], agreement=w.in_review, approve=approve, comments=comments
            ),
        )
        return _agreement(w.in_review)

    return run


def _on(attr: str, do: Callable[[World, Any], object]) -> Callable[[World], tuple[str, str | int]]:
    """Run ``do`` on the world's ``attr`` (an agreement, request or submission)."""

    def run(w: World) -> tuple[str, str | int]:
        thing = getattr(w, attr)
        target: tuple[str, str | int]
        if isinstance(thing, Agreement):
            target = _agreement(thing)
        elif isinstance(thing, DataRequest):
            target = _request(thing)
        elif isinstance(thing, Attachment):
            target = ("attachment", thing.pk)
        else:
            target = ("submission", thing.pk)
        _refused(w, target, lambda: do(w, thing))
        return target

    return run


def _area(do: Callable[[World], object]) -> Callable[[World], tuple[str, str]]:
    def run(w: World) -> tuple[str, str]:
        _refused(w, ("area", SURREY), lambda: do(w))
        return "area", SURREY

    return run


def _edit(who: str) -> Callable[[World, Agreement], object]:
    def edit(w: World, a: Agreement) -> object:
        terms = dict(TERMS, purposes="Costing contract transfers, and their end dates.")
        return agreements.agreement_update(user=w.p[who], agreement=a, parties=PARTIES, terms=terms)

    return edit


def _request_edit(who: str) -> Callable[[World, DataRequest], object]:
    def edit(w: World, r: DataRequest) -> object:
        return requests.request_update(
            user=w.p[who],
            request=r,
            question="Which county contracts end in 2027?",
            holders=[SURREY],
            standard_name=STANDARD,
            data_items=[{"field": "end_date"}],
        )

    return edit


def _contractor_agreement(who: str) -> Callable[[World], tuple[str, int]]:
    def run(w: World) -> tuple[str, int]:
        contractor = w.p["dave"].contractor
        assert isinstance(contractor, Contractor)
        _refused(
            w,
            ("contractor", contractor.pk),
            lambda: agreements.contractor_agreement_record(
                user=w.p[who],
                contractor=contractor,
                scope="Modelling the county's contract costs",
                nature_and_purpose="Analysis of contract costs on the council's instructions",
                personal_data_types="None: aggregate figures only",
                data_subject_categories="None",
                processor_obligations=[o.code for o in article_28_obligations()],
                starts_on=date.today(),
                ends_on=date.today() + timedelta(days=365),
                document_name="contract.pdf",
                document=b"%PDF-1.4\n%%EOF\n",
            ),
        )
        return "contractor", contractor.pk

    return run


def _raise(who: str) -> Callable[[World], object]:
    return lambda w: requests.request_create(
        user=w.p[who],
        area=w.area,
        question="How many council homes does Guildford hold?",
        holders=[GUILDFORD],
        data_items=[{"item": "Council homes by ward"}],
    )


def _holding(who: str) -> Callable[[World], object]:
    return lambda w: catalogue.dataset_held_create(
        user=w.p[who],
        area=w.area,
        title="Council tax base by band",
        description="Properties in each council tax band, by ward",
        geography_level="ward",
        contact="data@guildford.gov.uk",
    )


def _attachment(w: World, who: str) -> object:
    return attachments.attachment_download(
        user=w.p[who], request=w.request_open, attachment_id=w.attachment.pk
    )


def _state(attr: str) -> Callable[[World], Any]:
    def state(w: World) -> Any:
        thing = getattr(w, attr)
        return type(thing).objects.get(pk=thing.pk).state

    return state


def _expert(role: str) -> Any:
    """Surrey County Council's legal adviser or IT security officer."""
    from lgrshare.councils.models import User

    username = f"surrey-{role}"
    return User.objects.filter(username=username).first() or _make(username, [role], SURREY)


def _expert_review(role: str, kind: str, outcome: str, attr: str = "in_review"):  # type: ignore[no-untyped-def]
    return _on(
        attr,
        lambda w, a: agreements.expert_review_record(
            user=w.p["alice"] if role == "alice" else _expert(role),
            agreement=a,
            kind=kind,
            outcome=outcome,
            comments="Downloads only to managed devices",
        ),
    )


ALLOWED = [
    # The policy's actions on data, through the gate.
    Case(
        "view metadata",
        Action.VIEW_METADATA,
        _data(Action.VIEW_METADATA, "alice"),
        "metadata-viewed",
    ),
    Case("view data", Action.VIEW_DATA, _data(Action.VIEW_DATA), "view"),
    Case("download", Action.DOWNLOAD, _data(Action.DOWNLOAD), "download"),
    Case("export", Action.EXPORT, _data(Action.EXPORT), "export"),
    Case("compile", Action.COMPILE, _data(Action.COMPILE), "export"),
    Case("submit", Action.SUBMIT, lambda w: ("submission", w.submit().pk), "upload"),
    # Agreements.
    Case("draft", None, lambda w: _agreement(w.draft()), "agreement-drafted"),
    Case(
        "edit a draft",
        None,
        _on("draft_agreement", _edit("gary")),
        "agreement-edited",
        "draft-edited",
    ),
    Case(
        "edit an active one", None, _on("active", _edit("gary")), "agreement-edited", "new-version"
    ),
    Case("send for review", None, lambda w: _agreement(w.in_review), "agreement-sent-for-review"),
    Case("approve", Action.APPROVE, _review("sdpo", True), "agreement-approved"),
    Case(
        "legal review",
        Action.REVIEW_LEGAL,
        _expert_review("legal-adviser", "legal", "reviewed"),
        "legal-review-recorded",
        "reviewed",
    ),
    Case(
        "IT security review",
        Action.REVIEW_SECURITY,
        _expert_review("it-security", "it-security", "changes-needed"),
        "it-security-review-recorded",
        "changes-needed",
    ),
    Case(
        "ask for a legal review",
        None,
        _on("in_review", lambda w, a: agreements.legal_review_ask(user=w.p["sdpo"], agreement=a)),
        "legal-review-asked",
    ),
    Case("return", Action.APPROVE, _review("gdpo", False, "Name the fields"), "agreement-returned"),
    Case(
        "sign",
        Action.SIGN,
        _on("approved", lambda w, a: agreements.agreement_sign(user=w.p["ssign"], agreement=a)),
        "agreement-signed",
    ),
    Case(
        "activate",
        Action.SIGN,
        lambda w: _agreement(w.active),
        "agreement-activated",
        "signed-by-every-party",
    ),
    Case(
        "suspend",
        Action.SUSPEND,
        _on(
            "active",
            lambda w, a: agreements.agreement_suspend(
                user=w.p["sdpo"], agreement=a, reason="Breach under investigation"
            ),
        ),
        "agreement-suspended",
    ),
    Case(
        "terminate",
        Action.TERMINATE,
        _on(
            "active",
            lambda w, a: agreements.agreement_terminate(
                user=w.p["gdpo"], agreement=a, reason="No longer needed"
            ),
        ),
        "agreement-terminated",
    ),
    Case(
        "record the DPIA",
        None,
        _on(
            "in_review",
            lambda w, a: agreements.dpia_record(
                user=w.p["sdpo"], agreement=a, status="complete", outcome="Low residual risk"
            ),
        ),
        "dpia-recorded",
        "complete",
    ),
    Case(
        "record a contractor agreement",
        PeopleAction.RECORD_CONTRACTOR_AGREEMENT,
        _contractor_agreement("sdpo"),
        "contractor-agreement-recorded",
    ),
    Case("accept terms", None, lambda w: (w.reader(), _agreement(w.active))[1], "terms-accepted"),
    # Requests.
    Case(
        "raise a request",
        RequestAction.RAISE,
        lambda w: _request(w.request_draft),
        "request-raised",
    ),
    Case(
        "edit a draft request",
        RequestAction.EDIT,
        _on("request_draft", _request_edit("alice")),
        "request-edited",
    ),
    Case(
        "open a request", RequestAction.OPEN, lambda w: _request(w.request_open), "request-opened"
    ),
    Case(
        "answer a request",
        RequestAction.ANSWER,
        _on(
            "request_open",
            lambda w, r: requests.request_answer(user=w.p["sue"], request=r, answer="will-provide"),
        ),
        "request-answered",
        "will-provide",
    ),
    Case(
        "comment on a request",
        RequestAction.COMMENT,
        _on(
            "request_open",
            lambda w, r: requests.request_comment(
                user=w.p["bob"], request=r, body="Woking needs this too"
            ),
        ),
        "request-commented",
    ),
    Case(
        "join a request",
        RequestAction.JOIN,
        _on("request_open", lambda w, r: requests.request_join(user=w.p["bob"], request=r)),
        "request-joined",
    ),
    Case(
        "fulfil a request",
        RequestAction.FULFIL,
        _on("request_open", lambda w, r: requests.request_fulfil(user=w.p["alice"], request=r)),
        "request-fulfilled",
    ),
    Case(
        "close a request",
        RequestAction.CLOSE,
        _on(
            "request_open",
            lambda w, r: requests.request_close(
                user=w.p["alice"],
                request=r,
                reason="no-longer-needed",
                note="Answered from LG Inform",
            ),
        ),
        "request-closed",
        "no-longer-needed",
    ),
    # Submissions.
    Case(
        "add a caveat",
        Action.ADD_CAVEAT,
        _on(
            "submission",
            lambda w, s: submissions.submission_add_caveat(
                user=w.p["sam"], submission=s, kind="incomplete", text="Excludes schools' contracts"
            ),
        ),
        "caveat-added",
        "incomplete",
    ),
    Case(
        "accept a submission",
        Action.ACCEPT_SUBMISSION,
        _on(
            "submission", lambda w, s: submissions.submission_accept(user=w.p["sue"], submission=s)
        ),
        "submission-accepted",
    ),
    Case(
        "withdraw a submission",
        Action.WITHDRAW_SUBMISSION,
        _on(
            "submission",
            lambda w, s: submissions.submission_withdraw(user=w.p["sam"], submission=s),
        ),
        "submission-withdrawn",
    ),
    # Catalogue.
    Case(
        "record a holding",
        CatalogueAction.RECORD_HOLDING,
        lambda w: ("dataset", _holding("alice")(w).slug),  # type: ignore[attr-defined]
        "holding-recorded",
    ),
    # Documents.
    Case(
        "download an attachment",
        Action.READ_ATTACHMENT,
        _on("attachment", lambda w, a: _attachment(w, "bob")),
        "attachment-downloaded",
    ),
    Case(
        "download a DPIA document",
        Action.READ_DPIA_DOCUMENT,
        _on(
            "dpia_document",
            lambda w, a: dpia_documents.dpia_document_download(user=w.p["gdpo"], agreement=a),
        ),
        "dpia-document-downloaded",
    ),
]

REFUSED = [
    # The policy's actions on data, through the gate.
    Case(
        "view metadata",
        Action.VIEW_METADATA,
        _data(Action.VIEW_METADATA, "charlie"),
        "access-refused",
        "other-area",
    ),
    Case(
        "view data",
        Action.VIEW_DATA,
        _data(Action.VIEW_DATA, "sam"),
        "access-refused",
        "terms-not-accepted",
    ),
    Case(
        "download", Action.DOWNLOAD, _data(Action.DOWNLOAD, "bob"), "access-refused", "not-a-party"
    ),
    Case("export", Action.EXPORT, _data(Action.EXPORT, "charlie"), "access-refused", "other-area"),
    Case(
        "compile",
        Action.COMPILE,
        _data(Action.COMPILE, "dave"),
        "access-refused",
        "contractor-agreement-missing",
    ),
    Case(
        "submit",
        Action.SUBMIT,
        lambda w: (_refused(w, ("dataset", w.dataset.slug), lambda: w.submit("gary")), w.target)[1],
        "access-refused",
        "not-the-holder",
    ),
    # Agreements.
    Case(
        "draft",
        None,
        _area(
            lambda w: agreements.agreement_create(
                user=w.p["alice"],
                area=w.area,
                title="Contracts",
                parties=dict(PARTIES),
                terms=dict(TERMS),
            )
        ),
        "access-refused",
        "role-not-permitted",
    ),
    Case(
        "edit",
        None,
        _on("draft_agreement", _edit("bob")),
        "access-refused",
        "not-a-party",
        unchanged=lambda w: w.draft_agreement.current().purposes,
    ),
    Case(
        "send for review",
        None,
        _on(
            "active",
            lambda w, a: agreements.agreement_send_for_review(user=w.p["gary"], agreement=a),
        ),
        "change-refused",
        "agreement-not-draft",
        unchanged=_state("active"),
    ),
    Case(
        "approve",
        Action.APPROVE,
        _review("alice", True),
        "access-refused",
        "role-not-permitted",
        unchanged=lambda w: list(
            w.in_review.current().parties.values_list("dpo_decision", flat=True)
        ),
    ),
    Case(
        "return",
        Action.APPROVE,
        _review("gdpo", False),
        "change-refused",
        "comments-required",
        unchanged=_state("in_review"),
    ),
    Case(
        "legal review",
        Action.REVIEW_LEGAL,
        _expert_review("alice", "legal", "reviewed"),
        "access-refused",
        "role-not-permitted",
        unchanged=_state("in_review"),
    ),
    Case(
        "ask for a legal review",
        None,
        _on("in_review", lambda w, a: agreements.legal_review_ask(user=w.p["alice"], agreement=a)),
        "access-refused",
        "role-not-permitted",
        unchanged=_state("in_review"),
    ),
    Case(
        "IT security review",
        Action.REVIEW_SECURITY,
        _expert_review("it-security", "it-security", "reviewed", attr="active"),
        "access-refused",
        "agreement-not-in-review",
        unchanged=_state("active"),
    ),
    Case(
        "sign",
        Action.SIGN,
        _on(
            "draft_agreement",
            lambda w, a: agreements.agreement_sign(user=w.p["ssign"], agreement=a),
        ),
        "access-refused",
        "agreement-not-in-review",
        unchanged=_state("draft_agreement"),
    ),
    Case(
        "suspend",
        Action.SUSPEND,
        _on(
            "active",
            lambda w, a: agreements.agreement_suspend(user=w.p["sue"], agreement=a, reason="x"),
        ),
        "access-refused",
        "role-not-permitted",
        unchanged=_state("active"),
    ),
    Case(
        "terminate",
        Action.TERMINATE,
        _on(
            "in_review",
            lambda w, a: agreements.agreement_terminate(user=w.p["sdpo"], agreement=a, reason="x"),
        ),
        "access-refused",
        "agreement-not-active",
        unchanged=_state("in_review"),
    ),
    Case(
        "record the DPIA",
        None,
        _on(
            "in_review",
            lambda w, a: agreements.dpia_record(
                user=w.p["gary"], agreement=a, status="complete", outcome="x"
            ),
        ),
        "access-refused",
        "role-not-permitted",
    ),
    Case(
        "record a contractor agreement",
        PeopleAction.RECORD_CONTRACTOR_AGREEMENT,
        _contractor_agreement("alice"),
        "access-refused",
        "role-not-permitted",
    ),
    Case(
        "accept terms",
        None,
        _on("draft_agreement", lambda w, a: agreements.terms_accept(user=w.p["sam"], agreement=a)),
        "change-refused",
        "agreement-not-active",
    ),
    # Requests.
    Case(
        "raise a request",
        RequestAction.RAISE,
        _area(_raise("sdpo")),
        "access-refused",
        "role-not-permitted",
    ),
    Case(
        "edit a draft request",
        RequestAction.EDIT,
        _on("request_open", _request_edit("alice")),
        "change-refused",
        "request-state-invalid",
        unchanged=lambda w: DataRequest.objects.get(pk=w.request_open.pk).question,
    ),
    Case(
        "edit someone else's draft",
        RequestAction.EDIT,
        _on("request_draft", _request_edit("bob")),
        "access-refused",
        "not-the-requester",
    ),
    Case(
        "open a request",
        RequestAction.OPEN,
        _on("request_draft", lambda w, r: requests.request_open(user=w.p["bob"], request=r)),
        "access-refused",
        "not-the-requester",
        unchanged=_state("request_draft"),
    ),
    Case(
        "answer a request",
        RequestAction.ANSWER,
        _on(
            "request_open",
            lambda w, r: requests.request_answer(user=w.p["bob"], request=r, answer="will-provide"),
        ),
        "access-refused",
        "not-a-holder",
    ),
    Case(
        "comment on a request",
        RequestAction.COMMENT,
        _on(
            "request_open",
            lambda w, r: requests.request_comment(user=w.p["dave"], request=r, body="Hello"),
        ),
        "access-refused",
        "contractor-read-only",
    ),
    Case(
        "join a request",
        RequestAction.JOIN,
        _on("request_draft", lambda w, r: requests.request_join(user=w.p["bob"], request=r)),
        "access-refused",
        "request-draft",
    ),
    Case(
        "fulfil a request",
        RequestAction.FULFIL,
        _on("request_open", lambda w, r: requests.request_fulfil(user=w.p["bob"], request=r)),
        "access-refused",
        "not-the-requester",
        unchanged=_state("request_open"),
    ),
    Case(
        "close a request",
        RequestAction.CLOSE,
        _on(
            "request_open",
            lambda w, r: requests.request_close(
                user=w.p["alice"], request=r, reason="no-longer-needed", note=""
            ),
        ),
        "change-refused",
        "stop-note-required",
        unchanged=_state("request_open"),
    ),
    # Submissions.
    Case(
        "add a caveat",
        Action.ADD_CAVEAT,
        _on(
            "submission",
            lambda w, s: submissions.submission_add_caveat(
                user=w.p["alice"], submission=s, kind="incomplete", text="x"
            ),
        ),
        "access-refused",
        "not-the-holder",
    ),
    Case(
        "accept a submission",
        Action.ACCEPT_SUBMISSION,
        _on(
            "submission", lambda w, s: submissions.submission_accept(user=w.p["sam"], submission=s)
        ),
        "access-refused",
        "role-not-permitted",
        unchanged=_state("submission"),
    ),
    Case(
        "withdraw a submission",
        Action.WITHDRAW_SUBMISSION,
        _on(
            "submission",
            lambda w, s: submissions.submission_withdraw(user=w.p["alice"], submission=s),
        ),
        "access-refused",
        "not-the-holder",
        unchanged=_state("submission"),
    ),
    # Catalogue.
    Case(
        "record a holding",
        CatalogueAction.RECORD_HOLDING,
        _area(_holding("dave")),
        "change-refused",
        "not-a-council-member",
    ),
    # Documents.
    Case(
        "download an attachment",
        Action.READ_ATTACHMENT,
        _on("attachment", lambda w, a: _attachment(w, "dave")),
        "attachment-download-refused",
        "contractor-agreement-missing",
    ),
    Case(
        "download a DPIA document",
        Action.READ_DPIA_DOCUMENT,
        _on(
            "dpia_document",
            lambda w, a: dpia_documents.dpia_document_download(user=w.p["gary"], agreement=a),
        ),
        "dpia-document-download-refused",
        "role-not-permitted",
    ),
]


def test_every_action_of_the_policy_is_tried_allowed_and_refused():
    assert {c.action for c in ALLOWED} >= set(Action)
    assert {c.action for c in REFUSED} >= set(Action)
    # Every operation is tried both ways (activation is the last signature; edits are one).
    both_ways = {c.name for c in REFUSED} | {"activate", "edit a draft", "edit an active one"}
    assert {c.name for c in ALLOWED} <= both_ways


def _last(event: str) -> AuditEntry | None:
    return AuditEntry.objects.filter(action=event).order_by("-seq").first()


@pytest.mark.parametrize("case", ALLOWED, ids=lambda c: c.name)
def test_an_allowed_action_records_its_own_event(world, case):
    target_type, target_id = case.run(world)
    entry = _last(case.event)
    assert entry is not None, f"{case.name} recorded no {case.event}"
    assert (entry.target_type, entry.target_id) == (target_type, str(target_id))
    assert entry.reason == case.reason or (case.reason == "" and entry.reason in {"", "allowed"})
    assert entry.actor != "system"


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_a_refused_action_records_the_refusal_and_changes_nothing(world, case):
    before = case.unchanged(world) if case.unchanged else None
    with pytest.raises(LgrShareError) as refused:
        case.run(world)
    assert refused.value.code == case.reason
    assert 400 <= refused.value.status < 500
    target_type, target_id = world.target  # type: ignore[attr-defined]
    refusals = AuditEntry.objects.filter(action__endswith="-refused")
    assert refusals.count() == 1  # recorded once, by the gate or by the service
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.reason) == (case.event, case.reason)
    assert (entry.target_type, entry.target_id) == (target_type, str(target_id))
    if case.unchanged:
        assert case.unchanged(world) == before


def test_an_event_rolls_back_with_the_change_it_records(world, monkeypatch):
    agreement = world.approved
    agreements.agreement_sign(user=world.p["ssign"], agreement=agreement)

    def fail(_agreement: Agreement) -> None:
        raise RuntimeError("the catalogue could not be written")

    # The last signature turns the agreement active; a failure after it undoes both.
    monkeypatch.setattr(agreements, "_share_datasets", fail)
    with pytest.raises(RuntimeError):
        agreements.agreement_sign(user=world.p["gsign"], agreement=agreement)
    signed = AuditEntry.objects.filter(action="agreement-signed", target_id=agreement.reference)
    assert [dict(e.detail_items)["council"] for e in signed] == [SURREY]
    assert not AuditEntry.objects.filter(action="agreement-activated").exists()
    assert not AuditEntry.objects.filter(reason="the catalogue could not be written").exists()
    assert not agreement.current().parties.get(council_id=GUILDFORD).signed_at

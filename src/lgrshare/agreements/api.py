"""API for data sharing agreements: the same services and policy as the interface."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema, Status

from lgrshare.accounts.auth import person
from lgrshare.agreements import readiness, services
from lgrshare.agreements.advice import advice_of
from lgrshare.agreements.build import build_document
from lgrshare.agreements.models import Agreement, AgreementVersion, State, TermsAcceptance
from lgrshare.agreements.pdf import render_pdf
from lgrshare.agreements.status import status_label, status_of
from lgrshare.requests.services import request_get_for_user

router = Router(tags=["data sharing agreements"])


class PartyOut(Schema):
    council_gss: str
    provides_data: bool
    dpo_decision: str
    dpo_at: datetime | None
    signed_at: datetime | None


class FlowOut(Schema):
    """``provider`` gives ``recipient`` these ``fields`` of ``standard`` (GSS codes)."""

    standard: str
    provider: str
    recipient: str
    fields: list[str]


class VersionOut(Schema):
    number: int
    created_at: datetime
    purposes: str
    data_items: list[dict[str, Any]]
    flows: list[FlowOut]
    legal_power: str
    personal_data: str
    lawful_basis: str
    article_9_condition: str
    schedule_1_conditions: list[str]
    permitted_roles: dict[str, list[str]]
    classification: str
    starts_on: date | None
    delete_by: date | None
    review_date: date | None
    parties: list[PartyOut]

    @staticmethod
    def resolve_parties(obj: AgreementVersion) -> list[dict[str, Any]]:
        return [
            {
                "council_gss": p.council_id,
                "provides_data": p.provides_data,
                "dpo_decision": p.dpo_decision,
                "dpo_at": p.dpo_at,
                "signed_at": p.signed_at,
            }
            for p in obj.parties.all()
        ]


class ProblemOut(Schema):
    code: str
    message: str
    # For a problem with the terms: the form field it belongs to.
    field: str = ""


class AdviceLineOut(Schema):
    """One step of a party's sign-off: ``step`` is dpo, legal, it-security or signature;
    ``outcome`` approved, returned, reviewed, changes-needed, signed, awaited or not-needed."""

    step: str
    outcome: str
    name: str
    at: datetime | None
    comments: str


class PartyAdviceOut(Schema):
    council_gss: str
    steps: list[AdviceLineOut]
    # What stops this party signing: legal-review-needed, it-security-review-needed.
    still_needed: list[ProblemOut]


class StandardToFinishOut(Schema):
    """An area standard the current (unsigned) version names at a draft version: ``proposed``
    while its fields are still to be confirmed (``fields_page``); ``newer`` the version saved
    since, if any."""

    name: str
    version: str
    title: str
    proposed: bool
    newer: str
    fields_page: str
    standard_url: str


class AgreementOut(Schema):
    id: int
    reference: str
    title: str
    area_gss: str
    state: str
    # The state as people read it: "expired" once the data is due for deletion (see
    # ``agreements.status``), "closed" once deleted and attested.
    status: str
    status_label: str
    state_reason: str
    request_id: int | None
    current: VersionOut
    screening: str
    # What stops the current version going live (a draft or one in review); empty when none.
    problems: list[ProblemOut]
    # Who has advised on the current version, per party, and what each still needs.
    advice: list[PartyAdviceOut]
    # Draft area standards it names (an item described in words is drafted as one).
    standards_to_finish: list[StandardToFinishOut]

    @staticmethod
    def resolve_standards_to_finish(obj: Agreement) -> list[dict[str, Any]]:
        version = obj.current()
        if version.frozen_at:
            return []
        return [
            {
                "name": s["standard"].name,
                "version": s["standard"].version,
                "title": s["standard"].title,
                "proposed": s["standard"].proposed,
                "newer": s["newer"],
                "fields_page": reverse("standard-fields", args=[s["standard"].name]),
                "standard_url": f"/api/v1/standards/{s['standard'].name}",
            }
            for s in services.standards_to_finish(version)
        ]

    @staticmethod
    def resolve_area_gss(obj: Agreement) -> str:
        return str(obj.area.county_id)

    @staticmethod
    def resolve_status(obj: Agreement) -> str:
        return status_of(obj)

    @staticmethod
    def resolve_status_label(obj: Agreement) -> str:
        return status_label(status_of(obj))

    @staticmethod
    def resolve_current(obj: Agreement) -> AgreementVersion:
        return obj.current()

    @staticmethod
    def resolve_screening(obj: Agreement) -> str:
        return str(services.screening(obj).outcome)

    @staticmethod
    def resolve_advice(obj: Agreement) -> list[dict[str, Any]]:
        return [
            {
                "council_gss": party.gss_code,
                "steps": [
                    {
                        "step": line.step,
                        "outcome": line.outcome,
                        "name": line.name,
                        "at": line.at,
                        "comments": line.comments,
                    }
                    for line in party.lines
                ],
                "still_needed": [
                    {"code": m.code, "message": m.message} for m in party.still_needed
                ],
            }
            for party in advice_of(obj.current())
        ]

    @staticmethod
    def resolve_problems(obj: Agreement) -> list[dict[str, str]]:
        if obj.state not in {State.DRAFT, State.IN_REVIEW}:
            return []
        version = obj.current()
        found = readiness.problems_of(version, services.screening(obj, version))
        return [problem.as_dict() for problem in found]


class FromRequestIn(Schema):
    """``recipients`` (GSS codes; by default the parties that do not provide) and ``fields``
    (a recipient's GSS code -> the fields it receives; by default those the request asked for)
    direct the flows, as the form's field lists do."""

    request_id: int
    delete_by: date | None = None
    retention_event: str = ""
    lawful_basis: str = ""
    recipients: list[str] | None = None
    fields: dict[str, list[str]] = {}


class ReviewIn(Schema):
    approve: bool
    comments: str = ""


class ReasonIn(Schema):
    reason: str


class ExpertReviewIn(Schema):
    """``kind``: legal or it-security; ``outcome``: reviewed or changes-needed."""

    kind: str
    outcome: str
    comments: str = ""


class ErrorOut(Schema):
    code: str
    message: str
    # When an agreement cannot go live (agreement-not-ready), or its terms have problems (422):
    # every one of them.
    problems: list[ProblemOut] = []


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.post("/agreements", response={201: AgreementOut, **ERRORS}, summary="Draft from a request")
def agreements_create(request: HttpRequest, payload: FromRequestIn) -> Status[Agreement]:
    user = person(request)
    source = request_get_for_user(pk=payload.request_id, user=user)
    title, parties, terms = services.terms_from_request(source)
    terms = services.terms_directed(
        parties=parties,
        terms=replace(
            terms,
            lawful=replace(terms.lawful, lawful_basis=payload.lawful_basis),
            retention=replace(
                terms.retention,
                delete_by=payload.delete_by,
                retention_event=payload.retention_event,
            ),
        ),
        recipients=payload.recipients,
        fields_for=payload.fields,
    )
    created = services.agreement_create(
        user=user,
        area=source.area,
        title=title,
        parties=parties,
        terms=terms,
        request=source,
        # A recipient given its own field list is chosen too.
        recipients=[*(payload.recipients or []), *payload.fields],
    )
    return Status(201, created)


@router.get("/agreements/{agreement_id}", response={200: AgreementOut, 404: ErrorOut})
def agreements_show(request: HttpRequest, agreement_id: int) -> Agreement:
    return services.agreement_get_for_user(pk=agreement_id, user=person(request))


@router.get("/agreements/{agreement_id}/versions", response={200: list[VersionOut], 404: ErrorOut})
def agreements_versions(request: HttpRequest, agreement_id: int) -> list[AgreementVersion]:
    found = services.agreement_get_for_user(pk=agreement_id, user=person(request))
    return list(found.versions.order_by("number"))


@router.post(
    "/agreements/{agreement_id}/review-request",
    response={200: AgreementOut, **ERRORS},
    summary="Send a draft for review by the DPOs",
)
def agreements_send(request: HttpRequest, agreement_id: int) -> Agreement:
    found = services.agreement_get_for_user(pk=agreement_id, user=person(request))
    return services.agreement_send_for_review(user=person(request), agreement=found)


@router.post(
    "/agreements/{agreement_id}/approve",
    response={200: AgreementOut, **ERRORS},
    summary="A party's DPO approves, or returns with comments",
)
def agreements_approve(request: HttpRequest, agreement_id: int, payload: ReviewIn) -> Agreement:
    found = services.agreement_get_for_user(pk=agreement_id, user=person(request))
    services.agreement_dpo_review(
        user=person(request), agreement=found, approve=payload.approve, comments=payload.comments
    )
    found.refresh_from_db()
    return found


@router.post(
    "/agreements/{agreement_id}/sign",
    response={200: AgreementOut, **ERRORS},
    summary="A party's senior signatory signs",
)
def agreements_sign(
    request: HttpRequest, agreement_id: int, version: int | None = None
) -> Agreement:
    """``version`` (optional, in the query) is the version read: if the terms changed since,
    nothing is signed (``version-changed``)."""
    found = services.agreement_get_for_user(pk=agreement_id, user=person(request))
    return services.agreement_sign(user=person(request), agreement=found, version=version)


@router.post(
    "/agreements/{agreement_id}/expert-review",
    response={200: AgreementOut, **ERRORS},
    summary="A party's legal adviser or IT security records their review",
)
def agreements_expert_review(
    request: HttpRequest, agreement_id: int, payload: ExpertReviewIn
) -> Agreement:
    found = services.agreement_get_for_user(pk=agreement_id, user=person(request))
    services.expert_review_record(
        user=person(request),
        agreement=found,
        kind=payload.kind,
        outcome=payload.outcome,
        comments=payload.comments,
    )
    found.refresh_from_db()
    return found


class TermsAcceptedOut(Schema):
    agreement: str
    version: int
    accepted_at: datetime

    @staticmethod
    def resolve_agreement(obj: TermsAcceptance) -> str:
        return obj.agreement.reference


@router.post(
    "/agreements/{agreement_id}/terms-acceptance",
    response={200: TermsAcceptedOut, **ERRORS},
    summary="Accept the terms of the current version, before reading data under it",
)
def agreements_accept_terms(request: HttpRequest, agreement_id: int) -> TermsAcceptance:
    """Only a party's staff, and staff of a contractor the agreement names, may accept; accepting
    again is harmless. Refusals: ``not-a-party``, ``contractor-not-named``, ``not-named``,
    ``agreement-not-active``."""
    found = services.agreement_get_for_user(pk=agreement_id, user=person(request))
    return services.terms_accept(user=person(request), agreement=found)


@router.post("/agreements/{agreement_id}/suspend", response={200: AgreementOut, **ERRORS})
def agreements_suspend(request: HttpRequest, agreement_id: int, payload: ReasonIn) -> Agreement:
    found = services.agreement_get_for_user(pk=agreement_id, user=person(request))
    return services.agreement_suspend(user=person(request), agreement=found, reason=payload.reason)


@router.post("/agreements/{agreement_id}/terminate", response={200: AgreementOut, **ERRORS})
def agreements_terminate(request: HttpRequest, agreement_id: int, payload: ReasonIn) -> Agreement:
    found = services.agreement_get_for_user(pk=agreement_id, user=person(request))
    return services.agreement_terminate(
        user=person(request), agreement=found, reason=payload.reason
    )


@router.get(
    "/agreements/{agreement_id}/document.pdf",
    response={404: ErrorOut},
    summary="The agreement as a PDF",
    openapi_extra={
        "responses": {
            200: {
                "description": "The agreement's current version as a PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def agreements_pdf(request: HttpRequest, agreement_id: int) -> HttpResponse:
    found = services.agreement_get_for_user(pk=agreement_id, user=person(request))
    content = render_pdf(build_document(found.current(), services.screening(found)))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.reference}.pdf"'
    return response

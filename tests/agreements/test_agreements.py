"""Agreements: drafted from a request, approved and signed by every party, then enforced."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lgrshare import access
from lgrshare.agreements import services
from lgrshare.agreements.models import ContractorAgreement, State
from lgrshare.catalogue.models import Dataset
from lgrshare.councils.models import Area
from lgrshare.domain.errors import InvalidInput, PermissionDenied
from lgrshare.requests import services as requests
from tests.agreements.contractors import record_contractor_agreement
from tests.conftest import GUILDFORD, SURREY, _make
from tests.experts import experts_reviewed

TERMS = {
    "purposes": "To cost the transfer of county contracts in the west Surrey proposal.",
    "data_items": [
        {"standard": "contracts-register", "fields": ["contract_reference", "end_date"]}
    ],
    "legal_power": "Local Government Act 1972 s.111",
    "personal_data": "none",
    "delete_by": date.today() + timedelta(days=200),
}


@pytest.fixture
def cast(db, alice):
    return {
        "alice": alice,
        "surrey_lead": _make("sue", ["data-lead"], SURREY),
        "surrey_dpo": _make("sdpo", ["dpo"], SURREY),
        "surrey_sign": _make("ssign", ["senior-signatory"], SURREY),
        "guildford_lead": _make("gary", ["data-lead"], GUILDFORD),
        "guildford_dpo": _make("gdpo", ["dpo"], GUILDFORD),
        "guildford_sign": _make("gsign", ["senior-signatory"], GUILDFORD),
    }


@pytest.fixture
def draft(cast):
    return services.agreement_create(
        user=cast["guildford_lead"],
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register for west Surrey",
        parties={SURREY: True, GUILDFORD: False},
        terms=dict(TERMS),
    )


def _contracts_request(cast):
    return requests.request_create_from_form(
        user=cast["alice"],
        area=Area.objects.get(county_id=SURREY),
        data={
            "question": "Which county contracts end after vesting day?",
            "not_enough": "x",
            "purpose": "Costing",
            "standard": "contracts-register",
            "holders": [SURREY],
            "fields_wanted": ["end_date"],
            "legal_power": "LGA 1972 s.111",
        },
    )


def _sign_off(agreement, cast):
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=agreement)
    experts_reviewed(agreement)
    for who in ("surrey", "guildford"):
        services.agreement_dpo_review(user=cast[f"{who}_dpo"], agreement=agreement, approve=True)
        services.agreement_sign(user=cast[f"{who}_sign"], agreement=agreement)
    agreement.refresh_from_db()
    return agreement


def _shared(agreement):
    return Dataset.objects.get(agreement=agreement)


def test_every_party_approves_and_signs_then_it_is_active(draft, cast):
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    experts_reviewed(draft)
    services.agreement_dpo_review(user=cast["surrey_dpo"], agreement=draft, approve=True)
    services.agreement_sign(user=cast["surrey_sign"], agreement=draft)
    draft.refresh_from_db()
    assert draft.state == State.IN_REVIEW  # Guildford has not signed yet
    services.agreement_dpo_review(user=cast["guildford_dpo"], agreement=draft, approve=True)
    services.agreement_sign(user=cast["guildford_sign"], agreement=draft)
    draft.refresh_from_db()
    assert draft.state == State.ACTIVE
    assert _shared(draft).publisher_id == SURREY


def test_a_signatory_cannot_sign_before_their_dpo_approves(draft, cast):
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    experts_reviewed(draft)
    with pytest.raises(InvalidInput) as caught:
        services.agreement_sign(user=cast["surrey_sign"], agreement=draft)
    assert caught.value.code == "dpo-approval-needed"


@pytest.mark.parametrize(
    ("who", "code"), [("alice", "role-not-permitted"), ("surrey_sign", "role-not-permitted")]
)
def test_only_a_partys_dpo_approves(draft, cast, who, code):
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    experts_reviewed(draft)
    with pytest.raises(PermissionDenied) as caught:
        services.agreement_dpo_review(user=cast[who], agreement=draft, approve=True)
    assert caught.value.code == code


def test_a_dpo_of_a_council_that_is_not_a_party_is_refused(draft, cast):
    woking_dpo = _make("wdpo", ["dpo"], "E07000217")
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    experts_reviewed(draft)
    with pytest.raises(PermissionDenied) as caught:
        services.agreement_dpo_review(user=woking_dpo, agreement=draft, approve=True)
    assert caught.value.code == "not-a-party"


def test_returning_sends_it_back_to_draft_with_comments(draft, cast):
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    experts_reviewed(draft)
    with pytest.raises(InvalidInput):
        services.agreement_dpo_review(user=cast["surrey_dpo"], agreement=draft, approve=False)
    services.agreement_dpo_review(
        user=cast["surrey_dpo"], agreement=draft, approve=False, comments="Add the retention event"
    )
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_a_change_makes_a_new_version_that_must_be_signed_again(draft, cast):
    active = _sign_off(draft, cast)
    services.agreement_update(
        user=cast["guildford_lead"],
        agreement=active,
        parties={SURREY: True, GUILDFORD: False},
        terms={**TERMS, "purposes": "Also to plan procurement."},
    )
    active.refresh_from_db()
    assert active.state == State.IN_REVIEW
    assert [v.number for v in active.versions.order_by("number")] == [1, 2]
    assert active.versions.get(number=1).purposes == TERMS["purposes"]
    assert not active.current().parties.filter(signed_at__isnull=False).exists()


def test_data_needs_an_active_agreement_a_party_a_role_and_accepted_terms(draft, cast, bob):
    active = _sign_off(draft, cast)
    shared = _shared(active)
    alice = cast["alice"]
    assert access.check(user=alice, action=access.Action.VIEW_DATA, dataset=shared).reason == (
        "terms-not-accepted"
    )
    services.terms_accept(user=alice, agreement=active)
    assert access.check(user=alice, action=access.Action.VIEW_DATA, dataset=shared).allowed
    # Woking is not a party; a Guildford signatory is not a permitted role.
    assert access.check(user=bob, action=access.Action.VIEW_DATA, dataset=shared).reason == (
        "not-a-party"
    )
    signatory = cast["guildford_sign"]
    services.terms_accept(user=signatory, agreement=active)
    assert access.check(user=signatory, action=access.Action.DOWNLOAD, dataset=shared).reason == (
        "role-not-permitted"
    )


def test_suspension_and_expiry_stop_access(draft, cast):
    active = _sign_off(draft, cast)
    shared = _shared(active)
    alice = cast["alice"]
    services.terms_accept(user=alice, agreement=active)
    services.agreement_suspend(user=cast["guildford_dpo"], agreement=active, reason="Breach review")
    assert access.check(user=alice, action=access.Action.VIEW_DATA, dataset=shared).reason == (
        "agreement-suspended"
    )
    active.refresh_from_db()
    active.state = State.ACTIVE
    active.save()
    # Time passes until the delete-by date (the signed terms themselves cannot be changed).
    active.versions.filter(pk=active.current().pk).update(delete_by=timezone.localdate())
    shared = _shared(active)
    assert access.check(user=alice, action=access.Action.VIEW_DATA, dataset=shared).reason == (
        "agreement-expired"
    )
    groups = services.register(area=active.area)
    assert active in groups["expired"]


def test_a_contractor_needs_a_signed_off_contractor_agreement_to_be_named(draft, cast, dave):
    def name_dave():
        services.agreement_update(
            user=cast["guildford_lead"],
            agreement=draft,
            parties={SURREY: True, GUILDFORD: False},
            terms=dict(TERMS),
            contractors=[dave.contractor],
        )

    with pytest.raises(InvalidInput) as caught:
        name_dave()
    assert caught.value.code == "contractor-agreement-missing"
    recorded = record_contractor_agreement(cast["surrey_dpo"], dave.contractor)
    # Recorded, but not signed off by Surrey's DPO: it counts for nothing yet.
    with pytest.raises(InvalidInput) as caught:
        name_dave()
    assert caught.value.code == "contractor-agreement-not-signed-off"
    services.contractor_agreement_sign_off(user=cast["surrey_dpo"], contractor_agreement=recorded)
    name_dave()
    active = _sign_off(draft, cast)
    services.terms_accept(user=dave, agreement=active)
    shared = _shared(active)
    assert access.check(user=dave, action=access.Action.VIEW_DATA, dataset=shared).allowed
    # Only a signed-off contractor agreement counts for access.
    ContractorAgreement.objects.update(signed_off_at=None)
    assert access.check(user=dave, action=access.Action.VIEW_DATA, dataset=shared).reason == (
        "contractor-agreement-missing"
    )
    services.contractor_agreement_sign_off(user=cast["surrey_dpo"], contractor_agreement=recorded)
    ContractorAgreement.objects.update(ends_on=date.today() - timedelta(days=1))
    assert access.check(user=dave, action=access.Action.VIEW_DATA, dataset=shared).reason == (
        "contractor-agreement-expired"
    )


def test_personal_data_needs_a_lawful_basis_and_f_is_refused(cast):
    area = Area.objects.get(county_id=SURREY)
    for basis in ("", "f"):
        with pytest.raises(InvalidInput) as caught:
            services.agreement_create(
                user=cast["guildford_lead"],
                area=area,
                title="Care records",
                parties={SURREY: True, GUILDFORD: False},
                terms={**TERMS, "personal_data": "personal", "lawful_basis": basis},
            )
        assert caught.value.code == "lawful-basis-required"
        assert "not available to a public authority" in caught.value.message


def test_screening_for_matching_vulnerable_adults_requires_a_dpia(cast):
    agreement = services.agreement_create(
        user=cast["guildford_lead"],
        area=Area.objects.get(county_id=SURREY),
        title="Adult social care matching",
        parties={SURREY: True, GUILDFORD: False},
        terms={
            **TERMS,
            "personal_data": "special-category",
            "lawful_basis": "e",
            "article_9_condition": "h",
            "schedule_1_conditions": ["para-2"],
            "children_or_vulnerable": True,
            "data_matching": True,
        },
    )
    screened = services.screening(agreement)
    assert screened.outcome == "required"
    codes = {r.code for r in screened.reasons}
    assert codes & {"data-matching", "matching-or-combining", "ico-data-matching"}


def test_aggregate_finance_data_needs_no_dpia(draft):
    assert services.screening(draft).outcome == "not-required"


def test_drafted_from_a_request_it_carries_the_question(cast):
    request = _contracts_request(cast)
    title, parties, terms = services.terms_from_request(request)
    assert title.startswith(f"{request.reference}: Which county contracts")
    assert parties == {GUILDFORD: False, SURREY: True}
    assert terms.purposes.startswith("Which county contracts end after vesting day?")
    assert [(f.provider, f.recipient) for f in terms.flows] == [(SURREY, GUILDFORD)]


def test_pages_the_pdf_and_the_public_register(signed_in, draft, cast, charlie, client):
    active = _sign_off(draft, cast)
    page = signed_in(cast["alice"]).get(f"/agreements/{active.pk}/")
    assert page.status_code == 200
    assert b"Retention and deletion" in page.content
    pdf = signed_in(cast["alice"]).get(f"/agreements/{active.pk}/document.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert signed_in(charlie).get(f"/agreements/{active.pk}/").status_code == 404
    from django.test import Client

    public = Client().get("/transparency/")
    assert public.status_code == 200
    assert active.title.encode() in public.content
    assert b"Guildford Borough Council" in public.content
    assert cast["surrey_sign"].first_name.encode() not in public.content  # no personal details


def test_api_drafts_from_a_request_and_refuses_outsiders(client, cast, charlie):
    from lgrshare.accounts.services import token_create

    request = _contracts_request(cast)
    requests.request_open(user=cast["alice"], request=request)
    _, lead = token_create(user=cast["guildford_lead"], name="t")
    _, outsider = token_create(user=charlie, name="t")
    created = client.post(
        "/api/v1/agreements",
        {"request_id": request.pk, "delete_by": "2027-06-30"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {lead}",
    )
    assert created.status_code == 201, created.content
    agreement_id = created.json()["id"]
    assert created.json()["state"] == "draft"
    refused = client.get(
        f"/api/v1/agreements/{agreement_id}", HTTP_AUTHORIZATION=f"Bearer {outsider}"
    )
    assert refused.status_code == 404
    pdf = client.get(
        f"/api/v1/agreements/{agreement_id}/document.pdf", HTTP_AUTHORIZATION=f"Bearer {lead}"
    )
    assert pdf.content.startswith(b"%PDF-")


def test_an_unknown_version_is_not_found(signed_in, draft, cast):
    client = signed_in(cast["guildford_lead"])
    assert client.get(f"/agreements/{draft.pk}/versions/9/").status_code == 404
    assert client.get(f"/agreements/{draft.pk}/versions/9/document.pdf").status_code == 404


def test_signing_in_the_page_needs_the_signatorys_declaration(draft, cast, signed_in):
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    experts_reviewed(draft)
    services.agreement_dpo_review(user=cast["surrey_dpo"], agreement=draft, approve=True)
    web = signed_in(cast["surrey_sign"])
    undeclared = web.post(f"/agreements/{draft.pk}/sign", {"version": "1"})
    assert undeclared.status_code == 400
    assert f'href="/agreements/{draft.pk}/">Back to the agreement' in undeclared.content.decode()
    assert draft.current().parties.get(council_id=SURREY).signed_at is None
    declared = web.post(f"/agreements/{draft.pk}/sign", {"version": "1", "confirm": "on"})
    assert declared.status_code == 302
    assert draft.current().parties.get(council_id=SURREY).signed_at is not None

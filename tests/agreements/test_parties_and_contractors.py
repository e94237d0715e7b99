"""Only parties (and contractor staff the agreement names) accept its terms; a drafter's
council is a party; a contractor agreement holds the Article 28 particulars, its signed contract
encrypted in the vault, and its council DPO's sign-off."""

import json

import pytest

from lgrshare.agreements import services
from lgrshare.agreements.models import Agreement, TermsAcceptance
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.domain.errors import PermissionDenied
from lgrshare.vault.services import blob_read_bytes
from lgrshare.vault.storage import default_storage
from tests.agreements.contractors import SIGNED_CONTRACT, record_contractor_agreement
from tests.agreements.test_agreements import TERMS, _sign_off
from tests.conftest import GUILDFORD, SURREY, WOKING, _make


@pytest.fixture
def active(draft, cast):
    return _sign_off(draft, cast)


def _refusals(action, target):
    return list(
        AuditEntry.objects.filter(action=action, target_id=target).values_list("actor", "reason")
    )


def test_a_non_party_cannot_accept_the_terms_and_no_grant_is_recorded(active, bob):
    # Bob works for Woking, which is not a party to this Surrey and Guildford agreement.
    with pytest.raises(PermissionDenied) as caught:
        services.terms_accept(user=bob, agreement=active)
    assert caught.value.code == "not-a-party"
    assert not TermsAcceptance.objects.filter(user=bob).exists()
    assert _refusals("access-refused", active.reference) == [("bob", "not-a-party")]
    assert not AuditEntry.objects.filter(action="terms-accepted").exists()


def test_a_party_accepts_once_and_it_is_audited(active, alice):
    services.terms_accept(user=alice, agreement=active)
    services.terms_accept(user=alice, agreement=active)
    assert TermsAcceptance.objects.filter(user=alice).count() == 1
    accepted = AuditEntry.objects.filter(action="terms-accepted", target_id=active.reference)
    assert [json.loads(e.detail)["first_time"] for e in accepted] == [True, False]


def test_contractor_staff_not_named_on_the_agreement_cannot_accept(active, cast, dave):
    recorded = record_contractor_agreement(cast["surrey_dpo"], dave.contractor)
    services.contractor_agreement_sign_off(user=cast["surrey_dpo"], contractor_agreement=recorded)
    with pytest.raises(PermissionDenied) as caught:
        services.terms_accept(user=dave, agreement=active)
    assert caught.value.code == "contractor-not-named"
    assert not TermsAcceptance.objects.filter(user=dave).exists()


def test_a_dpo_cannot_draft_an_agreement_between_other_councils(cast):
    woking_dpo = _make("wdpo", ["dpo"], WOKING)
    with pytest.raises(PermissionDenied) as caught:
        services.agreement_create(
            user=woking_dpo,
            area=Area.objects.get(county_id=SURREY),
            title="Contracts register",
            parties={SURREY: True, GUILDFORD: False},
            terms=dict(TERMS),
        )
    assert caught.value.code == "drafter-not-a-party"
    assert not Agreement.objects.exists()
    assert _refusals("access-refused", SURREY) == [("wdpo", "drafter-not-a-party")]


def test_a_drafter_cannot_redraft_their_council_out_of_the_parties(draft, cast):
    with pytest.raises(PermissionDenied) as caught:
        services.agreement_update(
            user=cast["guildford_lead"],
            agreement=draft,
            parties={SURREY: True, WOKING: False},
            terms=dict(TERMS),
        )
    assert caught.value.code == "drafter-not-a-party"
    assert set(draft.current().parties.values_list("council_id", flat=True)) == {SURREY, GUILDFORD}


def test_a_contractor_agreement_lists_every_missing_article_28_particular(cast, dave):
    with pytest.raises(services.ContractorAgreementInvalid) as caught:
        record_contractor_agreement(
            cast["surrey_dpo"],
            dave.contractor,
            nature_and_purpose=" ",
            data_subject_categories="",
            processor_obligations=["documented-instructions", "security"],
        )
    codes = [p.code for p in caught.value.problems]
    assert codes == [
        "nature-and-purpose-required",
        "data-subject-categories-required",
        "processor-obligations-missing",
    ]
    assert "Deletes or returns all the data" in caught.value.problems[-1].message


def test_only_the_contractors_own_council_records_and_signs_off_its_agreement(cast, dave):
    # Dave's firm works for Surrey County Council: Guildford's DPO cannot vouch for it.
    with pytest.raises(PermissionDenied) as caught:
        record_contractor_agreement(cast["guildford_dpo"], dave.contractor)
    assert caught.value.code == "not-your-council"
    recorded = record_contractor_agreement(cast["surrey_dpo"], dave.contractor)
    for who, code in (("guildford_dpo", "not-your-council"), ("surrey_lead", "role-not-permitted")):
        with pytest.raises(PermissionDenied) as caught:
            services.contractor_agreement_sign_off(user=cast[who], contractor_agreement=recorded)
        assert caught.value.code == code
    refused = AuditEntry.objects.filter(action="access-refused", target_type="contractor")
    assert [json.loads(e.detail)["policy_action"] for e in refused] == [
        "record-contractor-agreement",
        "sign-off-contractor-agreement",
        "sign-off-contractor-agreement",
    ]
    recorded.refresh_from_db()
    assert not recorded.is_signed_off
    services.contractor_agreement_sign_off(user=cast["surrey_dpo"], contractor_agreement=recorded)
    recorded.refresh_from_db()
    assert recorded.signed_off_by == cast["surrey_dpo"]
    assert list(
        AuditEntry.objects.filter(action__startswith="contractor-agreement-").values_list(
            "action", "target_type", "target_id"
        )
    ) == [
        ("contractor-agreement-recorded", "contractor", str(dave.contractor.pk)),
        ("contractor-agreement-signed-off", "contractor", str(dave.contractor.pk)),
    ]


def test_the_signed_contract_is_stored_encrypted_in_the_vault(cast, dave):
    recorded = record_contractor_agreement(cast["surrey_dpo"], dave.contractor)
    assert recorded.document is not None
    on_disk = default_storage().open(recorded.document.file_id).read()
    assert b"Example Analytics" not in on_disk
    assert blob_read_bytes(blob=recorded.document) == SIGNED_CONTRACT


def test_the_contractors_page_offers_sign_off_only_to_the_councils_dpo(signed_in, cast, dave):
    record_contractor_agreement(cast["surrey_dpo"], dave.contractor)
    page = signed_in(cast["guildford_dpo"]).get(f"/areas/{SURREY}/contractors/").content.decode()
    assert "Waiting for the DPO" in page
    assert "Sign off the contractor agreement" not in page
    assert "Record a contractor agreement" not in page
    page = signed_in(cast["surrey_dpo"]).get(f"/areas/{SURREY}/contractors/").content.decode()
    assert "Sign off the contractor agreement" in page
    assert "Record a contractor agreement" in page
    assert "Deletes or returns all the data" in page


def test_an_area_admin_adds_a_contractor_for_their_own_council_in_the_pages(signed_in, admin):
    client = signed_in(admin)
    assert "Add a contractor" in client.get(f"/areas/{SURREY}/").content.decode()
    response = client.post(
        f"/areas/{SURREY}/contractors/add",
        {"name": "Surrey Modelling Partners LLP", "companies_house_number": "OC123456"},
    )
    assert response.status_code == 302
    added = AuditEntry.objects.get(action="contractor-added")
    assert (added.actor, json.loads(added.detail)["council"]) == ("admin", SURREY)
    page = client.get(f"/areas/{SURREY}/contractors/").content.decode()
    assert "Surrey Modelling Partners LLP, working for Surrey" in page


def test_others_cannot_add_a_contractor(signed_in, alice, dave):
    assert signed_in(alice).get(f"/areas/{SURREY}/contractors/add").status_code == 403
    response = signed_in(dave).post(f"/areas/{SURREY}/contractors/add", {"name": "Dave's Firm"})
    assert response.status_code == 403
    assert b"contractor-not-permitted" in response.content


def test_the_accept_button_needs_the_declaration_and_shows_only_to_those_who_may(
    signed_in, active, alice, bob
):
    address = f"/agreements/{active.pk}/"
    assert "I accept these terms" not in signed_in(bob).get(address).content.decode()
    client = signed_in(alice)
    assert "I accept these terms" in client.get(address).content.decode()
    refused = client.post(f"{address}accept")
    assert refused.status_code == 400
    # The same page again: an error summary linking to the declaration, the error beside it.
    page = refused.content.decode()
    assert "<title>Error: " in page
    assert 'class="govuk-error-summary"' in page
    assert '<a href="#id_declaration">Confirm you have read the terms' in page
    beside = '<span class="govuk-visually-hidden">Error:</span> Confirm you have read the terms'
    assert f'<p class="govuk-error-message">{beside}' in page
    assert 'id="id_declaration"' in page
    assert "I accept these terms" in page
    assert not TermsAcceptance.objects.filter(user=alice).exists()
    client.post(f"{address}accept", {"declaration": "on"})
    assert TermsAcceptance.objects.filter(user=alice).exists()


def _contract_form(contractor, document):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lgrshare.domain.contractors import article_28_obligations
    from tests.agreements.contractors import PARTICULARS

    name, content = document
    return {
        **PARTICULARS,
        "contractor": str(contractor.pk),
        "obligations": [o.code for o in article_28_obligations()],
        **{"starts_on_day": "1", "starts_on_month": "4", "starts_on_year": "2026"},
        **{"ends_on_day": "31", "ends_on_month": "3", "ends_on_year": "2027"},
        "document": SimpleUploadedFile(name, content),
    }


def test_the_dpo_records_a_contractor_agreement_in_the_page_with_its_signed_contract(
    signed_in, cast, dave
):
    from lgrshare.agreements.models import ContractorAgreement
    from lgrshare.vault.models import Blob

    client = signed_in(cast["surrey_dpo"])
    hostile = client.post(
        f"/areas/{SURREY}/contractors/",
        _contract_form(dave.contractor, ("contract.pdf", b"name,nhs_number\nJo,9434765919\n")),
    )
    assert hostile.status_code == 200
    assert "There is a problem" in hostile.content.decode()
    assert not ContractorAgreement.objects.exists()
    assert not Blob.objects.exists()
    response = client.post(
        f"/areas/{SURREY}/contractors/",
        _contract_form(dave.contractor, ("contract.pdf", SIGNED_CONTRACT)),
    )
    assert response.status_code == 302
    recorded = ContractorAgreement.objects.get()
    assert recorded.document_name == "contract.pdf"
    assert not recorded.is_signed_off
    download = client.get(f"/contractor-agreements/{recorded.pk}/document")
    assert download.content == SIGNED_CONTRACT
    assert (
        signed_in(cast["guildford_dpo"])
        .get(f"/contractor-agreements/{recorded.pk}/document")
        .status_code
        == 403
    )
    signed = signed_in(cast["surrey_dpo"]).post(f"/contractor-agreements/{recorded.pk}/sign-off")
    assert signed.status_code == 302
    recorded.refresh_from_db()
    assert recorded.is_signed_off

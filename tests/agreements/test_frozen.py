"""A version is frozen at its first signature: its page and PDF never change, and any change
to what it says makes a new version to be reviewed and signed again."""

from datetime import date, timedelta

import pytest

from lgrshare.agreements import services
from lgrshare.agreements.build import build_document
from lgrshare.agreements.models import (
    AgreementVersion,
    ContractorAgreement,
    Party,
    State,
    VersionFrozen,
)
from lgrshare.agreements.pdf import render_pdf
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area, Contractor
from lgrshare.domain.errors import InvalidInput
from tests.agreements.contractors import record_contractor_agreement
from tests.conftest import GUILDFORD, SURREY, _make
from tests.experts import experts_reviewed

TERMS = {
    "purposes": "To cost the transfer of county contracts in the west Surrey proposal.",
    "data_items": [{"standard": "contracts-register", "fields": ["contract_reference"]}],
    "legal_power": "Local Government Act 1972 s.111",
    "personal_data": "none",
    "delete_by": date.today() + timedelta(days=200),
}
PARTIES = {SURREY: True, GUILDFORD: False}


@pytest.fixture
def cast(db, alice):
    contractor = Contractor.objects.create(name="Example Analytics Ltd", works_for_id=SURREY)
    surrey_dpo = _make("sdpo", ["dpo"], SURREY)
    recorded = record_contractor_agreement(
        surrey_dpo,
        contractor,
        scope="Financial modelling of the reorganisation proposals",
        starts_on=date.today() - timedelta(days=30),
        ends_on=date.today() + timedelta(days=300),
    )
    services.contractor_agreement_sign_off(user=surrey_dpo, contractor_agreement=recorded)
    return {
        "alice": alice,
        "contractor": contractor,
        "guildford_lead": _make("gary", ["data-lead"], GUILDFORD),
        "surrey_dpo": surrey_dpo,
        "surrey_sign": _make("ssign", ["senior-signatory"], SURREY),
        "guildford_dpo": _make("gdpo", ["dpo"], GUILDFORD),
        "guildford_sign": _make("gsign", ["senior-signatory"], GUILDFORD),
    }


@pytest.fixture
def draft(cast):
    return services.agreement_create(
        user=cast["guildford_lead"],
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register for west Surrey",
        parties=PARTIES,
        terms=dict(TERMS),
        named=[cast["alice"]],
        contractors=[cast["contractor"]],
    )


def _sign_off(agreement, cast):
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=agreement)
    experts_reviewed(agreement)
    for who in ("surrey", "guildford"):
        services.agreement_dpo_review(user=cast[f"{who}_dpo"], agreement=agreement, approve=True)
        services.agreement_sign(user=cast[f"{who}_sign"], agreement=agreement)
    agreement.refresh_from_db()
    return agreement


def _pdf(agreement, number):
    version = services.version_get(agreement=agreement, number=number)
    return render_pdf(build_document(version, services.screening(agreement, version)))


def _document_html(client, agreement):
    """The parts of version 1's page that show the document: parties and sign-off, the text."""
    page = client.get(f"/agreements/{agreement.pk}/versions/1/").content.decode()
    parties = page[page.index('<table class="govuk-table" data-testid="parties">') :]
    parties = parties[: parties.index("</table>")]
    text = page[page.index("The agreement</h2>") :]
    return parties + text[: text.index("Versions</h2>")]


def _text(agreement, number):
    version = services.version_get(agreement=agreement, number=number)
    document = build_document(version, services.screening(agreement, version))
    return "\n".join(line for section in document.sections for line in section.paragraphs)


def test_a_signed_versions_pdf_and_page_do_not_change_when_related_records_do(draft, cast, client):
    active = _sign_off(draft, cast)
    before = _pdf(active, 1)
    client.force_login(cast["guildford_lead"])
    page_before = _document_html(client, active)
    assert "Alice Test" in page_before

    alice = cast["alice"]
    alice.first_name, alice.last_name = "Alicia", "Renamed"
    alice.save()
    signatory = cast["surrey_sign"]
    signatory.first_name = "Changed"
    signatory.save()
    record_contractor_agreement(
        cast["surrey_dpo"],
        cast["contractor"],
        scope="Financial modelling, extended to the implementation plan",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=700),
    )
    services.dpia_record(
        user=cast["surrey_dpo"], agreement=active, status="in-progress", outcome="Reopened"
    )

    assert _pdf(active, 1) == before
    assert _document_html(client, active) == page_before
    # The new version, to be signed again, says what is true now.
    assert "Alicia Renamed" in _text(active, 2)
    assert f"{date.today() + timedelta(days=700):%d %B %Y}" in _text(active, 2)


def test_a_new_contractor_agreement_makes_a_new_version_to_review_and_sign_again(draft, cast):
    active = _sign_off(draft, cast)
    record_contractor_agreement(
        cast["surrey_dpo"],
        cast["contractor"],
        scope="Financial modelling, extended",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=700),
    )
    active.refresh_from_db()
    assert active.state == State.IN_REVIEW
    assert active.current().number == 2
    assert not active.current().parties.filter(signed_at__isnull=False).exists()
    assert active.versions.get(number=1).parties.filter(signed_at__isnull=False).count() == 2
    assert AuditEntry.objects.filter(
        action="agreement-revised", target_id=active.reference
    ).exists()


def test_a_contractor_agreement_leaves_a_draft_nobody_signed_as_it_is(draft, cast):
    record_contractor_agreement(
        cast["surrey_dpo"],
        cast["contractor"],
        scope="Extended",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=700),
    )
    assert draft.versions.count() == 1
    assert ContractorAgreement.objects.filter(contractor=cast["contractor"]).count() == 2


def test_a_signed_version_cannot_be_changed_or_deleted_in_place(draft, cast):
    _sign_off(draft, cast)
    version = AgreementVersion.objects.get(agreement=draft, number=1)
    assert version.frozen_at is not None
    version.purposes = "Anything at all"
    with pytest.raises(VersionFrozen):
        version.save()
    with pytest.raises(VersionFrozen):
        version.delete()
    assert AgreementVersion.objects.get(pk=version.pk).purposes == TERMS["purposes"]


def test_editing_a_draft_returned_after_one_signature_makes_a_new_version(draft, cast):
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    experts_reviewed(draft)
    services.agreement_dpo_review(user=cast["surrey_dpo"], agreement=draft, approve=True)
    services.agreement_sign(user=cast["surrey_sign"], agreement=draft)
    services.agreement_dpo_review(
        user=cast["guildford_dpo"], agreement=draft, approve=False, comments="Add a field"
    )
    services.agreement_update(
        user=cast["guildford_lead"],
        agreement=draft,
        parties=PARTIES,
        terms=TERMS | {"purposes": "Something else entirely"},
    )
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    first = draft.versions.get(number=1)
    assert first.purposes == TERMS["purposes"]
    assert first.parties.get(council_id=SURREY).signed_by == cast["surrey_sign"]
    assert draft.current().number == 2


def test_signing_a_version_other_than_the_one_read_is_refused(draft, cast):
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    experts_reviewed(draft)
    services.agreement_dpo_review(user=cast["surrey_dpo"], agreement=draft, approve=True)
    # The terms change after the signatory opened version 1.
    services.agreement_update(
        user=cast["guildford_lead"], agreement=draft, parties=PARTIES, terms=dict(TERMS)
    )
    draft.current().parties.update(dpo_decision=Party.Decision.APPROVED)
    with pytest.raises(InvalidInput) as caught:
        services.agreement_sign(user=cast["surrey_sign"], agreement=draft, version=1)
    assert caught.value.code == "version-changed"
    assert not Party.objects.filter(version__agreement=draft, signed_at__isnull=False).exists()


def test_a_new_document_names_fields_by_title_and_roles_in_words(cast):
    terms = dict(TERMS) | {
        "data_items": [
            {"standard": "council-tax-base", "fields": ["gss_code", "council_tax_requirement_gbp"]}
        ],
    }
    agreement = services.agreement_create(
        user=cast["guildford_lead"],
        area=Area.objects.get(county_id=SURREY),
        title="Council tax base for west Surrey",
        parties=PARTIES,
        terms=terms,
    )
    text = _text(agreement, 1)
    assert (
        "From the 'Council tax and tax base' standard (version 1.0.0): Council GSS code, "
        "Council tax requirement (£)." in text
    )
    assert (
        "Surrey County Council gives Guildford Borough Council these fields of 'Council tax "
        "and tax base': Council GSS code, Council tax requirement (£)." in text
    )
    assert "gss_code" not in text
    assert "council_tax_requirement_gbp" not in text
    assert "See the data: staff of the parties who are one of: Analyst, Data lead or " in text
    assert "data-lead" not in text


def test_a_version_signed_with_earlier_wording_keeps_it(draft, cast, client):
    active = _sign_off(draft, cast)
    version = active.current()
    held = version.document
    # As signed before field titles: the stored text is what the page and PDF show.
    lines = held["sections"][1][1]
    held["sections"][1][1] = [
        line.replace("Contract reference", "contract_reference") for line in lines
    ]
    AgreementVersion.objects.filter(pk=version.pk).update(document=held)
    client.force_login(cast["guildford_lead"])
    page = _document_html(client, active)
    assert "(version 1.0.0): contract_reference." in page
    assert "Contract reference" not in _text(active, 1)

"""The Surrey demo: real councils, every role covered, passwords generated not hard-coded."""

import csv
import io

import pytest

from lgrshare.councils.models import Area, Role, User
from lgrshare.demo import DEMO_PEOPLE, demo_load
from lgrshare.standards.models import AreaStandard
from lgrshare.standards.services import standard_get
from tests.conftest import GUILDFORD, SURREY, WOKING


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.HOME = tmp_path
    return demo_load()


def test_demo_people_cover_every_role_across_surrey_guildford_woking_and_a_contractor(demo):
    people = User.objects.filter(username__in=[p.username for p in DEMO_PEOPLE])
    roles = {grant.role for person in people for grant in person.role_grants.all()}
    assert roles == {role.value for role in Role}
    councils = {p.council_id for p in people}
    assert {SURREY, GUILDFORD, WOKING} <= councils
    assert people.filter(contractor__isnull=False).exists()


def test_demo_people_in_surrey_see_surrey_and_its_twelve_councils(demo):
    analyst = User.objects.get(username="guildford.analyst")
    area = Area.objects.visible_to(analyst).get()
    assert area.county_id == SURREY
    assert area.councils().count() == 12


def test_demo_passwords_are_generated_per_installation(db, settings, tmp_path):
    settings.HOME = tmp_path / "one"
    settings.HOME.mkdir()
    first = {s.username: s.password for s in demo_load()}
    User.objects.filter(username__in=first).delete()
    settings.HOME = tmp_path / "two"
    settings.HOME.mkdir()
    second = {s.username: s.password for s in demo_load()}
    assert first.keys() == second.keys()
    assert all(first[name] != second[name] for name in first)


def test_demo_people_can_act_and_the_contractor_works_under_a_signed_off_article_28_agreement(
    demo,
):
    from lgrshare.agreements import services as agreements
    from lgrshare.agreements.models import Agreement, ContractorAgreement

    for person in User.objects.filter(username__in=[p.username for p in DEMO_PEOPLE]):
        assert person.is_active
        assert person.role_codes == {g.role for g in person.role_grants.all()}
    contract = ContractorAgreement.objects.get(contractor__name="Example Analytics Ltd")
    assert contract.is_signed_off
    assert contract.signed_off_by.username == "surrey.dpo"
    assert contract.document is not None
    assert contract.personal_data_types
    assert len(contract.processor_obligations) == 8
    invited = User.objects.get(username="woking.planner")
    assert invited.is_pending
    assert not invited.is_active
    register = Agreement.objects.get(title="Contracts register for the west Surrey proposal")
    analyst = User.objects.get(username="contractor.analyst")
    assert agreements.can_accept_terms(user=analyst, agreement=register)


def test_demo_has_an_active_agreement_with_a_completed_dpia(demo):
    from lgrshare.agreements import services
    from lgrshare.agreements.models import Agreement, State
    from lgrshare.demo import DPIA_TITLE, WAITING_TITLE

    agreement = Agreement.objects.get(title=DPIA_TITLE)
    assert services.screening(agreement).outcome == "required"
    assert agreement.dpia.status == "complete"
    assert agreement.dpia.outcome
    assert agreement.state == State.ACTIVE
    # Every agreement is active but the one left in review for "Your tasks".
    waiting = Agreement.objects.get(title=WAITING_TITLE)
    assert waiting.state == State.IN_REVIEW
    assert all(a.state == State.ACTIVE for a in Agreement.objects.exclude(pk=waiting.pk))


def test_the_demo_has_an_area_standard_drafted_from_real_figures(demo):
    draft = AreaStandard.objects.get(name="surrey-band-d-by-district")
    standard = standard_get(name=draft.name)
    assert draft.state == "draft"
    assert [field.name for field in standard.fields] == [
        "gss_code", "council", "financial_year", "band_d", "tax_base",
    ]  # fmt: skip
    assert standard.get_field("band_d").type == "number"
    assert standard.get_field("gss_code").example.startswith("E07")


def test_woking_s_demo_collection_rate_is_stored_as_published_not_as_a_float_artefact(demo):
    # Table 9 holds 0.98399999999999999 (a float saved from Excel); Woking published 98.4%.
    from lgrshare.submissions.models import Submission
    from lgrshare.vault.services import blob_read_bytes

    stored = Submission.objects.get(dataset__publisher_id=WOKING, period="2023-24")
    rows = list(csv.DictReader(io.StringIO(blob_read_bytes(blob=stored.blob).decode())))
    assert rows[0]["collection_rate"] == "0.984"


def test_demo_has_an_agreement_whose_data_was_deleted_with_one_attestation_in_and_one_awaited(
    demo,
):
    from lgrshare.agreements.models import Agreement
    from lgrshare.agreements.status import status_of
    from lgrshare.demo import RETENTION_TITLE
    from lgrshare.retention.models import DeletionCertificate
    from lgrshare.retention.verify import retention_verify
    from lgrshare.submissions.models import Submission
    from tests.retention.conftest import anchor_head

    agreement = Agreement.objects.get(title=RETENTION_TITLE)
    certificate = DeletionCertificate.objects.get(agreement=agreement)
    assert certificate.rule == "event-period"
    assert certificate.body["destroyed"][0]["ciphertext_sha256"]
    assert Submission.objects.get(dataset=certificate.dataset).state == "deleted"
    attested = {a.council_id: a.confirmed for a in agreement.attestations.all()}
    assert attested == {SURREY: True, WOKING: False}
    assert status_of(agreement) == "expired"
    anchor_head()
    assert retention_verify().findings == []
    # Loading the demo again changes nothing.
    demo_load()
    assert DeletionCertificate.objects.filter(agreement=agreement).count() == 1


def test_demo_has_surreys_three_unitary_options_appraised_on_real_figures(demo):
    from lgrshare.evidence.models import OptionSet
    from lgrshare.evidence.services import options_compare

    area = Area.objects.get(county_id=SURREY)
    sets = {s.name: s for s in OptionSet.objects.in_area(area)}
    assert set(sets) == {
        "One unitary",
        "Two unitaries (East and West)",
        "Three unitaries (East, North and West)",
    }
    analyst = User.objects.get(username="surrey.analyst")
    compared = options_compare(user=analyst, area=area, pks=[s.pk for s in sets.values()])
    one = next(c for c in compared if c.option_set.name == "One unitary")
    assert one.appraisal.councils[0].value("population") == 1_248_649
    three = next(c for c in compared if c.option_set.name.startswith("Three"))
    assert [c.name for c in three.appraisal.councils] == [
        "East Surrey",
        "North Surrey",
        "West Surrey",
    ]


def test_the_contracts_register_agreement_says_the_same_about_personal_data_everywhere(demo):
    """Supplier names can name sole traders: the request, the agreement, its document and the
    contractor agreement all say personal data is shared, and the agreement is active."""
    from lgrshare.agreements import services
    from lgrshare.agreements.build import build_document
    from lgrshare.agreements.models import Agreement, ContractorAgreement, State

    register = Agreement.objects.get(title="Contracts register for the west Surrey proposal")
    assert register.state == State.ACTIVE
    version = register.current()
    assert register.request.personal_data
    assert version.personal_data == "personal"
    assert version.lawful_basis == "e"
    document = build_document(version, services.screening(register, version))
    text = "\n".join(line for section in document.sections for line in section.paragraphs)
    assert "Personal data: Personal data." in text
    assert "No personal data" not in text
    contract = ContractorAgreement.objects.get(contractor__name="Example Analytics Ltd")
    assert "individuals" in contract.personal_data_types
    assert "none" not in contract.personal_data_types.lower()


def test_demo_compiles_guildford_and_wokings_council_tax_into_one_table(demo, signed_in):
    from lgrshare.agreements.models import Agreement
    from lgrshare.agreements.services import terms_accept
    from lgrshare.audit.models import AuditEntry

    agreement = Agreement.objects.get(title="Council tax base 2023-24 for harmonisation modelling")
    analyst = User.objects.get(username="surrey.analyst")
    refused = signed_in(analyst).get(f"/agreements/{agreement.pk}/compile/council-tax-base/")
    assert refused.status_code == 403  # the terms first: a task waiting for the analyst
    terms_accept(user=analyst, agreement=agreement)
    page = signed_in(analyst).get(f"/agreements/{agreement.pk}/compile/council-tax-base/")
    assert page.status_code == 200
    assert AuditEntry.objects.filter(action="dataset-compiled", actor="surrey.analyst").exists()
    frame = page.context["compiled"].frame
    band_d = dict(zip(frame["source_council"], frame["band_d_area_total_gbp"], strict=True))
    assert band_d[GUILDFORD] == "2214.77"  # DLUHC Table 9, 2023-24
    assert set(band_d) == {GUILDFORD, WOKING}
    assert page.context["compiled"].coverage.missing == []
    assert b"Guildford Borough Council" in page.content


def test_the_demo_shows_the_experts_advice_on_the_contracts_register(demo, signed_in):
    """DSA-00001 carries Guildford's legal review (its DPO asked for one) and both councils' IT
    security reviews; the demo's people include Guildford's legal adviser."""
    from lgrshare.agreements.models import Agreement, ExpertReview

    register = Agreement.objects.get(title="Contracts register for the west Surrey proposal")
    reviews = ExpertReview.objects.filter(party__version=register.current())
    kinds = sorted((r.party.council_id, r.kind, r.outcome) for r in reviews)
    assert ("E07000209", "legal", "reviewed") in kinds
    assert ("E07000209", "it-security", "reviewed") in kinds
    assert ("E10000030", "it-security", "reviewed") in kinds
    legal = User.objects.get(username="guildford.legal")
    assert legal.role_codes == {"legal-adviser"}
    page = signed_in(legal).get(f"/agreements/{register.pk}/").content.decode()
    assert "Who has advised" in page
    assert "Owen Price" in page


def test_once_the_data_is_deleted_the_closed_agreement_offers_and_takes_no_more_changes(
    demo, signed_in
):
    """The walk found a recipient's DPO rewriting the event date of a closed agreement (the page
    then disagreed with the certificate) and recording a DPIA decision on it."""
    from datetime import date

    from lgrshare.agreements import services as agreements
    from lgrshare.agreements.models import Agreement
    from lgrshare.demo import RETENTION_TITLE
    from lgrshare.domain.errors import InvalidInput
    from lgrshare.retention import services as retention

    agreement = Agreement.objects.get(title=RETENTION_TITLE)
    event_on = agreement.retention_event_on
    dpo = User.objects.get(username="woking.dpo")
    with pytest.raises(InvalidInput) as fixed:
        retention.retention_event_record(
            user=dpo, agreement=agreement, occurred_on=date(2026, 12, 1)
        )
    assert fixed.value.code == "retention-event-fixed"
    agreement.refresh_from_db()
    assert agreement.retention_event_on == event_on
    with pytest.raises(InvalidInput) as ended:
        agreements.dpia_record(
            user=dpo, agreement=agreement, status="complete", outcome="Late change"
        )
    assert ended.value.code == "agreement-ended"
    client = signed_in(dpo)
    assert (
        "Record the event</button>"
        not in client.get(f"/agreements/{agreement.pk}/retention").content.decode()
    )
    assert (
        "Record the DPIA decision"
        not in client.get(f"/agreements/{agreement.pk}/").content.decode()
    )


def test_the_council_still_to_attest_sees_it_in_its_tasks(demo, signed_in):
    """The walk found Woking's DPO never told, in tasks, that its confirmation was awaited."""
    from lgrshare.demo import RETENTION_TITLE

    page = signed_in(User.objects.get(username="woking.dpo")).get("/tasks/").content.decode()
    assert "confirm your council&#x27;s copies are gone" in page
    assert RETENTION_TITLE in page
    surrey = signed_in(User.objects.get(username="surrey.dpo")).get("/tasks/").content.decode()
    assert "copies are gone" not in surrey  # Surrey has attested

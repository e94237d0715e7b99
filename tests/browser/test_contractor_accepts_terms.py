"""A contractor's analyst named on an agreement accepts its terms in the page, then sees the
data; on an agreement that does not name the contractor there is nothing to accept or see."""

import io
from datetime import date, timedelta

import pytest

from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import GUILDFORD, PASSWORD, SURREY
from tests.experts import experts_reviewed

pytestmark = pytest.mark.browser


def _agreement(lead, cast, contractors):
    from lgrshare.agreements import services
    from lgrshare.councils.models import Area

    agreement = services.agreement_create(
        user=lead,
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register" + (" (with the modellers)" if contractors else ""),
        parties={SURREY: True, GUILDFORD: False},
        terms={
            "purposes": "To cost the transfer of county contracts.",
            "legal_power": "LGA 1972 s.111",
            "data_items": [{"standard": "contracts-register", "fields": []}],
            "personal_data": "none",
            "delete_by": date.today() + timedelta(days=180),
        },
        contractors=contractors,
    )
    services.agreement_send_for_review(user=lead, agreement=agreement)
    experts_reviewed(agreement)
    for council in ("surrey", "guildford"):
        services.agreement_dpo_review(
            user=cast[f"{council}.dpo"], agreement=agreement, approve=True
        )
        services.agreement_sign(user=cast[f"{council}.signatory"], agreement=agreement)
    agreement.refresh_from_db()
    return agreement


def _share_contracts(agreement, cast):
    from lgrshare.submissions import services as submissions
    from tests.submissions.test_submissions import contracts_csv

    dataset = submissions.dataset_for(
        agreement=agreement, standard="contracts-register", council=SURREY
    )
    content = contracts_csv()
    submission = submissions.submission_create(
        user=cast["surrey.analyst"],
        dataset=dataset,
        source=io.BytesIO(content),
        file_name="contracts.csv",
        size=len(content),
        period="2026-27",
    )
    submissions.submission_accept(user=cast["surrey.lead"], submission=submission)
    return dataset


def test_a_named_contractor_accepts_the_terms_and_then_sees_the_data(page):
    from lgrshare.councils.models import Contractor
    from lgrshare.councils.services import user_create
    from tests.agreements.contractors import record_contractor_agreement

    cast = {
        "surrey.lead": make_user("surrey.lead", SURREY, ["data-lead"]),
        "surrey.analyst": make_user("surrey.analyst", SURREY, ["analyst"]),
        "guildford.lead": make_user("guildford.lead", GUILDFORD, ["data-lead"]),
    }
    for council, gss in (("surrey", SURREY), ("guildford", GUILDFORD)):
        cast[f"{council}.dpo"] = make_user(f"{council}.dpo", gss, ["dpo"])
        cast[f"{council}.signatory"] = make_user(f"{council}.signatory", gss, ["senior-signatory"])
    firm = Contractor.objects.create(name="Example Analytics Ltd", works_for_id=SURREY)
    user_create(
        username="lee.turner",
        first_name="Lee",
        last_name="Turner",
        roles=["analyst"],
        contractor=firm,
        password=PASSWORD,
    )
    from lgrshare.agreements import services

    contract = record_contractor_agreement(cast["surrey.dpo"], firm)
    services.contractor_agreement_sign_off(user=cast["surrey.dpo"], contractor_agreement=contract)
    named = _agreement(cast["guildford.lead"], cast, [firm])
    not_named = _agreement(cast["guildford.lead"], cast, [])
    shared = _share_contracts(named, cast)
    unshared = _share_contracts(not_named, cast)

    sign_in(page, "lee.turner")
    page.goto(f"/catalogue/{shared.slug}/")
    assert page.get_by_test_id("data-table").count() == 0

    page.goto(f"/agreements/{named.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="I accept these terms").click()
    page.get_by_text("Confirm you have read the terms and will keep to them").first.wait_for()
    page.goto(f"/agreements/{named.pk}/")
    page.get_by_label("I have read the terms of this version").check()
    page.get_by_role("button", name="I accept these terms").click()
    page.get_by_text("You have accepted the terms.").wait_for()
    assert page.get_by_role("button", name="I accept these terms").count() == 0

    page.goto(f"/catalogue/{shared.slug}/")
    table = page.get_by_test_id("data-table")
    table.wait_for()
    assert table.locator("tbody tr").count() == 1
    assert_accessible(page)

    # Nothing else: an agreement not naming the firm is not found, nothing to accept or read.
    page.goto(f"/agreements/{not_named.pk}/")
    assert page.get_by_role("heading", name="Page not found").count() == 1
    assert page.get_by_role("button", name="I accept these terms").count() == 0
    page.goto(f"/catalogue/{unshared.slug}/")
    assert page.get_by_test_id("data-table").count() == 0


def test_an_area_admin_adds_a_contractor_and_the_dpo_records_its_agreement(page, tmp_path):
    from lgrshare.agreements.models import ContractorAgreement
    from tests.agreements.contractors import PARTICULARS, SIGNED_CONTRACT

    make_user("surrey.admin", SURREY, ["area-admin"])
    make_user("surrey.dpo", SURREY, ["dpo"])
    sign_in(page, "surrey.admin")
    page.goto(f"/areas/{SURREY}/")
    page.get_by_role("button", name="Add a contractor").click()
    assert_accessible(page)
    page.get_by_label("Organisation name").fill("Example Analytics Ltd")
    page.get_by_label("Companies House number").fill("01234567")
    page.get_by_role("button", name="Add the contractor").click()
    page.get_by_text("Example Analytics Ltd is added, working for Surrey.").wait_for()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "surrey.dpo")
    page.goto(f"/areas/{SURREY}/contractors/")
    page.get_by_label("Subject matter").fill(PARTICULARS["scope"])
    page.get_by_label("Nature and purpose of the processing").fill(
        PARTICULARS["nature_and_purpose"]
    )
    page.get_by_label("Types of personal data").fill(PARTICULARS["personal_data_types"])
    page.get_by_label("Categories of data subjects").fill(PARTICULARS["data_subject_categories"])
    for box in page.locator("input[name=obligations]").all():
        box.check()
    for name, (day, month, year) in {"starts_on": (1, 4, 2026), "ends_on": (31, 3, 2027)}.items():
        page.locator(f"input[name={name}_day]").fill(str(day))
        page.locator(f"input[name={name}_month]").fill(str(month))
        page.locator(f"input[name={name}_year]").fill(str(year))
    contract = tmp_path / "contract.pdf"
    contract.write_bytes(SIGNED_CONTRACT)
    page.get_by_label("The signed contract").set_input_files(str(contract))
    page.get_by_role("button", name="Record").click()
    page.get_by_text("It gives no access until Surrey's DPO signs it off.").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Sign off the contractor agreement").click()
    page.get_by_test_id("contractor-agreement-state").filter(has_text="Signed off").wait_for()
    assert ContractorAgreement.objects.get().is_signed_off

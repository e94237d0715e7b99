"""Issue 15 in the browser: Surrey drafts a standard of its own from an example file and
confirms its fields, an agreement naming that version is drafted, approved and signed in its
pages, and Guildford submits a file against it and reads the report."""

from datetime import date, timedelta

import pytest

from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import GUILDFORD, SURREY, WOKING
from tests.standards.test_area_standards import NAME, _example

pytestmark = pytest.mark.browser


def test_an_area_standard_drafted_agreed_and_used_for_a_submission(page, tmp_path):
    from lgrshare.agreements.models import Agreement

    make_user("surrey.lead", SURREY, ["data-lead"])
    make_user("guildford.lead", GUILDFORD, ["data-lead"])
    for council, gss in (("surrey", SURREY), ("guildford", GUILDFORD)):
        make_user(f"{council}.dpo", gss, ["dpo"])
        make_user(f"{council}.signatory", gss, ["senior-signatory"])
    example = tmp_path / "band-d-example.csv"
    example.write_bytes(_example((GUILDFORD, WOKING)))

    sign_in(page, "surrey.lead")
    page.goto("/standards/")
    page.get_by_role("link", name="Draft a standard for Surrey").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Band D by district")
    page.get_by_label("Short name").fill(NAME)
    page.get_by_label("A filled-in example file").check()
    page.locator("input[name=file]").set_input_files(str(example))
    page.get_by_role("button", name="Save the draft").click()
    # Each proposed field, to confirm or change: the council's name need not be given.
    page.get_by_role("heading", name="Check each field").wait_for()
    assert page.locator("#field-3-name").input_value() == "band_d"
    assert_accessible(page)
    page.locator("#field-1-required").uncheck()
    page.locator("#field-1-title").fill("Council name")
    page.locator("#field-2-pattern").fill("(20")
    page.get_by_role("button", name="Save the fields").click()
    problems = page.get_by_test_id("field-problems").inner_text()
    assert "Field 3: pattern '(20' cannot be used" in problems
    page.locator("#field-2-pattern").fill("")
    page.get_by_role("button", name="Save the fields").click()
    page.get_by_role("heading", name="Band D by district").wait_for()
    assert "0.2.0 (in use)" in page.get_by_test_id("versions").inner_text()
    assert_accessible(page)

    # The agreement names the standard at the version checked, through its form.
    page.goto(f"/areas/{SURREY}/agreements/new")
    page.get_by_label("Title", exact=True).fill("Band D by district for harmonisation")
    parties = page.get_by_role("group", name="Parties", exact=True)
    parties.get_by_label("Surrey County Council").check()
    parties.get_by_label("Guildford Borough Council").check()
    page.get_by_role("group", name="Which parties provide the data?").get_by_label(
        "Guildford Borough Council"
    ).check()
    page.get_by_label("Purposes", exact=True).fill(
        "Modelling how Band D converges in each unitary option."
    )
    page.locator("#id_standard").select_option(NAME)
    page.locator("#id_standard_version").select_option(f"{NAME}@0.2.0")
    page.get_by_label("Legal power or duty relied on", exact=True).fill(
        "Local Government Finance Act 1992"
    )
    ends = date.today() + timedelta(days=180)
    page.locator("input[name=delete_by_day]").fill(str(ends.day))
    page.locator("input[name=delete_by_month]").fill(str(ends.month))
    page.locator("input[name=delete_by_year]").fill(str(ends.year))
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Send for review by the DPOs").click()
    page.get_by_test_id("state").wait_for()
    agreement = Agreement.objects.get()
    fields = ["gss_code", "council", "financial_year", "band_d", "tax_base"]
    assert agreement.current().data_items == [
        {"standard": NAME, "version": "0.2.0", "fields": fields}
    ]
    address = f"/agreements/{agreement.pk}/"
    page.get_by_role("button", name="Sign out").click()

    for council in ("surrey", "guildford"):
        sign_in(page, f"{council}.dpo")
        page.goto(address)
        page.get_by_label("Approve this version").check()
        page.get_by_role("button", name="Send decision").click()
        page.get_by_text("Approved.").wait_for()
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, f"{council}.signatory")
        page.goto(address)
        page.get_by_label("I have authority to sign for").check()
        page.get_by_role("button", name="Sign the agreement").click()
        page.get_by_text("Signed.").wait_for()
        page.get_by_role("button", name="Sign out").click()

    upload = tmp_path / "guildford-band-d.csv"
    names = "gss_code,council,financial_year,band_d,tax_base"  # as version 0.2.0 names them
    body = _example((GUILDFORD,)).decode().split("\n", 1)[1]
    upload.write_text(f'{names}\n{body}E07000209,Guildford,2024-25,"£2,2l4.77",59212.1\n')
    sign_in(page, "guildford.lead")
    page.goto(f"/standards/{NAME}/")
    assert f"Agreed under {agreement.reference}" in page.get_by_test_id("versions").inner_text()
    page.goto(f"/agreements/{agreement.pk}/submit")
    page.get_by_label("Period the data covers").fill("2023-24")
    page.get_by_label("The file", exact=True).set_input_files(str(upload))
    page.get_by_role("button", name="Check and submit").click()
    kinds = page.get_by_test_id("error-kinds").inner_text()
    assert "A cell is not of the field's type" in kinds
    found = page.get_by_test_id("findings").inner_text()
    assert "Row 3, band_d: '£2,2l4.77' is not a number." in found
    assert_accessible(page)

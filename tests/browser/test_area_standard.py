"""Issue 15 in the browser: Surrey drafts a standard of its own from an example file, an
agreement naming it is signed, and Guildford submits a file against it and reads the report."""

from datetime import date, timedelta

import pytest

from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import GUILDFORD, SURREY, WOKING
from tests.standards.test_area_standards import NAME, _example

pytestmark = pytest.mark.browser


def test_an_area_standard_drafted_agreed_and_used_for_a_submission(page, tmp_path):
    from lgrshare.agreements import services
    from lgrshare.councils.models import Area, User

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
    page.get_by_role("heading", name="Band D by district").wait_for()
    assert "Draft: check each field below" in page.get_by_test_id("versions").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    lead = User.objects.get(username="surrey.lead")
    agreement = services.agreement_create(
        user=lead,
        area=Area.objects.get(county_id=SURREY),
        title="Band D by district for harmonisation",
        parties={SURREY: False, GUILDFORD: True},
        terms={
            "purposes": "Modelling how Band D converges in each unitary option.",
            "legal_power": "Local Government Finance Act 1992",
            "data_items": [{"standard": NAME, "fields": []}],
            "personal_data": "none",
            "delete_by": date.today() + timedelta(days=180),
        },
    )
    services.agreement_send_for_review(user=lead, agreement=agreement)
    for council in ("surrey", "guildford"):
        dpo = User.objects.get(username=f"{council}.dpo")
        services.agreement_dpo_review(user=dpo, agreement=agreement, approve=True)
        signatory = User.objects.get(username=f"{council}.signatory")
        services.agreement_sign(user=signatory, agreement=agreement)

    upload = tmp_path / "guildford-band-d.csv"
    names = "gss_code,council,financial_year,band_d,tax_base"
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

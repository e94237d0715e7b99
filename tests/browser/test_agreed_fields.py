"""D-1 in the browser: six agreed fields, a 20-column upload, and the recipient sees six."""

from datetime import date, timedelta

import pytest

from lgrshare.standards.services import standard_get
from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import GUILDFORD, SURREY
from tests.experts import experts_reviewed
from tests.submissions.test_flows import SIX, STANDARD, assets_csv

pytestmark = pytest.mark.browser


def test_the_recipient_sees_only_the_six_agreed_fields_of_a_20_column_upload(page, tmp_path):
    from lgrshare.agreements import services
    from lgrshare.councils.models import Area

    lead = make_user("guildford.lead", GUILDFORD, ["data-lead"])
    make_user("surrey.analyst", SURREY, ["analyst"])
    for council, gss in (("surrey", SURREY), ("guildford", GUILDFORD)):
        make_user(f"{council}.dpo", gss, ["dpo"])
        make_user(f"{council}.signatory", gss, ["senior-signatory"])
    agreement = services.agreement_create(
        user=lead,
        area=Area.objects.get(county_id=SURREY),
        title="Land and property baseline",
        parties={GUILDFORD: True, SURREY: False},
        terms={
            "purposes": "Baseline of operational land and buildings for the new councils.",
            "legal_power": "Local Government and Public Involvement in Health Act 2007 Part 1",
            "data_items": [{"standard": STANDARD, "fields": SIX}],
            "personal_data": "none",
            "delete_by": date.today() + timedelta(days=180),
        },
    )
    services.agreement_send_for_review(user=lead, agreement=agreement)
    experts_reviewed(agreement)
    from lgrshare.councils.models import User

    for council in ("surrey", "guildford"):
        dpo = User.objects.get(username=f"{council}.dpo")
        services.agreement_dpo_review(user=dpo, agreement=agreement, approve=True)
        signatory = User.objects.get(username=f"{council}.signatory")
        services.agreement_sign(user=signatory, agreement=agreement)
    full = tmp_path / "land-and-property-assets.csv"
    full.write_bytes(assets_csv())

    sign_in(page, "guildford.lead")
    page.goto(f"/agreements/{agreement.pk}/submit")
    assert "UPRN" not in page.get_by_role("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Period the data covers").fill("2026-27")
    page.get_by_label("The file", exact=True).set_input_files(str(full))
    page.get_by_role("button", name="Check and submit").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "does not share 14 of the file's columns" in summary
    assert "UPRN" in summary
    assert "GeoX" in summary
    assert_accessible(page)

    page.get_by_label("The file", exact=True).set_input_files(str(full))
    page.get_by_label("Remove any column the agreement does not share").check()
    page.get_by_role("button", name="Check and submit").click()
    page.get_by_role("button", name="Accept for sharing").click()
    page.get_by_text("is accepted").wait_for()
    submission_page = page.url
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "surrey.analyst")
    page.goto(f"/agreements/{agreement.pk}/")
    page.get_by_label("I have read the terms of this version").check()
    page.get_by_role("button", name="I accept these terms").click()
    page.goto(submission_page)
    headers = page.get_by_test_id("preview").locator("th").all_inner_texts()
    # The six agreed fields, by their titles (as the page heads its columns), nothing else.
    fields = {f.name: f.title for f in standard_get(name=STANDARD).fields}
    assert headers == [fields[name] for name in SIX]
    assert_accessible(page)

"""Surrey's and Guildford's DPOs approve and their signatories sign; the agreement turns active."""

from datetime import date, timedelta

import pytest

from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import GUILDFORD, SURREY
from tests.experts import experts_reviewed

pytestmark = pytest.mark.browser


def test_both_councils_approve_and_sign_and_the_pdf_downloads(page, tmp_path):
    from lgrshare.agreements import services
    from lgrshare.councils.models import Area

    lead = make_user("guildford.lead", GUILDFORD, ["data-lead"])
    for council, gss in (("surrey", SURREY), ("guildford", GUILDFORD)):
        make_user(f"{council}.dpo", gss, ["dpo"])
        make_user(f"{council}.signatory", gss, ["senior-signatory"])
    agreement = services.agreement_create(
        user=lead,
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register",
        parties={SURREY: True, GUILDFORD: False},
        terms={
            "purposes": "To cost contract transfers.",
            "legal_power": "LGA 1972 s.111",
            "data_items": [{"standard": "contracts-register", "fields": ["end_date"]}],
            "personal_data": "none",
            "delete_by": date.today() + timedelta(days=180),
        },
    )
    services.agreement_send_for_review(user=lead, agreement=agreement)
    experts_reviewed(agreement)  # each council's IT security agrees the security level
    address = f"/agreements/{agreement.pk}/"

    for council in ("surrey", "guildford"):
        sign_in(page, f"{council}.dpo")
        page.goto(address)
        assert_accessible(page)
        page.get_by_label("Approve this version").check()
        page.get_by_role("button", name="Send decision").click()
        page.get_by_text("Approved.").wait_for()
        page.get_by_role("button", name="Sign out").click()

        sign_in(page, f"{council}.signatory")
        page.goto(address)
        page.get_by_role("button", name="Sign the agreement").click()
        page.get_by_text("tick the declaration above the button").wait_for()  # not signed yet
        page.goto(address)
        page.get_by_label("I have authority to sign for").check()
        page.get_by_role("button", name="Sign the agreement").click()
        page.get_by_text("Signed.").wait_for()
        page.get_by_role("button", name="Sign out").click()

    sign_in(page, "guildford.lead")
    page.goto(address)
    assert "Active" in page.get_by_test_id("state").inner_text()
    parties = page.get_by_test_id("parties").inner_text()
    assert parties.count("Signed by") == 2
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this version as a PDF").click()
    saved = tmp_path / "agreement.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename == f"{agreement.reference}-v1.pdf"

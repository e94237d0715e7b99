"""Surrey's and Guildford's DPOs approve and their signatories sign; the agreement turns active."""

from datetime import date, timedelta

import pytest

from tests.browser.conftest import assert_accessible
from tests.conftest import GUILDFORD, PASSWORD, SURREY

pytestmark = pytest.mark.browser


def _user(username, council, roles):
    from lgrshare.councils.models import Council
    from lgrshare.councils.services import user_create

    return user_create(
        username=username,
        first_name=username.split(".")[1].title(),
        last_name=username.split(".")[0].title(),
        roles=roles,
        council=Council.objects.get(pk=council),
        password=PASSWORD,
    )[0]


def _sign_in(page, username):
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My areas").wait_for()


def test_both_councils_approve_and_sign_and_the_pdf_downloads(page, tmp_path):
    from lgrshare.agreements import services
    from lgrshare.councils.models import Area

    lead = _user("guildford.lead", GUILDFORD, ["data-lead"])
    for council, gss in (("surrey", SURREY), ("guildford", GUILDFORD)):
        _user(f"{council}.dpo", gss, ["dpo"])
        _user(f"{council}.signatory", gss, ["senior-signatory"])
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
    address = f"/agreements/{agreement.pk}/"

    for council in ("surrey", "guildford"):
        _sign_in(page, f"{council}.dpo")
        page.goto(address)
        assert_accessible(page)
        page.get_by_label("Approve this version").check()
        page.get_by_role("button", name="Send decision").click()
        page.get_by_text("Approved.").wait_for()
        page.get_by_role("button", name="Sign out").click()

        _sign_in(page, f"{council}.signatory")
        page.goto(address)
        page.get_by_role("button", name="Sign the agreement").click()
        page.get_by_text("Signed.").wait_for()
        page.get_by_role("button", name="Sign out").click()

    _sign_in(page, "guildford.lead")
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

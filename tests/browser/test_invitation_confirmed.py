"""Surrey County Council's administrator invites someone for Guildford in the page; the account
waits until Guildford's DPO confirms it on the person's page."""

import pytest

from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import GUILDFORD, SURREY

pytestmark = pytest.mark.browser


def test_an_invitation_for_another_council_waits_for_its_dpo(page):
    from lgrshare.councils.models import User

    make_user("surrey.admin", SURREY, ["area-admin"])
    make_user("guildford.dpo", GUILDFORD, ["dpo"])

    sign_in(page, "surrey.admin")
    page.goto(f"/areas/{SURREY}/")
    page.get_by_role("button", name="Add a person").click()
    assert_accessible(page)
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Jones")
    page.get_by_label("Email address").fill("nia.jones@guildford.gov.uk")
    page.get_by_label("Username").fill("nia.jones")
    page.get_by_label("Organisation").select_option(label="Guildford Borough Council")
    page.get_by_label("Data protection officer").check()
    page.get_by_role("button", name="Add person").click()
    page.get_by_role("heading", name="Nia Jones added").wait_for()
    page.get_by_role("link", name="Back to Surrey").click()
    page.get_by_role("link", name="Nia Jones").click()
    assert "Waiting for confirmation" in page.get_by_test_id("account-state").inner_text()
    assert page.get_by_role("button", name="Confirm this person and their roles").count() == 0
    assert page.get_by_role("button", name="Grant the role").count() == 0
    address = page.url
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "guildford.dpo")
    page.goto(address)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm this person and their roles").click()
    page.get_by_text("Confirmed: they can now sign in and act.").wait_for()
    assert "Active" in page.get_by_test_id("account-state").inner_text()
    assert "Waiting" not in page.get_by_test_id("roles").inner_text()
    assert User.objects.get(username="nia.jones").role_codes == {"dpo"}

"""Surrey's DPO opens the area's audit trail from the area page, narrows it to one request and
sees it raised and changed; Guildford's analyst changes her draft request first."""

import pytest

from tests.browser.conftest import assert_accessible, make_user
from tests.conftest import PASSWORD, SURREY

pytestmark = pytest.mark.browser


def _sign_in(page, username):
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My areas").wait_for()


def test_a_draft_is_changed_and_the_dpo_finds_it_in_the_areas_trail(page):
    from lgrshare.councils.models import Area
    from lgrshare.requests import services

    alice = make_user("guildford.analyst", "E07000209", ["analyst"], "Alice", "Evans")
    make_user("surrey.dpo", SURREY, ["dpo"], "Priya", "Shah")
    draft = services.request_create(
        user=alice,
        area=Area.objects.get(county_id=SURREY),
        question="Which county contracts end after vesting day?",
        holders=[SURREY],
        purpose="Costing contract transfers",
        data_items=[{"item": "Contract end dates"}],
    )

    _sign_in(page, "guildford.analyst")
    page.goto(f"/requests/{draft.pk}/")
    page.get_by_role("link", name="Change the request").click()
    page.get_by_role("heading", name="Change your draft request").wait_for()
    assert_accessible(page)
    page.get_by_label("What question do you need to answer?").fill(
        "Which county contracts end in 2027?"
    )
    page.get_by_label("Why is what you found not enough?").fill("No end dates are published")
    page.get_by_role("button", name="Save and check your request").click()
    page.get_by_role("heading", name="Which county contracts end in 2027?").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").wait_for()

    _sign_in(page, "surrey.dpo")
    page.goto(f"/areas/{SURREY}/")
    page.get_by_role("link", name="Audit trail of Surrey").click()
    page.get_by_role("heading", name="Audit trail").wait_for()
    assert_accessible(page)
    page.get_by_label("Type of target").select_option("request")
    page.get_by_label("Target reference").fill(draft.reference)
    page.get_by_role("button", name="Apply filter").click()
    table = page.get_by_test_id("audit-trail")
    table.get_by_text("A draft data request was changed").wait_for()
    assert table.get_by_text("A data request was drafted").is_visible()
    assert "2 entries matching the filter" in table.inner_text()
    assert_accessible(page)

"""Find first, then ask: public data, the "where can I get it?" flow, a request and its answer."""

import pytest

from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import GUILDFORD, SURREY, WOKING

pytestmark = pytest.mark.browser

QUESTION = "Which county contracts serving Guildford run beyond the date the new councils start?"


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to LGR Share").wait_for()


def _look_for_contracts(page):
    page.goto(f"/areas/{SURREY}/")
    page.get_by_role("link", name="Where can I get the data I need?").click()
    page.get_by_label("What question do you need to answer?").fill(QUESTION)
    page.get_by_label("What kind of data is it?").select_option("contracts-register")
    page.get_by_role("button", name="Look for it").click()
    page.get_by_role("heading", name="What we found").wait_for()


def test_guildford_analyst_finds_public_data_then_asks_surrey(page):
    make_user("guildford.analyst", GUILDFORD, ["analyst"])
    make_user("surrey.datalead", SURREY, ["data-lead"])
    make_user("woking.analyst", WOKING, ["analyst"])

    # Public data first: search, open the table.
    sign_in(page, "guildford.analyst")
    page.get_by_role("link", name="Find data").click()
    page.get_by_label("Search the catalogue").fill("population")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    page.get_by_test_id("results").get_by_role("link").first.click()
    page.get_by_role("heading", name="Population estimates, mid-2024, by council").wait_for()
    table = page.get_by_test_id("data-table")
    assert "Rows 1 to 50 of 318" in table.inner_text()
    assert page.get_by_role("link", name="Download all 318 rows as CSV").is_visible()
    assert_accessible(page)

    # Then the contracts register: nothing public, no agreement, no open request.
    _look_for_contracts(page)
    assert page.get_by_test_id("no-public").is_visible()
    assert page.get_by_test_id("no-agreement").is_visible()
    assert page.get_by_test_id("no-requests").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start a new request").click()
    page.get_by_label("Why is what you found not enough?").fill(
        "Published spending has no end dates or districts served."
    )
    page.get_by_label("What will the data be used for?").fill("To cost contract transfers.")
    page.get_by_label("Surrey County Council").check()
    page.get_by_label("end_date", exact=True).check()
    page.get_by_label("districts_served").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save and check your request").click()
    page.get_by_test_id("draft-notice").wait_for()
    assert "No agreement" not in page.get_by_test_id("discovery").inner_text()
    assert (
        "Public data: 0 found. Agreements: 0 found."
        in page.get_by_test_id("discovery").inner_text()
    )
    assert_accessible(page)
    page.get_by_role("button", name="Open the request").click()
    page.get_by_text("is open. The holders' data leads have been told.").wait_for()
    _sign_out(page)

    # Surrey's data lead sees it and answers.
    sign_in(page, "surrey.datalead")
    page.get_by_role("link", name="Notifications (1)").click()
    page.get_by_role("link", name="Guildford asks for data").click()
    page.get_by_label("Needs a data sharing agreement").check()
    page.get_by_label("Reason or next steps (optional)").fill("Values are commercially sensitive.")
    assert_accessible(page)
    page.get_by_role("button", name="Send answer").click()
    page.get_by_text("Your council's answer has been recorded.").wait_for()
    assert "Needs a data sharing agreement" in page.get_by_test_id("answers").inner_text()
    _sign_out(page)

    # A second analyst asking the same thing is pointed to the open request.
    sign_in(page, "woking.analyst")
    _look_for_contracts(page)
    found = page.get_by_test_id("found-requests")
    assert "REQ-" in found.inner_text()
    assert page.get_by_text("Someone has already asked for this").is_visible()
    assert_accessible(page)
    found.get_by_role("link").first.click()
    page.get_by_role("button", name="I need this too: join the request").click()
    page.get_by_text("You have joined").wait_for()

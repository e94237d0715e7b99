"""A Guildford analyst signs in, opens the Surrey dashboard, sees its councils, signs out."""

import pytest

from tests.browser.conftest import assert_accessible
from tests.conftest import GUILDFORD, PASSWORD, SURREY

pytestmark = pytest.mark.browser


def _user(username, council, roles):
    from lgrshare.councils.models import Council
    from lgrshare.councils.services import user_create

    return user_create(
        username=username,
        first_name="Jo",
        last_name="Evans",
        roles=roles,
        council=Council.objects.get(pk=council),
        password=PASSWORD,
    )[0]


def test_guildford_analyst_sees_the_surrey_dashboard(page):
    _user("guildford.analyst", GUILDFORD, ["analyst"])

    page.goto("/")
    assert page.url.endswith("/sign-in?next=/")
    assert_accessible(page)
    page.get_by_label("Username").fill("guildford.analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("heading", name="My areas").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Surrey").click()

    page.get_by_role("heading", name="Surrey", exact=True).wait_for()
    assert page.url.endswith(f"/areas/{SURREY}/")
    rows = page.locator("[data-testid=councils] tbody tr")
    assert rows.count() == 12
    guildford = rows.filter(has_text="Guildford Borough Council")
    assert "151,359" in guildford.inner_text()
    assert_accessible(page)

    guildford.get_by_role("link").click()
    page.get_by_role("heading", name="Guildford Borough Council").wait_for()
    assert "151,359" in page.inner_text("main")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to LGR Share").wait_for()
    page.goto(f"/areas/{SURREY}/")
    assert "/sign-in" in page.url


def test_sign_in_errors_are_accessible(page):
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter your username" in summary.inner_text()
    assert_accessible(page)


def test_an_api_token_is_created_and_shown_once(page):
    _user("guildford.analyst", GUILDFORD, ["analyst"])
    page.goto("/sign-in")
    page.get_by_label("Username").fill("guildford.analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Token name").fill("nightly upload")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_test_id("new-token").inner_text().strip()
    assert token.startswith("lgr_")
    assert_accessible(page)
    response = page.request.get("/api/v1/areas", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200
    assert response.json()[0]["county_gss"] == SURREY
    page.goto("/account/tokens")
    assert "lgr_" in page.content()  # the prefix is listed...
    assert token not in page.content()  # ...but never the whole token again

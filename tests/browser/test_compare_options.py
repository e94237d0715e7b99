"""An analyst compares Surrey's three unitary options side by side, with charts, and adds one."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import GUILDFORD, SURREY

pytestmark = pytest.mark.browser


def test_an_analyst_compares_surreys_options_and_adds_one(page):
    from lgrshare.councils.models import Area
    from lgrshare.demo import SURREY_OPTIONS
    from lgrshare.domain.options import option_from_json
    from lgrshare.evidence.services import option_save

    analyst = make_user("guildford.analyst", GUILDFORD, ["analyst"])
    area = Area.objects.get(county_id=SURREY)
    for name, councils in SURREY_OPTIONS.items():
        option_save(
            user=analyst, area=area, option=option_from_json({"name": name, "councils": councils})
        )

    sign_in(page, "guildford.analyst")
    page.goto(f"/areas/{SURREY}/")
    page.get_by_role("link", name="Unitary options for Surrey").click()
    assert_accessible(page)
    for name in SURREY_OPTIONS:
        page.get_by_label(name).check()
    page.get_by_role("button", name="Compare options").click()
    page.get_by_role("heading", name="Compare unitary options").wait_for()
    assert_accessible(page)

    table = page.get_by_test_id("comparison")
    headers = table.locator("thead th").all_inner_texts()
    # In the list's order: one, three, then two unitaries.
    assert [h.split("\n")[0] for h in headers] == [
        "Surrey",
        "East Surrey",
        "North Surrey",
        "West Surrey",
        "East Surrey",
        "West Surrey",
    ]
    population = table.locator('tr[data-figure="population"] td').all_inner_texts()
    assert population[0] == "1,248,649"
    assert page.get_by_role("img", name="Population, mid-2024").count() == 1
    assert "No 2023-24 outturn return from Woking" in page.locator("main").inner_text()

    page.get_by_role("link", name="Back to unitary options").click()
    page.get_by_role("link", name="Add an option").click()
    page.get_by_label("Name of the option").fill("Guildford split")
    page.get_by_label("Proposed councils").fill("North: Elmbridge, Ashford")
    page.get_by_role("button", name="Check and save").click()
    problems = page.get_by_test_id("option-problems").inner_text()
    assert "not in Surrey" in problems
    assert "are in no council" in problems
    assert_accessible(page)

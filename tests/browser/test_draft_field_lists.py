"""A data lead drafts an agreement in the browser: the field lists appear for the councils
that receive the data only, one council gets fewer fields than another, every problem comes
back in one error summary whose links reach their fields, and the agreement says who gets what."""

import re
from datetime import date, timedelta

import pytest

from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import GUILDFORD, SURREY, WOKING

pytestmark = pytest.mark.browser


def _legends(page):
    return [t for t in page.locator("legend").all_inner_texts() if t.startswith("Fields ")]


def test_a_data_lead_gives_each_recipient_its_fields_and_fixes_every_problem_in_one_round(page):
    from lgrshare.agreements.models import Agreement

    make_user("guildford.lead", GUILDFORD, ["data-lead"])
    sign_in(page, "guildford.lead")
    page.goto(f"/areas/{SURREY}/agreements/new")
    assert _legends(page) == []  # no list for the area's twelve councils
    for code in (SURREY, GUILDFORD, WOKING):
        page.locator(f"input[name=parties][value={code}]").check()
    page.locator(f"input[name=providers][value={SURREY}]").check()
    page.get_by_label("Data standard").select_option("contracts-register")
    page.get_by_role("button", name="Show the fields").click()
    assert _legends(page) == [
        "Fields the agreement shares",
        "Fields Guildford Borough Council receives",
        "Fields Woking Borough Council receives",
    ]
    assert page.locator(".govuk-error-summary").count() == 0
    assert_accessible(page)
    woking = page.locator(f"input[name=fields_for_{WOKING}]")
    for box in woking.all():
        if box.get_attribute("value") not in {"contract_reference", "end_date"}:
            box.uncheck()

    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary__list a")
    texts = summary.all_inner_texts()
    assert texts[:3] == [
        "Give the agreement a title",
        "State the purposes",
        "State the legal power or duty",
    ]
    assert any("OFFICIAL-SENSITIVE" in text for text in texts)
    assert not any(re.search(r"\b[a-z]+-[a-z]+-[a-z]+\b", t) for t in texts)  # no codes
    summary.first.click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    # What was ticked survives the round trip.
    kept = [b.get_attribute("value") for b in woking.all() if b.is_checked()]
    assert kept == ["contract_reference", "end_date"]

    later = date.today() + timedelta(days=200)
    page.locator("#id_title").fill("Contracts register, fewer fields for Woking")
    page.locator("#id_purposes").fill("To cost the transfer of county contracts.")
    page.locator("#id_legal_power").fill("Local Government Act 1972 s.111")
    page.get_by_label("OFFICIAL-SENSITIVE", exact=True).check()
    page.locator("input[name=delete_by_day]").fill(str(later.day))
    page.locator("input[name=delete_by_month]").fill(str(later.month))
    page.locator("input[name=delete_by_year]").fill(str(later.year))
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name=re.compile("Contracts register, fewer fields")).wait_for()
    created = Agreement.objects.get(title="Contracts register, fewer fields for Woking")
    fields = {flow["recipient"]: flow["fields"] for flow in created.current().flows}
    assert fields[WOKING] == ["contract_reference", "end_date"]
    assert len(fields[GUILDFORD]) > 2
    text = page.locator("main").inner_text()
    assert "gives Woking Borough Council these fields of 'Contracts register': " in text

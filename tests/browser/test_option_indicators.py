"""Surrey's analyst (the demo) compares the three options with a figure the councils shared:
the page first says the terms must be accepted; once they are, each proposed council's tax
base, its chart, source, vintage and method, and the districts that have not shared it. The
evidence pack downloaded from the page carries the same figures."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import assert_accessible
from tests.domain.test_appraisal import CTR

pytestmark = pytest.mark.browser

TAX_BASE = "Tax base (Band D equivalents): Council tax and tax base"


def test_an_analyst_compares_options_on_the_councils_shared_tax_base(page, settings, tmp_path):
    from lgrshare.demo import SURREY_OPTIONS, demo_load

    settings.HOME = tmp_path
    password = {s.username: s.password for s in demo_load()}["surrey.analyst"]
    page.goto("/sign-in")
    page.get_by_label("Username").fill("surrey.analyst")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My areas").wait_for()
    page.goto("/areas/E10000030/options/")
    for name in SURREY_OPTIONS:
        page.get_by_label(name).check()
    page.get_by_role("button", name="Compare options").click()
    label = next(
        o for o in page.locator("#indicator option").all_inner_texts() if o.startswith(TAX_BASE)
    )
    page.get_by_label("Shared figure to add up").select_option(label=label)
    page.get_by_role("button", name="Show this figure").click()
    refused = page.get_by_test_id("indicator-refused")
    assert "Accept the terms" in refused.inner_text()
    compare_url = page.url
    refused.get_by_role("link", name="Read and accept the terms").click()
    page.get_by_label("I have read the terms of this version").check()
    page.get_by_role("button", name="I accept these terms").click()
    page.goto(compare_url)

    table = page.get_by_test_id("indicators")
    cells = table.locator("tbody td").all_inner_texts()
    west = f"{float(CTR['E07000209'][23]) + float(CTR['E07000217'][23]):,.0f} *"
    # One, three, then two unitaries: Surrey; East, North, West; East, West.
    assert cells == [west, "not available", "not available", west, "not available", west]
    assert page.get_by_role("img", name=label).count() == 1
    sources = page.get_by_test_id("indicator-sources").inner_text()
    assert "Guildford Borough Council, Woking Borough Council" in sources
    assert "2023-24, from Guildford Borough Council's submission" in sources
    assert "proportion of its LSOAs" in sources
    assert "Runnymede" in page.get_by_test_id("indicator-notes").locator("xpath=..").inner_text()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the evidence pack (XLSX)").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(book["indicators"].iter_rows(values_only=True))
    header = rows[0]
    tax = [
        dict(zip(header, r, strict=True))
        for r in rows[1:]
        if r[header.index("measure")] == "tax_base_band_d_equivalents"
    ]
    assert len(tax) == 6  # every proposed council of the three options
    assert {r["council"] for r in tax if r["value"]} == {"Surrey", "West Surrey"}

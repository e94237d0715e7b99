"""A programme analyst compiles the councils' council tax from the agreement page (the demo)."""

from tests.browser.conftest import assert_accessible


def test_an_analyst_compiles_the_demo_council_tax_and_reads_its_coverage(page, settings, tmp_path):
    from lgrshare.agreements.models import Agreement
    from lgrshare.demo import demo_load

    settings.HOME = tmp_path
    password = {s.username: s.password for s in demo_load()}["surrey.analyst"]
    agreement = Agreement.objects.get(title="Council tax base 2023-24 for harmonisation modelling")
    page.goto("/sign-in")
    page.get_by_label("Username").fill("surrey.analyst")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My areas").wait_for()
    page.goto(f"/agreements/{agreement.pk}/")
    page.get_by_label("I have read the terms of this version").check()  # before the data
    page.get_by_role("button", name="I accept these terms").click()
    page.get_by_role("link", name="Compile every council's council-tax-base").click()
    page.get_by_role("heading", name="Council tax and tax base, every council compiled").wait_for()
    coverage = page.get_by_test_id("coverage")
    assert "Guildford Borough Council" in coverage.inner_text()
    assert "Woking Borough Council" in coverage.inner_text()
    assert "Missing" not in coverage.inner_text()
    table = page.get_by_test_id("data-table").inner_text()
    assert "2,214.77" in table  # Guildford's 2023-24 Band D area total (DLUHC Table 9)
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "compiled.png"), full_page=True)

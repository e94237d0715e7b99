"""The API documentation and the error codes, reached from the footer of any page, under the
pages' own Content-Security-Policy: Swagger UI comes from the service, nothing from elsewhere."""

import pytest

from tests.browser.conftest import AXE

pytestmark = pytest.mark.browser


def _accessible(page, exclude: list[str]) -> None:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(exclude) => axe.run({exclude: exclude.map(s => [s])}, {resultTypes: ['violations']})",
        exclude,
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not bad, f"{page.url}: " + "; ".join(bad)


def test_the_api_documentation_renders_under_the_strict_csp_from_the_footer(
    browser, live_server, transactional_db
):
    context = browser.new_context(base_url=live_server.url)  # the CSP is enforced here
    page = context.new_page()
    page.set_default_timeout(30_000)
    refused, elsewhere = [], []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:")) else elsewhere.append(r.url),
    )

    page.goto("/")  # the sign-in page: the footer is on every page
    page.get_by_role("link", name="API documentation").click()
    page.get_by_role("heading", name="API documentation").wait_for()
    page.locator(".swagger-ui .opblock").first.wait_for()
    paths = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert "/api/v1/catalogue" in [p.replace("\u200b", "") for p in paths]

    page.get_by_role("link", name="Error codes", exact=True).click()
    page.get_by_role("heading", name="Error codes").wait_for()
    row = page.locator("#code-fields-not-agreed")
    assert "You may not see these fields of this data" in row.inner_text()
    assert refused == []
    assert elsewhere == []
    context.close()


def test_the_developer_pages_pass_the_accessibility_check(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto("/developers/errors")
    _accessible(page, [])
    page.goto("/developers/api")
    page.locator(".swagger-ui .opblock").first.wait_for()
    # Swagger UI's own markup is a third party's; our part of the page is checked.
    _accessible(page, ["#swagger-ui"])
    context.close()

"""A DPO opens "How LGR Share follows the LGA guidance" from the footer and follows each of its
links into the service; the external links are labelled and open in a new tab."""

import pytest

from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import SURREY

pytestmark = pytest.mark.browser


def test_the_guidance_page_leads_into_the_service(page):
    make_user("surrey.dpo", SURREY, ["dpo"])
    sign_in(page, "surrey.dpo")
    page.get_by_role("link", name="How LGR Share follows the LGA guidance").click()
    page.get_by_role("heading", name="How LGR Share follows the LGA guidance").wait_for()
    assert_accessible(page)
    internal = page.locator("a[data-internal]")
    targets = sorted({internal.nth(i).get_attribute("href") for i in range(internal.count())})
    assert len(targets) >= 5
    for href in targets:
        response = page.goto(href)
        assert response is not None
        assert response.status == 200, href
        assert "/sign-in" not in page.url
    page.goto("/guidance/")
    external = page.locator('a[rel~="external"]')
    assert external.count() >= 5
    for i in range(external.count()):
        link = external.nth(i)
        assert link.get_attribute("target") == "_blank"
        assert link.inner_text().endswith("(opens in new tab)")
        assert link.get_attribute("href").startswith("https://")

"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, plus axe-core."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LGRSHARE_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    from lgrshare.catalogue.services import catalogue_load_public
    from lgrshare.councils.services import reference_load

    # Transactional tests empty the tables afterwards, so each browser test loads its own.
    reference_load()
    catalogue_load_public()
    # bypass_csp lets the test inject axe-core; the pages themselves keep their policy.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_accessible(page) -> None:
    """Run axe-core on the current page; fail on any serious or critical violation."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not bad, f"{page.url}: " + "; ".join(bad)


def make_user(username, council, roles, first_name="Jo", last_name="Tester"):
    from lgrshare.councils.models import Council
    from lgrshare.councils.services import user_create
    from tests.conftest import PASSWORD

    return user_create(
        username=username,
        first_name=first_name,
        last_name=last_name,
        roles=roles,
        council=Council.objects.get(pk=council),
        password=PASSWORD,
    )[0]


def sign_in(page, username):
    from tests.conftest import PASSWORD

    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My areas").wait_for()

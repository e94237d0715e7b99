"""A Surrey DPO signs in for the first time, sets up an authenticator app from the key shown,
keeps the recovery codes, signs out, and signs in again with a code from the app."""

import base64

import pytest
from django_otp.oath import TOTP

from tests.browser.conftest import assert_accessible, make_user
from tests.conftest import PASSWORD, SURREY

pytestmark = pytest.mark.browser


def _code(key_text: str, steps_later: int = 0) -> str:
    """What an authenticator app shows for the key a person typed in."""
    key = key_text.replace(" ", "")
    key += "=" * (-len(key) % 8)
    totp = TOTP(base64.b32decode(key))
    totp.time = totp.time + steps_later * 30
    return f"{totp.token():06d}"


def _password(page, username):
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_dpo_sets_up_two_factor_and_signs_in_with_it(page, settings):
    settings.TWO_FACTOR_REQUIRED = True
    make_user("surrey.dpo", SURREY, ["dpo"])

    _password(page, "surrey.dpo")
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert page.get_by_test_id("qr-code").locator("svg").count() == 1
    assert_accessible(page)
    page.get_by_text("I cannot scan the QR code").click()
    key = page.get_by_test_id("two-factor-key").inner_text()
    page.get_by_label("Code").fill(_code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    page.get_by_role("heading", name="Two-factor sign-in is on").wait_for()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    assert_accessible(page)
    page.get_by_role("link", name="Continue").click()
    page.get_by_role("heading", name="My areas").wait_for()

    page.get_by_role("button", name="Sign out").first.click()
    _password(page, "surrey.dpo")
    page.get_by_role("heading", name="Enter the code from your authenticator app").wait_for()
    assert_accessible(page)
    page.get_by_label("Code").fill(_code(key, steps_later=1))  # the next code: each works once
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="My areas").wait_for()

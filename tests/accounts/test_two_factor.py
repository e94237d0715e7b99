"""Two-factor sign-in: required for DPOs, signatories, administrators, IT security and
contractor staff; offered to everyone; recovery codes work once; every change audited."""

from __future__ import annotations

import importlib
import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lgrshare.audit.models import AuditEntry
from tests.conftest import PASSWORD, SURREY, _make


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


@pytest.fixture
def dora(db):
    return _make("dora", ["dpo"], SURREY)


def _now_code(device: TOTPDevice, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = totp.time + later * device.step
    return f"{totp.token():06d}"


def _sign_in(client: Client, username: str):
    return client.post("/sign-in", {"username": username, "password": PASSWORD}, follow=True)


def _set_up(client: Client, user) -> list[str]:
    client.get("/account/two-factor/set-up")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post("/account/two-factor/set-up", {"code": _now_code(device)}, follow=True)
    return re.findall(r"<li><code>([a-z2-7]{16})</code></li>", page.content.decode())


def test_production_requires_two_factor_by_default() -> None:
    assert importlib.import_module("lgrshare.settings").TWO_FACTOR_REQUIRED is True


def test_a_dpo_without_an_app_must_set_one_up_before_any_page(dora):
    client = Client()
    page = _sign_in(client, "dora")
    assert page.redirect_chain[-1][0].startswith("/account/two-factor/set-up")
    assert "Set up two-factor sign-in" in page.content.decode()
    assert client.get(f"/areas/{SURREY}/").status_code == 302
    assert client.get("/account/tokens").status_code == 302  # no token before the factor


def test_set_up_shows_recovery_codes_once_and_opens_the_service(dora):
    client = Client()
    _sign_in(client, "dora")
    codes = _set_up(client, dora)
    assert len(codes) == 10
    assert client.get(f"/areas/{SURREY}/").status_code == 200
    assert client.get("/account/two-factor/recovery-codes").status_code == 302  # gone
    changes = AuditEntry.objects.filter(target_id="dora", action__startswith="two-factor")
    assert [e.action for e in changes] == ["two-factor-set-up"]


def test_a_wrong_setup_code_is_refused_in_words(dora):
    client = Client()
    _sign_in(client, "dora")
    client.get("/account/two-factor/set-up")
    page = client.post("/account/two-factor/set-up", {"code": "000000"})
    assert "That code is not right" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=dora, confirmed=True).exists()


def test_the_next_sign_in_asks_for_the_code_and_a_wrong_one_is_audited(dora):
    first = Client()
    _sign_in(first, "dora")
    _set_up(first, dora)
    device = TOTPDevice.objects.get(user=dora, confirmed=True)

    client = Client()
    page = _sign_in(client, "dora")
    assert page.redirect_chain[-1][0].startswith("/sign-in/code")
    wrong = client.post("/sign-in/code", {"code": "123456", "next": "/"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="two-factor-failed", actor="dora").count() == 1
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp makes the next try wait; skip the wait
    device.save()
    right = client.post("/sign-in/code", {"code": _now_code(device, later=1), "next": "/"})
    assert right.status_code == 302
    assert client.get("/").status_code == 200


def test_a_recovery_code_works_once(dora):
    first = Client()
    _sign_in(first, "dora")
    codes = _set_up(first, dora)

    client = Client()
    _sign_in(client, "dora")
    assert client.post("/sign-in/code", {"code": codes[0], "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200
    again = Client()
    _sign_in(again, "dora")
    reused = again.post("/sign-in/code", {"code": codes[0], "next": "/"})
    assert reused.status_code == 200
    assert "That code is not right" in reused.content.decode()
    assert AuditEntry.objects.filter(action="recovery-code-used", actor="dora").count() == 1


def test_an_analyst_is_offered_two_factor_but_not_made_to(alice):
    client = Client()
    page = _sign_in(client, "alice")
    assert page.redirect_chain[-1][0] == "/"
    assert "Set up two-factor sign-in" in client.get("/account/two-factor").content.decode()


def test_someone_who_chose_two_factor_can_turn_it_off_but_a_dpo_cannot(alice, dora):
    client = Client()
    _sign_in(client, "alice")
    _set_up(client, alice)
    asked = client.get("/account/two-factor/remove").content.decode()
    assert "Turn off two-factor sign-in?" in asked
    assert TOTPDevice.objects.filter(user=alice).exists()  # asking changes nothing
    assert client.post("/account/two-factor/remove").status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()
    dpo = Client()
    _sign_in(dpo, "dora")
    _set_up(dpo, dora)
    refused = dpo.post("/account/two-factor/remove")
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=dora, confirmed=True).exists()


def test_contractor_staff_must_use_two_factor(dave):
    page = _sign_in(Client(), "dave")
    assert page.redirect_chain[-1][0].startswith("/account/two-factor/set-up")


def test_the_api_still_takes_tokens_made_after_two_factor(dora):
    client = Client()
    _sign_in(client, "dora")
    _set_up(client, dora)
    made = client.post("/account/tokens", {"name": "script"}, follow=True)
    secret = made.context["new_token"]
    assert Client().get("/api/v1/areas", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_new_recovery_codes_are_made_only_after_the_person_confirms(alice):
    client = Client()
    _sign_in(client, "alice")
    _set_up(client, alice)
    settings_page = client.get("/account/two-factor").content.decode()
    assert 'href="/account/two-factor/renew-codes"' in settings_page
    before = set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))

    asked = client.get("/account/two-factor/renew-codes").content.decode()
    assert "Your current recovery codes will stop working" in asked
    assert (
        set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
        == before
    )
    client.post("/account/two-factor/renew-codes")
    after = set(StaticToken.objects.filter(device__user=alice).values_list("token", flat=True))
    assert after
    assert not after & before


def test_set_up_speaks_of_recovery_codes_as_still_to_come(dora):
    client = Client()
    _sign_in(client, "dora")
    page = client.get("/account/two-factor/set-up").content.decode()
    assert "or one of your recovery codes" not in page  # none exist yet
    assert "we will give you recovery codes" in page


def test_after_the_recovery_codes_continue_goes_where_they_were_going(dora):
    client = Client()
    client.post("/sign-in", {"username": "dora", "password": PASSWORD})
    wanted = f"/areas/{SURREY}/"
    asked = client.get(wanted)
    assert asked["Location"].startswith("/account/two-factor/set-up?next=")
    client.get(asked["Location"])
    device = TOTPDevice.objects.get(user=dora, confirmed=False)
    page = client.post(asked["Location"], {"code": _now_code(device)}, follow=True)
    assert f'href="{wanted}">Continue</a>' in page.content.decode()


def test_continue_never_leaves_the_service_and_otherwise_goes_to_the_settings(dora):
    client = Client()
    _sign_in(client, "dora")
    url = "/account/two-factor/set-up?next=https://evil.example/"
    client.get(url)
    device = TOTPDevice.objects.get(user=dora, confirmed=False)
    page = client.post(url, {"code": _now_code(device)}, follow=True).content.decode()
    assert "evil.example" not in page
    assert 'href="/account/two-factor">Continue</a>' in page


def test_the_code_step_shows_no_service_menu_until_the_code_is_given(dora):
    first = Client()
    _sign_in(first, "dora")
    _set_up(first, dora)
    assert "API tokens" in first.get("/account/two-factor").content.decode()  # signed in: menu

    client = Client()
    page = _sign_in(client, "dora").content.decode()
    assert page.count("Enter the code from your authenticator app") == 1
    assert "API tokens" not in page
    assert "Find data" not in page
    assert "Change password" not in page
    assert 'action="/sign-out"' in page

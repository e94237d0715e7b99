"""Credentials by NCSC and ASVS advice: tokens that expire and die with the password, sign-in
throttling that pauses attackers rather than the real user, sessions with an absolute end, and
every sign-in, password change and token in the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lgrshare.accounts.models import ApiToken
from lgrshare.accounts.services import token_create
from lgrshare.audit.models import AuditEntry
from lgrshare.domain.network import parse_networks
from tests.conftest import PASSWORD

API = "/api/v1/areas"


def _bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _events(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


# Tokens ---------------------------------------------------------------------------------


def test_a_token_lasts_ninety_days_by_default_and_stops_when_it_expires(client, alice):
    token, secret = token_create(user=alice, name="nightly")
    lasts = token.expires_at - timezone.now()
    assert timedelta(days=89, hours=23) < lasts <= timedelta(days=90)
    assert client.get(API, **_bearer(secret)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(API, **_bearer(secret))
    assert response.status_code == 401
    assert response.json()["code"] == "not-authenticated"


def test_a_person_chooses_how_long_a_token_lasts_within_a_year(signed_in, alice):
    client = signed_in(alice)
    client.post("/account/tokens", {"name": "one week", "days": "7"})
    token = ApiToken.objects.get(user=alice)
    assert (token.expires_at - timezone.now()).days == 6
    response = client.post("/account/tokens", {"name": "forever", "days": "1000"})
    assert "A token can last at most 365 days" in response.content.decode()
    assert ApiToken.objects.filter(user=alice).count() == 1
    page = client.get("/account/tokens").content.decode()
    assert "Expires" in page


def test_changing_the_password_ends_every_token_and_says_so(signed_in, alice):
    _, first = token_create(user=alice, name="one")
    _, second = token_create(user=alice, name="two")
    client = signed_in(alice)
    new = "a-quite-different-passphrase"
    response = client.post(
        "/account/password",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Your 2 API tokens stopped working" in response.content.decode()
    other = Client()
    for secret in (first, second):
        assert other.get(API, **_bearer(secret)).status_code == 401
    # Still signed in here, with the new password.
    assert client.get("/").status_code == 200
    changed = _events("password-changed")
    assert [(e.actor, e.target_id) for e in changed] == [("alice", "alice")]


def test_a_password_set_by_any_other_route_also_kills_the_tokens(client, alice):
    _, secret = token_create(user=alice, name="script")
    alice.set_password("set-by-an-administrator-elsewhere")
    alice.save()
    assert client.get(API, **_bearer(secret)).status_code == 401


def test_a_switched_off_person_s_token_stops(client, alice):
    _, secret = token_create(user=alice, name="script")
    alice.is_active = False
    alice.save()
    assert client.get(API, **_bearer(secret)).status_code == 401


def test_token_creation_and_revocation_are_audited_without_the_secret(signed_in, alice):
    client = signed_in(alice)
    secret = client.post("/account/tokens", {"name": "script"}, follow=True).context["new_token"]
    token = ApiToken.objects.get(user=alice)
    client.post(f"/account/tokens/{token.pk}/revoke")
    created, revoked = _events("token-created"), _events("token-revoked")
    assert [(e.actor, e.target_id) for e in created] == [("alice", f"lgr_{token.prefix}")]
    assert [(e.actor, e.target_id) for e in revoked] == [("alice", f"lgr_{token.prefix}")]
    assert not AuditEntry.objects.filter(detail__contains=secret[14:]).exists()


def test_the_service_administrator_lists_and_revokes_a_person_s_tokens(client, alice):
    from click.testing import CliRunner

    from lgrshare.cli import main

    token, secret = token_create(user=alice, name="laptop script", days=30)
    runner = CliRunner()
    listed = runner.invoke(main, ["token", "list", "alice"], catch_exceptions=False)
    assert "laptop script" in listed.output
    assert "live" in listed.output
    revoked = runner.invoke(
        main, ["token", "revoke", "alice", str(token.pk)], catch_exceptions=False
    )
    assert revoked.exit_code == 0, revoked.output
    token.refresh_from_db()
    assert token.revoked_by == "the service administrator"
    assert client.get(API, **_bearer(secret)).status_code == 401
    assert [e.actor for e in _events("token-revoked")] == ["system"]


# Sign-in ----------------------------------------------------------------------------------


def _sign_in(client: Client, username: str, password: str, **meta: str):
    return client.post("/sign-in", {"username": username, "password": password}, **meta)


def test_sign_ins_and_failures_are_audited_without_what_was_typed(client, alice):
    _sign_in(client, "alice", "not-the-password", REMOTE_ADDR="192.0.2.10")
    _sign_in(client, "correct-horse-typed-in-the-wrong-box", "x", REMOTE_ADDR="192.0.2.10")
    assert _sign_in(client, "alice", PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 302
    failed = _events("sign-in-failed")
    assert [e.target_id for e in failed] == ["alice", "unknown"]
    assert not AuditEntry.objects.filter(target_id__contains="correct-horse").exists()
    assert not AuditEntry.objects.filter(detail__contains="correct-horse").exists()
    (signed_in,) = _events("signed-in")
    assert (signed_in.actor, dict(signed_in.detail_items)["address"]) == ("alice", "192.0.2.10")


def test_locking_a_user_out_from_one_address_does_not_stop_them_elsewhere(alice, settings):
    attacker, owner = Client(), Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(attacker, "alice", "guess", REMOTE_ADDR="198.51.100.7")
    assert _sign_in(attacker, "alice", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert _sign_in(owner, "alice", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302


def test_behind_a_trusted_proxy_the_client_address_comes_from_the_proxy(alice, settings):
    """All requests arrive from the proxy: keyed on the socket, one attacker would lock the
    named user out for everybody."""
    settings.TRUSTED_PROXIES = parse_networks(["10.0.0.0/8"], setting="test")
    attacker, owner = Client(), Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(
            attacker, "alice", "guess", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7"
        )
    locked = _sign_in(
        attacker, "alice", PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert locked.status_code == 429
    allowed = _sign_in(
        owner, "alice", PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert allowed.status_code == 302


def test_a_forwarded_address_is_ignored_unless_the_proxy_is_trusted(alice, settings):
    from django.test import RequestFactory

    from lgrshare.accounts.clients import client_address

    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_address(forged) == "198.51.100.7"
    settings.TRUSTED_PROXIES = parse_networks(["10.0.0.1"], setting="test")
    # The client may prepend anything; the right-most address the proxy added is the client.
    chained = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert client_address(chained) == "203.0.113.5"


def test_password_spraying_across_usernames_from_one_address_is_paused(db, alice, settings):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 20
    sprayer = Client()
    for n in range(20):
        _sign_in(sprayer, f"user{n}", "Summer2026!", REMOTE_ADDR="198.51.100.9")
    paused = _sign_in(sprayer, "alice", PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert paused.status_code == 429
    assert "too many failed sign-ins from your network" in paused.content.decode()
    _sign_in(sprayer, "alice", PASSWORD, REMOTE_ADDR="198.51.100.9")
    (throttled,) = _events("sign-in-throttled")  # recorded once, not per attempt
    assert throttled.target_id == "198.51.100.9"
    assert _sign_in(Client(), "alice", PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 302


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaa", "123456789012", "password1234", "short-pass"],
)
def test_weak_passwords_are_refused(signed_in, alice, password):
    response = signed_in(alice).post(
        "/account/password",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_long_passphrase_needs_no_symbols_or_digits(signed_in, alice):
    phrase = "purple elephants juggle quietly"
    response = signed_in(alice).post(
        "/account/password",
        {"old_password": PASSWORD, "new_password1": phrase, "new_password2": phrase},
    )
    assert response.status_code == 302


def test_a_session_ends_after_its_absolute_lifetime_however_busy(signed_in, alice, settings):
    from lgrshare.accounts.middleware import SIGNED_IN_AT

    client = signed_in(alice)
    assert client.get("/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(timezone.now().timestamp()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")
    assert client.get("/").status_code == 302  # signed out, not only redirected once

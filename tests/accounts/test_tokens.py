"""Personal API tokens: created in the interface, shown once, stored hashed, revocable."""

from lgrshare.accounts.models import ApiToken


def test_a_token_is_shown_once_and_stored_only_as_a_hash(signed_in, alice):
    client = signed_in(alice)
    response = client.post("/account/tokens", {"name": "nightly script"}, follow=True)
    assert response.status_code == 200
    secret = response.context["new_token"]
    assert secret.startswith("lgr_")
    token = ApiToken.objects.get(user=alice)
    assert secret not in {token.digest, token.prefix}
    assert secret[4:14] == token.prefix
    # The list page shows the prefix but never the secret again.
    again = client.get("/account/tokens").content.decode()
    assert token.prefix in again
    assert secret not in again


def test_a_token_needs_a_name(signed_in, alice):
    response = signed_in(alice).post("/account/tokens", {"name": ""})
    assert b"Enter a name for the token" in response.content
    assert not ApiToken.objects.exists()


def test_a_revoked_token_no_longer_opens_the_api(signed_in, alice):
    client = signed_in(alice)
    secret = client.post("/account/tokens", {"name": "script"}, follow=True).context["new_token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/areas", **auth).status_code == 200
    token = ApiToken.objects.get(user=alice)
    assert client.post(f"/account/tokens/{token.pk}/revoke").status_code == 302
    response = client.get("/api/v1/areas", **auth)
    assert response.status_code == 401
    assert response.json()["code"] == "not-authenticated"


def test_nobody_can_revoke_someone_elses_token(signed_in, client, alice, bob):
    from lgrshare.accounts.services import token_create

    token, _ = token_create(user=alice, name="mine")
    response = signed_in(bob).post(f"/account/tokens/{token.pk}/revoke")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_names_are_unique_among_a_persons_live_tokens(signed_in, alice):
    client = signed_in(alice)
    client.post("/account/tokens", {"name": "script"})
    response = client.post("/account/tokens", {"name": "Script"})
    assert "already have a token called" in response.content.decode()
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_the_expiry_is_a_numeric_text_box_with_errors_beside_it_and_in_a_summary(signed_in, alice):
    client = signed_in(alice)
    page = client.get("/account/tokens").content.decode()
    assert 'type="number"' not in page
    assert 'name="days"' in page
    assert 'inputmode="numeric"' in page
    for typed, words in [
        ("ninety", "Enter the number of days as a whole number, like 90"),
        ("0", "A token must last at least 1 day"),
        ("366", "A token can last at most 365 days"),
    ]:
        response = client.post("/account/tokens", {"name": "script", "days": typed})
        body = response.content.decode()
        assert response.status_code == 400
        assert "There is a problem" in body
        assert body.count(words) == 2  # in the summary and beside the field
        assert 'id="id_days-error"' in body
        assert f'value="{typed}"' in body
    assert not ApiToken.objects.exists()
    client.post("/account/tokens", {"name": "script", "days": " 30 "})
    assert ApiToken.objects.get(user=alice).expires_at is not None

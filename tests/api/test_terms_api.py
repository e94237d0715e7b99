"""Accepting an agreement's terms through the API: a party's staff may, others are refused with
the policy's reason and nothing is recorded."""

import pytest

from lgrshare.accounts.services import token_create
from lgrshare.agreements.models import TermsAcceptance
from tests.agreements.conftest import cast, draft  # noqa: F401 (fixtures)
from tests.agreements.test_agreements import _sign_off


@pytest.fixture
def active(draft, cast):  # noqa: F811
    return _sign_off(draft, cast)


def _post(client, user, path):
    _, secret = token_create(user=user, name="test")
    return client.post(path, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_party_accepts_the_current_versions_terms(client, active, alice):
    response = _post(client, alice, f"/api/v1/agreements/{active.pk}/terms-acceptance")
    assert response.status_code == 200
    assert response.json()["agreement"] == active.reference
    assert response.json()["version"] == active.current().number
    assert TermsAcceptance.objects.filter(user=alice, agreement=active).count() == 1


def test_a_council_not_party_is_refused_and_an_outsider_finds_nothing(client, active, bob, charlie):
    refused = _post(client, bob, f"/api/v1/agreements/{active.pk}/terms-acceptance")
    assert (refused.status_code, refused.json()["code"]) == (403, "not-a-party")
    hidden = _post(client, charlie, f"/api/v1/agreements/{active.pk}/terms-acceptance")
    assert (hidden.status_code, hidden.json()["code"]) == (404, "agreement-not-found")
    assert not TermsAcceptance.objects.filter(user__in=[bob, charlie]).exists()


def test_a_draft_has_no_terms_to_accept_yet(client, draft, alice):  # noqa: F811
    response = _post(client, alice, f"/api/v1/agreements/{draft.pk}/terms-acceptance")
    assert (response.status_code, response.json()["code"]) == (400, "agreement-not-active")

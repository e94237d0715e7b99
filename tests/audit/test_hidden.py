"""Asking for another area's agreement, request, submission or dataset answers exactly like
asking for one that does not exist (404, same code), and is recorded as ``access-refused`` with
reason ``other-area`` naming the target; asking for one that does not exist records nothing."""

from __future__ import annotations

import pytest

from lgrshare.audit.models import AuditEntry
from tests.audit.world import World
from tests.conftest import SURREY

MISSING = 999_999


def _agreement(w: World) -> tuple[str, str, str]:
    return "/agreements/{}/", str(w.draft_agreement.pk), w.draft_agreement.reference


def _request(w: World) -> tuple[str, str, str]:
    return "/requests/{}/", str(w.request_open.pk), w.request_open.reference


def _submission(w: World) -> tuple[str, str, str]:
    return "/submissions/{}/", str(w.submission.pk), str(w.submission.pk)


def _dataset(w: World) -> tuple[str, str, str]:
    return "/catalogue/{}/", w.dataset.slug, w.dataset.slug


def _api_agreement(w: World) -> tuple[str, str, str]:
    return "/api/v1/agreements/{}", str(w.draft_agreement.pk), w.draft_agreement.reference


TARGETS = {
    "agreement": _agreement,
    "request": _request,
    "submission": _submission,
    "dataset": _dataset,
}


@pytest.mark.parametrize("kind", TARGETS)
def test_another_areas_thing_answers_like_a_missing_one_and_is_recorded(signed_in, world, kind):
    path, key, reference = TARGETS[kind](world)
    client = signed_in(world.p["charlie"])
    absent = str(MISSING) if kind != "dataset" else "no-such-dataset"
    hidden, missing = client.get(path.format(key)), client.get(path.format(absent))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.context["code"] == missing.context["code"] == f"{kind}-not-found"
    # The same words, but for the address asked for: nothing says the thing exists.
    assert hidden.context["message"] == missing.context["message"].replace(absent, key)
    refused = AuditEntry.objects.filter(actor="charlie", action="access-refused")
    assert [(r.target_type, r.target_id, r.reason) for r in refused] == [
        (kind, reference, "other-area")
    ]
    assert dict(refused[0].detail_items)["area"] == SURREY


def test_the_api_answers_the_same_and_records_the_refusal(world):
    from django.test import Client

    from lgrshare.accounts.services import token_create

    _, secret = token_create(user=world.p["charlie"], name="probe")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    path, key, reference = _api_agreement(world)
    hidden, missing = api.get(path.format(key)), api.get(path.format(MISSING))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["code"] == missing.json()["code"] == "agreement-not-found"
    refused = AuditEntry.objects.get(actor="charlie", action="access-refused")
    assert (refused.target_id, refused.reason) == (reference, "other-area")


def test_someone_elses_draft_in_the_same_area_is_hidden_but_not_called_another_areas(
    signed_in, world
):
    response = signed_in(world.p["bob"]).get(f"/requests/{world.request_draft.pk}/")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(actor="bob", reason="other-area").exists()

"""The demo's governance shows in Surrey's trail: a DPO opens it from the area page and sees
each agreement drafted, sent for review, approved, signed and activated, and the requests."""

from __future__ import annotations

import pytest

from lgrshare.agreements.models import Agreement
from lgrshare.councils.models import User
from lgrshare.demo import demo_load
from tests.conftest import SURREY


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.HOME = tmp_path
    return demo_load()


def test_the_demo_trail_shows_its_agreements_governance(signed_in, demo):
    client = signed_in(User.objects.get(username="surrey.dpo"))
    assert f'href="/areas/{SURREY}/audit"' in client.get(f"/areas/{SURREY}/").content.decode()
    # Found by title: on PostgreSQL the agreement's number depends on the tests run before.
    council_tax = Agreement.objects.get(
        title="Council tax base 2023-24 for harmonisation modelling"
    ).reference
    response = client.get(f"/areas/{SURREY}/audit?target_type=agreement&target_id={council_tax}")
    assert response.status_code == 200
    events = [e.action for e in reversed(response.context["page"].object_list)]
    assert events[0] == "agreement-drafted"
    assert "agreement-sent-for-review" in events
    assert "agreement-approved" in events
    assert "agreement-signed" in events
    assert events[-1] == "agreement-activated"
    raised = client.get(f"/areas/{SURREY}/audit?event=request-raised")
    assert raised.context["page"].paginator.count >= 1

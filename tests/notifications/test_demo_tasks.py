"""After `lgrshare demo`, the demo's DPOs and a signatory find something waiting for them."""

from __future__ import annotations

import pytest

from lgrshare.councils.models import User
from lgrshare.demo import demo_load
from lgrshare.notifications.models import Notification
from lgrshare.tasks import tasks_of

WAITING = "DSA-00004: District contracts registers for the contract transfer plan"


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.HOME = tmp_path
    return demo_load()


def _waiting(username: str) -> dict[str, list[str]]:
    user = User.objects.get(username=username)
    return {heading: [t.title for t in tasks] for heading, tasks in tasks_of(user)}


def test_the_demo_leaves_dsa_4_waiting_for_two_dpos_and_a_signatory(demo):
    for dpo in ("surrey.dpo", "woking.dpo"):
        assert WAITING in _waiting(dpo)["Agreements to review as DPO"]
    assert WAITING in _waiting("guildford.signatory")["Agreements to sign"]
    assert WAITING not in _waiting("guildford.dpo").get("Agreements to review as DPO", [])
    assert not _waiting("kent.analyst")
    assert Notification.objects.filter(
        user__username="surrey.dpo", kind="review-needed", text__startswith="DSA-00004"
    ).exists()


def test_the_demo_reader_is_asked_to_accept_dsa_2s_terms(demo):
    terms = _waiting("surrey.analyst")["Terms to accept before you can read the data"]
    assert any(title.startswith("DSA-00002") for title in terms)


def test_loading_the_demo_twice_adds_no_tasks_or_notifications(demo):
    before = Notification.objects.count()
    demo_load()
    assert Notification.objects.count() == before

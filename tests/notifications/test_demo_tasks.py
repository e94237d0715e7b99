"""After `lgrshare demo`, the demo's DPOs and a signatory find something waiting for them."""

from __future__ import annotations

import pytest

from lgrshare.agreements.models import Agreement
from lgrshare.councils.models import User
from lgrshare.demo import demo_load
from lgrshare.notifications.models import Notification
from lgrshare.tasks import tasks_of

TITLE = "District contracts registers for the contract transfer plan"
# Agreement numbers come from the database's sequence: on PostgreSQL a test does not reset it,
# so the demo's agreements are found by title (a fresh `make run` numbers them DSA-00001 on).


def _reference(title: str) -> str:
    return Agreement.objects.get(title=title).reference


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.HOME = tmp_path
    return demo_load()


def _waiting(username: str) -> dict[str, list[str]]:
    user = User.objects.get(username=username)
    return {heading: [t.title for t in tasks] for heading, tasks in tasks_of(user)}


def test_the_demo_leaves_dsa_4_waiting_for_two_dpos_and_a_signatory(demo):
    waiting = f"{_reference(TITLE)}: {TITLE}"
    for dpo in ("surrey.dpo", "woking.dpo"):
        assert waiting in _waiting(dpo)["Agreements to review as DPO"]
    assert waiting in _waiting("guildford.signatory")["Agreements to sign"]
    security = "Agreements waiting for your legal or IT security review"
    assert waiting in _waiting("surrey.security")[security]
    assert waiting not in _waiting("guildford.security").get(security, [])
    assert waiting not in _waiting("guildford.dpo").get("Agreements to review as DPO", [])
    assert not _waiting("kent.analyst")
    assert Notification.objects.filter(
        user__username="surrey.dpo", kind="review-needed", text__startswith=_reference(TITLE)
    ).exists()


def test_the_demo_reader_is_asked_to_accept_dsa_2s_terms(demo):
    terms = _waiting("surrey.analyst")["Terms to accept before you can read the data"]
    council_tax = _reference("Council tax base 2023-24 for harmonisation modelling")
    assert any(title.startswith(council_tax) for title in terms)


def test_loading_the_demo_twice_adds_no_tasks_or_notifications(demo):
    before = Notification.objects.count()
    demo_load()
    assert Notification.objects.count() == before

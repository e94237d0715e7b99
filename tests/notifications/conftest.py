"""A cast for notifications: two parties (Surrey County Council provides a contracts register,
Guildford receives it), Woking outside the agreement, and Kent in another area."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lgrshare.agreements import services as agreements
from lgrshare.councils.models import Area
from lgrshare.notifications.models import Notification
from tests.conftest import GUILDFORD, SURREY, WOKING, _make
from tests.experts import experts_reviewed

STANDARD = "contracts-register"
TERMS = {
    "purposes": "To cost the transfer of county contracts in the west Surrey proposal.",
    "data_items": [{"standard": STANDARD, "fields": ["contract_reference", "end_date"]}],
    "legal_power": "Local Government Act 1972 s.111",
    "personal_data": "none",
    "delete_by": date.today() + timedelta(days=200),
}
DOMAINS = {SURREY: "surreycc.gov.uk", GUILDFORD: "guildford.gov.uk", WOKING: "woking.gov.uk"}


def person(username: str, roles: list[str], council: str):
    user = _make(username, roles, council)
    user.email = f"{username}@{DOMAINS[council]}"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def cast(db, alice, charlie):
    return {
        "alice": alice,  # Guildford analyst: a reader of what Guildford receives
        "charlie": charlie,  # Kent: another area
        "gary": person("gary", ["data-lead"], GUILDFORD),  # drafts the agreement
        "gdpo": person("gdpo", ["dpo"], GUILDFORD),
        "gsign": person("gsign", ["senior-signatory"], GUILDFORD),
        "sue": person("sue", ["data-lead"], SURREY),  # provides the data
        "sdpo": person("sdpo", ["dpo"], SURREY),
        "ssign": person("ssign", ["senior-signatory"], SURREY),
        "wdpo": person("wdpo", ["dpo"], WOKING),
        "wanalyst": person("wanalyst", ["analyst"], WOKING),
    }


@pytest.fixture
def draft(cast):
    return agreements.agreement_create(
        user=cast["gary"],
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register for west Surrey",
        parties={SURREY: True, GUILDFORD: False},
        terms=dict(TERMS),
    )


@pytest.fixture
def in_review(draft, cast):
    agreements.agreement_send_for_review(user=cast["gary"], agreement=draft)
    return draft


def sign_off(agreement, cast):
    """Both DPOs approve and both signatories sign: the agreement turns active."""
    experts_reviewed(agreement)
    for council in ("s", "g"):
        agreements.agreement_dpo_review(
            user=cast[f"{council}dpo"], agreement=agreement, approve=True
        )
        agreements.agreement_sign(user=cast[f"{council}sign"], agreement=agreement)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def active(in_review, cast):
    return sign_off(in_review, cast)


def told(kind: str) -> set[str]:
    """The usernames notified of ``kind``."""
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))

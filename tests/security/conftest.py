"""The Surrey demo, loaded once per module inside a transaction that is rolled back after it,
and the people who must be refused: the cast of the authorisation matrix and the API fuzzer.

Each test still runs in its own savepoint (pytest-django's ``db``), so a state-changing request
that got through would be undone after its test, and the next test sees the demo as loaded.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from lgrshare.accounts.services import token_create
from lgrshare.agreements.models import Agreement
from lgrshare.agreements.services import terms_accept
from lgrshare.councils.models import Contractor, Council, User
from lgrshare.councils.services import user_create
from lgrshare.demo import DPIA_TITLE, RETENTION_TITLE, WAITING_TITLE, demo_load
from tests.conftest import PASSWORD, SURREY

ELMBRIDGE = "E07000207"  # a Surrey council that is party to none of the demo's agreements
HARMONISATION = "Council tax base 2023-24 for harmonisation modelling"
CONTRACTS = "Contracts register for the west Surrey proposal"
EVERY_ROLE = [
    "analyst",
    "data-lead",
    "ig-officer",
    "dpo",
    "senior-signatory",
    "area-admin",
    "programme-lead",
    "it-security",
    "legal-adviser",
]


@dataclass
class World:
    """The demo's people and objects, and the outsiders (every one with every role it can
    hold, so a refusal is never down to a missing role)."""

    people: dict[str, User]  # by username; the outsiders also by what they are
    agreements: dict[str, Agreement]
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, username: str) -> str:
        if username not in self.tokens:
            _, raw = token_create(user=self.people[username], name="matrix")
            self.tokens[username] = raw
        return self.tokens[username]


def _outsiders() -> dict[str, User]:
    def make(username: str, roles: list[str], **where: object) -> User:
        user, _ = user_create(
            username=username,
            first_name=username.split(".")[0].capitalize(),
            last_name="Outsider",
            roles=roles,
            password=PASSWORD,
            **where,  # type: ignore[arg-type]
        )
        return user

    other = Contractor.objects.create(
        name="Unnamed Consulting Ltd", works_for=Council.objects.get(pk=SURREY)
    )
    reader = make("surrey.reader", ["analyst"], council=Council.objects.get(pk=SURREY))
    for title in (HARMONISATION, CONTRACTS):
        terms_accept(user=reader, agreement=Agreement.objects.get(title=title))
    return {
        "surrey.reader": reader,
        "other-area": make(
            "kent.everything", EVERY_ROLE, council=Council.objects.get(pk="E10000016")
        ),
        "contractor-not-named": make("unnamed.contractor", ["analyst"], contractor=other),
        "non-party": make(
            "elmbridge.everything", EVERY_ROLE, council=Council.objects.get(pk=ELMBRIDGE)
        ),
    }


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker) -> Iterator[World]:
    with (
        tempfile.TemporaryDirectory() as home,
        override_settings(HOME=Path(home)),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        demo_load()
        people = {user.username: user for user in User.objects.all()}
        people |= {user.username: user for user in _outsiders().values()}
        titles = {
            "harmonisation": HARMONISATION,
            "contracts": CONTRACTS,
            "dpia": DPIA_TITLE,
            "waiting": WAITING_TITLE,
            "retired": RETENTION_TITLE,
        }
        agreements = {key: Agreement.objects.get(title=title) for key, title in titles.items()}
        world = World(people=people, agreements=agreements)
        for username, user in people.items():
            if user.is_active:
                world.token(username)
        yield world
        transaction.set_rollback(True)

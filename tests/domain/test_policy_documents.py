"""Opening documents (forum attachments, DPIA documents): the matrix, written by hand.

Uses the personas of the data matrix (test_policy.py): a holder and a party to the agreement,
a council in the area that is not a party, a council of another area, and contractors with a
live contractor agreement, none, an ended one, one the agreement does not name, and one that
works for a council that is not a party.
"""

from __future__ import annotations

import itertools

import pytest

from lgrshare.domain.policy import DOCUMENT_ACTIONS, PolicyInputError, decide
from lgrshare.domain.policy.documents import Document, decide_document, document_rules
from tests.domain.test_policy import PERSONAS, ROLES, SURREY_AREA, WHEN, _agreement, _subject

STATES = ["no-agreement", "draft", "active", "suspended", "terminated"]

ANY = None
CONTRACTORS = {name for name in PERSONAS if name.startswith("contractor")}
COUNCIL_STAFF = set(PERSONAS) - CONTRACTORS - {"other-area"}
NOT_DPO = set(ROLES) - {"dpo"}
NOT_LIVE = set(STATES) - {"active"}
UNNAMED = {"contractor-not-named", "contractor-non-party"}
PARTIES = {"holder", "party", "non-recipient"}

# (who, role, state, action) -> reason; the first row that fits wins.
EXPECTED = [
    ("other-area", ANY, ANY, ANY, "other-area"),
    ("contractor-no-agreement", ANY, ANY, "read-attachment", "contractor-agreement-missing"),
    ("contractor-ended", ANY, ANY, "read-attachment", "contractor-agreement-expired"),
    (CONTRACTORS, ANY, ANY, "read-dpia-document", "contractor-not-permitted"),
    (UNNAMED, ANY, ANY, ANY, "not-named-on-live-agreement"),
    ("contractor", ANY, NOT_LIVE, ANY, "not-named-on-live-agreement"),
    ("contractor", ANY, "active", "read-attachment", "allowed"),
    (COUNCIL_STAFF, ANY, ANY, "read-attachment", "allowed"),
    ("non-party", ANY, ANY, "read-dpia-document", "not-a-party"),
    (ANY, ANY, "no-agreement", "read-dpia-document", "not-a-party"),
    (PARTIES, NOT_DPO, ANY, "read-dpia-document", "role-not-permitted"),
    (PARTIES, "dpo", ANY, "read-dpia-document", "allowed"),
]  # fmt: skip


def _fits(pattern: object, value: str) -> bool:
    if pattern is ANY:
        return True
    if isinstance(pattern, str):
        return value == pattern
    assert isinstance(pattern, set)
    return value in pattern


def _expected(cell: tuple[str, ...]) -> tuple[int, str]:
    for index, row in enumerate(EXPECTED):
        if all(_fits(p, v) for p, v in zip(row[:-1], cell, strict=True)):
            return index, row[-1]
    raise AssertionError(f"no row fits {cell}")


def _document(state: str) -> Document:
    agreements = () if state == "no-agreement" else (_agreement(state),)
    return Document(area=SURREY_AREA, agreements=agreements)  # type: ignore[arg-type]


def test_every_cell_of_the_document_matrix_matches_the_table():
    wrong, rows_used = [], set()
    for who, role, state, action in itertools.product(PERSONAS, ROLES, STATES, DOCUMENT_ACTIONS):
        row, reason = _expected((who, role, state, action))
        rows_used.add(row)
        decision = decide_document(
            subject=_subject(who, role, "accepted"),
            action=action,
            document=_document(state),
            now=WHEN["during"],
        )
        if (decision.allowed, decision.reason) != (reason == "allowed", reason):
            wrong.append(f"{(who, role, state, action)}: expected {reason}, got {decision.reason}")
    assert len(rows_used) == len(EXPECTED)
    assert not wrong, f"{len(wrong)} cells differ, first: " + "; ".join(wrong[:10])


def test_a_contractor_is_refused_once_the_agreement_reaches_its_delete_by_day():
    subject = _subject("contractor", "analyst", "accepted")
    document = _document("active")
    assert decide_document(
        subject=subject, action="read-attachment", document=document, now=WHEN["during"]
    ).allowed
    after = decide_document(
        subject=subject, action="read-attachment", document=document, now=WHEN["after"]
    )
    assert after.reason == "not-named-on-live-agreement"


def test_an_agreement_naming_people_lets_only_those_contractor_staff_read():
    subject = _subject("contractor", "analyst", "accepted")
    named = _agreement("active", named_people=frozenset({"someone-else"}))
    decision = decide_document(
        subject=subject,
        action="read-attachment",
        document=Document(area=SURREY_AREA, agreements=(named,)),  # type: ignore[arg-type]
        now=WHEN["during"],
    )
    assert decision.reason == "not-named-on-live-agreement"


def test_document_actions_are_not_asked_of_the_data_policy_and_vice_versa():
    with pytest.raises(PolicyInputError):
        decide(
            subject=_subject("party", "dpo", "accepted"),
            action="read-dpia-document",
            resource=None,
            agreement=_agreement("active"),
            now=WHEN["during"],
        )
    with pytest.raises(PolicyInputError):
        decide_document(
            subject=_subject("party", "dpo", "accepted"),
            action="download",
            document=_document("active"),
            now=WHEN["during"],
        )


def test_the_rules_cover_every_document_action():
    assert set(document_rules()) == DOCUMENT_ACTIONS

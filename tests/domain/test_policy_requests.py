"""The request policy over every action, role, relation and state, against a hand-written
table; then the rules file's checks."""

from __future__ import annotations

import itertools

import pytest

from lgrshare.domain.policy import Contractor, PolicyInputError, Subject
from lgrshare.domain.policy.requests import RequestAction, RequestFacts, decide_request

SURREY_AREA, KENT_AREA = "E10000030", "E10000016"
SURREY, GUILDFORD, WOKING, MAIDSTONE = "E10000030", "E07000209", "E07000217", "E07000110"
ROLES = ["analyst", "data-lead", "ig-officer", "dpo", "senior-signatory", "it-security",
         "programme-lead", "area-admin"]  # fmt: skip
AUTHOR = "1"

# Guildford's author asks Surrey County Council for data.
STATES = {
    "draft": ("draft", False),
    "open": ("open", True),
    "fulfilled": ("fulfilled", True),
    "closed": ("closed", True),
    "stopped-draft": ("closed", False),
}


def _subject(relation: str, role: str) -> Subject:
    roles = frozenset({role})
    return {
        "author": Subject(AUTHOR, GUILDFORD, frozenset({SURREY_AREA}), roles),
        "requesting-colleague": Subject("2", GUILDFORD, frozenset({SURREY_AREA}), roles),
        "holder": Subject("3", SURREY, frozenset({SURREY_AREA}), roles),
        "non-party-in-area": Subject("4", WOKING, frozenset({SURREY_AREA}), roles),
        "contractor": Subject(
            "5", None, frozenset({SURREY_AREA}), roles, Contractor("9", SURREY, None)
        ),
        "other-area": Subject("6", MAIDSTONE, frozenset({KENT_AREA}), roles),
    }[relation]


RELATIONS = ["author", "requesting-colleague", "holder", "non-party-in-area", "contractor",
             "other-area"]  # fmt: skip
ALL = {"draft", "open", "fulfilled", "closed"}
# action -> (who, roles (empty: any), contractors may, unshared is the author's only, states)
TABLE = {
    "read-request": ("area-member", set(), True, True, ALL),
    "raise-request": ("area-member", {"analyst", "data-lead"}, False, False, set()),
    "edit-request": ("requester", set(), False, False, {"draft"}),
    "open-request": ("requester", set(), False, False, {"draft"}),
    "answer-request": ("holder", {"data-lead"}, False, False, {"open"}),
    "comment-on-request": ("area-member", set(), False, True, ALL),
    "attach-to-request": ("area-member", set(), False, True, ALL),
    "join-request": ("area-member", set(), False, True, ALL),
    "fulfil-request": ("requester", set(), False, False, {"open"}),
    "close-request": ("requester", set(), False, False, {"draft", "open"}),
}


def _expected(action: str, role: str, relation: str, state: str) -> str:
    who, roles, contractors, author_only, states = TABLE[action]
    value, opened = STATES[state]
    if relation == "other-area":
        return "other-area"
    if relation == "contractor" and not contractors:
        return "contractor-read-only"
    if action != "raise-request":
        if author_only and not opened and relation != "author":
            return "request-draft"
        if who == "holder" and relation != "holder":
            return "not-a-holder"
        requesting_lead = relation == "requesting-colleague" and role == "data-lead"
        if who == "requester" and relation != "author" and not requesting_lead:
            return "not-the-requester"
    if roles and role not in roles:
        return "role-not-permitted"
    if action != "raise-request" and value not in states:
        return "request-state-invalid"
    return "allowed"


CELLS = list(itertools.product(TABLE, ROLES, RELATIONS, STATES))


@pytest.mark.parametrize(("action", "role", "relation", "state"), CELLS)
def test_every_request_action_role_relation_and_state(action, role, relation, state):
    value, opened = STATES[state]
    facts = RequestFacts(
        area=SURREY_AREA,
        state=value,
        author=AUTHOR,
        requesting_council=GUILDFORD,
        holders=frozenset({SURREY}),
        opened=opened,
    )
    subject = _subject(relation, role)
    if action == "raise-request":
        decision = decide_request(subject=subject, action=action, area=SURREY_AREA)
    else:
        decision = decide_request(subject=subject, action=action, request=facts)
    expected = _expected(action, role, relation, state)
    assert decision.reason == expected
    assert decision.allowed == (expected == "allowed")


def test_the_matrix_covers_every_request_action_and_reason():
    assert set(TABLE) == {action.value for action in RequestAction}
    reasons = {_expected(*cell) for cell in CELLS}
    assert reasons == {
        "allowed", "other-area", "contractor-read-only", "request-draft", "not-a-holder",
        "not-the-requester", "role-not-permitted", "request-state-invalid",
    }  # fmt: skip


def test_a_request_action_needs_its_request_and_raising_its_area():
    subject = _subject("author", "analyst")
    with pytest.raises(PolicyInputError):
        decide_request(subject=subject, action="edit-request")
    with pytest.raises(PolicyInputError):
        decide_request(subject=subject, action="raise-request")
    with pytest.raises(PolicyInputError):
        decide_request(subject=subject, action="promote-request", area=SURREY_AREA)

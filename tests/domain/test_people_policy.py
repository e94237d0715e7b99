"""The people policy over every action, actor role and relation, against a hand-written table;
then terms acceptance and drafting (only parties), and the rules file's checks."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from lgrshare.domain.policy import AgreementFacts, Contractor, PolicyInputError, Subject
from lgrshare.domain.policy.parties import decide_drafting, decide_terms_acceptance
from lgrshare.domain.policy.people import Member, PeopleAction, Target, decide_people

SURREY_AREA, KENT_AREA = "E10000030", "E10000016"
SURREY, GUILDFORD, MAIDSTONE = "E10000030", "E07000209", "E07000110"
ROLES = ["analyst", "data-lead", "ig-officer", "dpo", "senior-signatory", "it-security",
         "programme-lead", "area-admin"]  # fmt: skip

# relation of the target to the actor -> the target
RELATIONS = {
    "own-council": Target(council=SURREY, area=SURREY_AREA, user_id="7"),
    "other-council": Target(council=GUILDFORD, area=SURREY_AREA, user_id="8"),
    "other-area": Target(council=MAIDSTONE, area=KENT_AREA, user_id="9"),
    "self": Target(council=SURREY, area=SURREY_AREA, user_id="1"),
    "own-grant": Target(council=SURREY, area=SURREY_AREA, user_id="7", granted_by="1"),
}
ADMINS = {"area-admin"}
ADMINS_AND_DPOS = {"area-admin", "dpo"}
# action -> (roles allowed, invites other councils, refuses self, refuses own grant)
RULES = {
    "add-person": (ADMINS, True, False, False),
    "grant-role": (ADMINS, False, False, False),
    "remove-role": (ADMINS_AND_DPOS, False, False, False),
    "confirm-person": (ADMINS_AND_DPOS, False, True, False),
    "confirm-role": (ADMINS_AND_DPOS, False, True, True),
    "deactivate-person": (ADMINS_AND_DPOS, False, True, False),
    "add-contractor": (ADMINS, False, False, False),
    "record-contractor-agreement": ({"dpo", "ig-officer"}, False, False, False),
    "sign-off-contractor-agreement": ({"dpo"}, False, False, False),
}


# The reasons only this policy and the parties' decisions give.
PEOPLE_AND_PARTY_REASONS = frozenset(
    {"needs-confirmation", "not-your-council", "own-account", "own-grant",
     "role-not-for-contractors", "drafter-not-a-party", "role-for-lead-council"}
)  # fmt: skip


def _expected(action: str, role: str, relation: str) -> str:
    roles, invites, not_self, not_by_granter = RULES[action]
    if relation == "other-area":
        return "other-area"
    if role not in roles:
        return "role-not-permitted"
    if relation == "other-council":
        return "needs-confirmation" if invites else "not-your-council"
    if relation == "self" and not_self:
        return "own-account"
    if relation == "own-grant" and not_by_granter:
        return "own-grant"
    return "allowed"


@pytest.mark.parametrize(
    ("action", "role", "relation"), list(itertools.product(RULES, ROLES, RELATIONS))
)
def test_every_people_action_role_and_relation(action, role, relation):
    actor = Member(
        user_id="1", council=SURREY, areas=frozenset({SURREY_AREA}), roles=frozenset({role})
    )
    decision = decide_people(actor=actor, action=action, target=RELATIONS[relation])
    expected = _expected(action, role, relation)
    assert decision.reason == expected
    assert decision.allowed == (expected in {"allowed", "needs-confirmation"})


def test_the_matrix_covers_every_people_action_and_reason():
    assert set(RULES) == {action.value for action in PeopleAction}
    table = {_expected(*cell) for cell in itertools.product(RULES, ROLES, RELATIONS)}
    assert (
        PEOPLE_AND_PARTY_REASONS
        - {"role-not-for-contractors", "drafter-not-a-party", "role-for-lead-council"}
        <= table
    )


@pytest.mark.parametrize("action", list(PeopleAction))
def test_contractor_staff_administer_nothing(action):
    actor = Member(
        user_id="1",
        council=None,
        areas=frozenset({SURREY_AREA}),
        roles=frozenset(ROLES),
        contractor=True,
    )
    decision = decide_people(actor=actor, action=action, target=RELATIONS["own-council"])
    assert decision.reason == "contractor-not-permitted"


@pytest.mark.parametrize(
    ("roles", "contractor", "reason"),
    [
        ({"analyst"}, False, "allowed"),
        ({"dpo"}, False, "needs-confirmation"),
        ({"senior-signatory", "analyst"}, False, "needs-confirmation"),
        ({"area-admin"}, False, "allowed"),
        ({"analyst", "data-lead"}, True, "allowed"),
        ({"dpo"}, True, "role-not-for-contractors"),
    ],
)
def test_dpo_and_signatory_grants_wait_and_contractor_staff_get_only_reading_roles(
    roles, contractor, reason
):
    admin = Member(
        user_id="1", council=SURREY, areas=frozenset({SURREY_AREA}), roles=frozenset({"area-admin"})
    )
    for action in (PeopleAction.ADD_PERSON, PeopleAction.GRANT_ROLE):
        target = Target(
            council=SURREY, area=SURREY_AREA, roles=frozenset(roles), contractor=contractor
        )
        assert decide_people(actor=admin, action=action, target=target).reason == reason


@pytest.mark.parametrize("action", [PeopleAction.ADD_PERSON, PeopleAction.GRANT_ROLE])
def test_only_the_areas_lead_council_has_area_administrators(action):
    admin = Member(
        user_id="1", council=SURREY, areas=frozenset({SURREY_AREA}), roles=frozenset({"area-admin"})
    )
    district = Target(council=GUILDFORD, area=SURREY_AREA, roles=frozenset({"area-admin"}))
    county = Target(council=SURREY, area=SURREY_AREA, roles=frozenset({"area-admin"}))
    guildford_admin = replace(admin, council=GUILDFORD)
    assert decide_people(actor=guildford_admin, action=action, target=district).reason == (
        "role-for-lead-council"
    )
    if action is PeopleAction.ADD_PERSON:  # an invitation for a district: still refused
        assert decide_people(actor=admin, action=action, target=district).reason == (
            "role-for-lead-council"
        )
    assert decide_people(actor=admin, action=action, target=county).reason == "allowed"


def test_unknown_actions_and_roles_are_input_errors():
    admin = Member(
        user_id="1", council=SURREY, areas=frozenset({SURREY_AREA}), roles=frozenset({"area-admin"})
    )
    with pytest.raises(PolicyInputError):
        decide_people(actor=admin, action="promote", target=RELATIONS["own-council"])
    with pytest.raises(PolicyInputError):
        decide_people(
            actor=admin,
            action="grant-role",
            target=Target(council=SURREY, area=SURREY_AREA, roles=frozenset({"wizard"})),
        )


NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
AGREEMENT = AgreementFacts(
    agreement_id="3",
    version=1,
    state="active",
    parties=frozenset({SURREY, GUILDFORD}),
    area=SURREY_AREA,
    contractors=frozenset({"c-named"}),
    delete_by=date(2027, 6, 30),
)


def _subject(council=SURREY, contractor=None, areas=(SURREY_AREA,), user_id="1"):
    return Subject(user_id=user_id, council=council, areas=frozenset(areas), contractor=contractor)


LIVE = date(2027, 1, 1)


def _firm(contractor_id, works_for, ends):
    return _subject(None, Contractor(contractor_id, works_for, ends))


@pytest.mark.parametrize(
    ("subject", "agreement", "reason"),
    [
        (_subject(), AGREEMENT, "allowed"),
        (_subject(council="E07000217"), AGREEMENT, "not-a-party"),
        (_subject(council=MAIDSTONE, areas=(KENT_AREA,)), AGREEMENT, "other-area"),
        (_firm("c-named", SURREY, LIVE), AGREEMENT, "allowed"),
        (_firm("c-other", SURREY, LIVE), AGREEMENT, "contractor-not-named"),
        (_firm("c-named", SURREY, None), AGREEMENT, "contractor-agreement-missing"),
        (_firm("c-named", SURREY, date(2026, 1, 1)), AGREEMENT, "contractor-agreement-expired"),
        (_firm("c-named", "E07000217", LIVE), AGREEMENT, "not-a-party"),
        (_subject(user_id="5"), replace(AGREEMENT, named_people=frozenset({"4"})), "not-named"),
        (_subject(), replace(AGREEMENT, delete_by=date(2026, 6, 1)), "agreement-expired"),
    ],
)  # fmt: skip
def test_only_parties_and_named_contractor_staff_accept_terms(subject, agreement, reason):
    assert decide_terms_acceptance(subject=subject, agreement=agreement, now=NOW).reason == reason


@pytest.mark.parametrize(
    ("state", "reason"),
    [("draft", "agreement-not-active"), ("in-review", "agreement-not-active"),
     ("suspended", "agreement-suspended"), ("terminated", "agreement-terminated")],
)  # fmt: skip
def test_terms_are_accepted_only_while_the_agreement_is_active(state, reason):
    decision = decide_terms_acceptance(
        subject=_subject(), agreement=replace(AGREEMENT, state=state), now=NOW
    )
    assert decision.reason == reason


def test_a_drafters_council_must_be_a_party():
    parties = frozenset({SURREY, GUILDFORD})
    dpo = frozenset({"dpo"})
    assert decide_drafting(subject=replace(_subject(), roles=dpo), parties=parties).allowed
    refused = decide_drafting(
        subject=replace(_subject(council="E07000217"), roles=dpo), parties=parties
    )
    assert refused.reason == "drafter-not-a-party"


@pytest.mark.parametrize(
    ("roles", "reason"),
    [
        ({"data-lead"}, "allowed"),
        ({"ig-officer"}, "allowed"),
        ({"programme-lead"}, "allowed"),
        ({"analyst"}, "role-not-permitted"),
        ({"senior-signatory"}, "role-not-permitted"),
        ({"it-security"}, "role-not-permitted"),
    ],
)
def test_the_drafting_roles_are_the_policys(roles, reason):
    subject = replace(_subject(), roles=frozenset(roles))
    assert decide_drafting(subject=subject).reason == reason


def test_contractor_staff_never_draft():
    firm = replace(_firm("c", SURREY, LIVE), roles=frozenset({"data-lead"}))
    assert decide_drafting(subject=firm).reason == "contractor-not-permitted"

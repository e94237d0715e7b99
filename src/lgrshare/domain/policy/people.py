"""Who may add people and contractors, grant, remove and confirm roles, and deactivate people.

``decide_people(actor=, action=, target=)`` returns a ``Decision`` like ``decide`` does, from the
rules in ``rules/people-policy.json``. The checks run in this order; the first that fails is
the reason:

1. **Area**: the target's area must be one of the actor's areas, else ``other-area``.
2. **Who**: contractor staff administer nothing (``contractor-not-permitted``).
3. **Role**: the actor needs one of the action's roles (``role-not-permitted``).
4. **Council**: the target (a person, a role of a person, a contractor or its agreement) must
   belong to the actor's own council: ``not-your-council``, except where the action's
   ``other_council`` is ``confirm`` (an area administrator inviting someone for another council),
   which is allowed as ``needs-confirmation``: the account waits for that council's own
   administrator or DPO.
5. **Self**: ``own-account`` for confirming or deactivating oneself; ``own-grant`` for
   confirming a grant one made oneself (two people, so one account cannot make itself a DPO).
6. **Roles given**: contractor staff can be given only the contractor roles
   (``role-not-for-contractors``); a lead-council role (the area administrator) only to staff of
   the area's lead council, the county whose GSS code is the area's (``role-for-lead-council``).
7. Otherwise ``allowed``, or ``needs-confirmation`` when a role given needs confirmation by the
   council's DPO or administrator (a DPO or senior signatory) or the person is invited for another
   council. Both are allowed; the caller records the grant as pending.

A council with no DPO or administrator yet has nobody to confirm in the pages: the operator
confirms with ``lgrshare user confirm`` at set-up (audited as the system).

Pure Python: the Django layer fills these frozen dataclasses from its models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from lgrshare.domain.policy.codes import DecisionReason, Role
from lgrshare.domain.policy.facts import Decision, PolicyInputError
from lgrshare.domain.rules import RulesInvalid, read_rules_file


class PeopleAction(StrEnum):
    ADD_PERSON = "add-person"
    GRANT_ROLE = "grant-role"
    REMOVE_ROLE = "remove-role"
    CONFIRM_PERSON = "confirm-person"
    CONFIRM_ROLE = "confirm-role"
    DEACTIVATE_PERSON = "deactivate-person"
    ADD_CONTRACTOR = "add-contractor"
    RECORD_CONTRACTOR_AGREEMENT = "record-contractor-agreement"
    SIGN_OFF_CONTRACTOR_AGREEMENT = "sign-off-contractor-agreement"


@dataclass(frozen=True, slots=True)
class Member:
    """The person acting: their council's GSS code (None for contractor staff), their areas and
    their confirmed roles."""

    user_id: str
    council: str | None
    areas: frozenset[str]
    roles: frozenset[str] = frozenset()
    contractor: bool = False


@dataclass(frozen=True, slots=True)
class Target:
    """What is acted on. ``council`` is the council it belongs to (a contractor's: the council
    it works for); ``area`` that council's area. For a person: ``user_id`` and ``contractor``
    (contractor staff). ``roles`` are the roles given (add a person, grant a role) or confirmed.
    ``granted_by`` is the user id of whoever made the grant being confirmed."""

    council: str
    area: str | None
    user_id: str | None = None
    contractor: bool = False
    roles: frozenset[str] = frozenset()
    granted_by: str | None = None


@dataclass(frozen=True, slots=True)
class _Rule:
    roles: frozenset[str]
    invite_other_council: bool
    not_self: bool
    not_by_granter: bool


@dataclass(frozen=True, slots=True)
class PeoplePolicy:
    rules: Mapping[PeopleAction, _Rule]
    roles_needing_confirmation: frozenset[str]
    contractor_roles: frozenset[str]
    lead_council_roles: frozenset[str]


@cache
def people_policy() -> PeoplePolicy:
    """Return the rules of ``rules/people-policy.json``, checked.

    Raises ``RulesInvalid`` when the file is malformed, names an unknown role, action or
    ``other_council`` answer, or leaves an action out.
    """
    data = read_rules_file("people-policy")
    known_roles = {role.value for role in Role}
    try:
        rules = {}
        for name, rule in data["actions"].items():
            if rule["other_council"] not in {"refuse", "confirm"}:
                raise RulesInvalid(
                    f"people-policy.json: {name}: other_council must be refuse or confirm."
                )
            rules[PeopleAction(name)] = _Rule(
                roles=frozenset(str(r) for r in rule["roles"]),
                invite_other_council=rule["other_council"] == "confirm",
                not_self=bool(rule.get("not_self", False)),
                not_by_granter=bool(rule.get("not_by_granter", False)),
            )
        policy = PeoplePolicy(
            rules=MappingProxyType(rules),
            roles_needing_confirmation=frozenset(data["roles_needing_confirmation"]),
            contractor_roles=frozenset(data["contractor_roles"]),
            lead_council_roles=frozenset(data["lead_council_roles"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesInvalid(f"people-policy.json: {exc}") from exc
    if set(policy.rules) != set(PeopleAction):
        raise RulesInvalid("people-policy.json: 'actions' must cover every people action.")
    named = set().union(
        *(r.roles for r in policy.rules.values()),
        policy.roles_needing_confirmation,
        policy.contractor_roles,
        policy.lead_council_roles,
    )
    if not named <= known_roles:
        raise RulesInvalid(f"people-policy.json: unknown role {sorted(named - known_roles)[0]!r}.")
    return policy


def decide_people(*, actor: Member, action: PeopleAction | str, target: Target) -> Decision:
    """Return whether ``actor`` may do ``action`` to ``target``; ``needs-confirmation`` is an
    allowed answer that the caller records as waiting for confirmation.

    Raises ``PolicyInputError`` for an unknown action or role.
    """
    try:
        act = PeopleAction(action)
    except ValueError:
        raise PolicyInputError(f"Unknown people action {action!r}.") from None
    policy = people_policy()
    unknown = target.roles - {role.value for role in Role}
    if unknown:
        raise PolicyInputError(f"Unknown role {sorted(unknown)[0]!r}.")
    rule = policy.rules[act]
    if target.area is None or target.area not in actor.areas:
        return Decision(False, DecisionReason.OTHER_AREA)
    if actor.contractor or actor.council is None:
        return Decision(False, DecisionReason.CONTRACTOR_NOT_PERMITTED)
    if not actor.roles & rule.roles:
        return Decision(False, DecisionReason.ROLE_NOT_PERMITTED)
    other_council = actor.council != target.council
    if other_council and not rule.invite_other_council:
        return Decision(False, DecisionReason.NOT_YOUR_COUNCIL)
    if rule.not_self and target.user_id is not None and target.user_id == actor.user_id:
        return Decision(False, DecisionReason.OWN_ACCOUNT)
    if rule.not_by_granter and target.granted_by == actor.user_id:
        return Decision(False, DecisionReason.OWN_GRANT)
    giving = act in {PeopleAction.ADD_PERSON, PeopleAction.GRANT_ROLE}
    if giving and target.contractor and not target.roles <= policy.contractor_roles:
        return Decision(False, DecisionReason.ROLE_NOT_FOR_CONTRACTORS)
    if giving and target.roles & policy.lead_council_roles and target.council != target.area:
        return Decision(False, DecisionReason.ROLE_FOR_LEAD_COUNCIL)
    if giving and (other_council or target.roles & policy.roles_needing_confirmation):
        return Decision(True, DecisionReason.NEEDS_CONFIRMATION)
    return Decision(True, DecisionReason.ALLOWED)

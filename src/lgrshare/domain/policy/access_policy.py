"""The data behind the policy: ``rules/access-policy.json``, read and checked once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from lgrshare.domain.policy.codes import (
    GOVERNANCE_ACTIONS,
    SUBMISSION_ACTIONS,
    Action,
    AgreementState,
    DecisionReason,
    Role,
)
from lgrshare.domain.rules import RulesInvalid, read_rules_file


@dataclass(frozen=True, slots=True)
class SubmissionRule:
    """Who may act on a submission: its submitter (when ``submitter``), or staff of the holder
    council with one of ``holder_roles``; only in the submission ``states`` listed."""

    submitter: bool
    holder_roles: frozenset[str]
    states: frozenset[str]


@dataclass(frozen=True, slots=True)
class AccessPolicy:
    """Default roles per reading or submitting action, the actions that need accepted terms,
    and for the governance actions (approve, sign, suspend, terminate) their roles, the states
    they act in and the reason when the state is wrong."""

    default_permitted_roles: Mapping[str, frozenset[str]]
    terms_required: frozenset[str]
    governance_roles: Mapping[str, frozenset[str]]
    governance_states: Mapping[str, frozenset[str]]
    wrong_state_reasons: Mapping[str, DecisionReason]
    state_reasons: Mapping[str, DecisionReason]
    submission_rules: Mapping[Action, SubmissionRule]
    drafting_roles: frozenset[str]
    dpia_roles: frozenset[str]
    # The airlock: personal-data classes whose rows only their provider reads, and the
    # actions that would hand rows out.
    airlock_classes: frozenset[str] = frozenset()
    airlock_actions: frozenset[Action] = frozenset()


@cache
def access_policy() -> AccessPolicy:
    """Return the roles and states of ``rules/access-policy.json``, checked.

    Raises ``RulesInvalid`` when the file is malformed or names an unknown role, action, state
    or reason, or leaves a refusal without a reason.
    """
    data = read_rules_file("access-policy")
    try:
        roles = {str(role) for role in data["roles"]}
        if roles != {role.value for role in Role}:
            raise RulesInvalid("access-policy.json: 'roles' must list exactly the roles of Role.")
        governance: dict[str, Any] = data["governance"]
        policy = AccessPolicy(
            default_permitted_roles=_role_map(data["default_permitted_roles"], roles),
            terms_required=frozenset(Action(action) for action in data["terms_required"]),
            governance_roles=_role_map({a: g["roles"] for a, g in governance.items()}, roles),
            governance_states=MappingProxyType(
                {
                    Action(act): frozenset(AgreementState(state) for state in rule["states"])
                    for act, rule in governance.items()
                }
            ),
            wrong_state_reasons=MappingProxyType(
                {
                    Action(act): DecisionReason(rule["wrong_state_reason"])
                    for act, rule in governance.items()
                    if "wrong_state_reason" in rule
                }
            ),
            state_reasons=MappingProxyType(
                {AgreementState(s): DecisionReason(r) for s, r in data["state_reasons"].items()}
            ),
            drafting_roles=frozenset(str(role) for role in data["drafting"]["roles"]),
            dpia_roles=frozenset(str(role) for role in data["dpia"]["roles"]),
            airlock_classes=frozenset(str(c) for c in data["airlock"]["personal_data"]),
            airlock_actions=frozenset(Action(a) for a in data["airlock"]["row_actions"]),
            submission_rules=MappingProxyType(
                {
                    Action(act): SubmissionRule(
                        submitter=bool(rule["submitter"]),
                        holder_roles=_role_map({act: rule["holder_roles"]}, roles)[act],
                        states=frozenset(str(state) for state in rule["states"]),
                    )
                    for act, rule in data["submission_actions"].items()
                }
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesInvalid(f"access-policy.json: {exc}") from exc
    if not policy.drafting_roles <= roles:
        raise RulesInvalid("access-policy.json: 'drafting' names an unknown role.")
    if not policy.dpia_roles <= roles:
        raise RulesInvalid("access-policy.json: 'dpia' names an unknown role.")
    _check_complete(policy)
    return policy


def _role_map(raw: Mapping[str, Any], roles: set[str]) -> Mapping[str, frozenset[str]]:
    mapping: dict[str, frozenset[str]] = {
        Action(action): frozenset(str(role) for role in names) for action, names in raw.items()
    }
    unknown = set().union(*mapping.values()) - roles if mapping else set()
    if unknown:
        raise RulesInvalid(f"access-policy.json: unknown role {sorted(unknown)[0]!r}.")
    return MappingProxyType(mapping)


def _check_complete(policy: AccessPolicy) -> None:
    # Every refusal the decision can reach must have a reason: fail at load, not at a user.
    if set(policy.governance_roles) != GOVERNANCE_ACTIONS:
        raise RulesInvalid("access-policy.json: 'governance' must cover every governance action.")
    if set(policy.submission_rules) != SUBMISSION_ACTIONS:
        raise RulesInvalid(
            "access-policy.json: 'submission_actions' must cover every submission action."
        )
    inactive = set(AgreementState) - {AgreementState.ACTIVE}
    if not inactive <= set(policy.state_reasons):
        raise RulesInvalid("access-policy.json: 'state_reasons' must cover every state but active.")
    for act, states in policy.governance_states.items():
        if act not in policy.wrong_state_reasons and AgreementState.ACTIVE not in states:
            raise RulesInvalid(f"access-policy.json: {act} needs a 'wrong_state_reason'.")

"""Who must sign in with a second factor (rules as data: ``rules/two-factor.json``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lgrshare.domain.policy.codes import Role
from lgrshare.domain.rules import RulesInvalid, read_rules_file


@dataclass(frozen=True, slots=True)
class TwoFactorRule:
    required_for_roles: frozenset[str]
    required_for_contractor_staff: bool


@lru_cache(maxsize=1)
def two_factor_rule() -> TwoFactorRule:
    """Return the rule, checked; raises ``RulesInvalid`` for a malformed file or unknown role."""
    data = read_rules_file("two-factor")
    try:
        roles = frozenset(Role(role).value for role in data["required_for_roles"])
        contractors = data["required_for_contractor_staff"]
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesInvalid(f"two-factor.json: {exc}") from exc
    if not isinstance(contractors, bool):
        raise RulesInvalid("two-factor.json: required_for_contractor_staff must be true or false")
    return TwoFactorRule(required_for_roles=roles, required_for_contractor_staff=contractors)


def two_factor_required(*, roles: frozenset[str], contractor_staff: bool) -> bool:
    """Return True when a person with ``roles`` (or working for a contractor) must use a
    second factor to sign in."""
    rule = two_factor_rule()
    if contractor_staff and rule.required_for_contractor_staff:
        return True
    return bool(roles & rule.required_for_roles)

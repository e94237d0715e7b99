"""Who may read the audit trail (a target's, a person's, an area's) and verify the chain.

``decide_audit(roles=, areas=, action=, area=)`` returns a ``Decision`` like ``decide`` does,
from ``rules/audit-policy.json``: ``other-area`` when ``area`` is given and is not one of
``areas``, else ``role-not-permitted`` unless one of ``roles`` may take the action, else
``allowed``. Pure Python: the audit app fills in the person's roles and areas.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from lgrshare.domain.policy.codes import DecisionReason, Role
from lgrshare.domain.policy.facts import Decision, PolicyInputError
from lgrshare.domain.rules import RulesInvalid, read_rules_file


class AuditAction(StrEnum):
    READ_TRAIL = "read-trail"
    READ_AREA_TRAIL = "read-area-trail"
    VERIFY = "verify"


@cache
def audit_roles() -> Mapping[AuditAction, frozenset[str]]:
    """Return the roles of each audit action, from ``rules/audit-policy.json``.

    Raises ``RulesInvalid`` when the file is malformed, leaves an action out or names an
    unknown role."""
    data = read_rules_file("audit-policy")
    try:
        roles = {
            AuditAction(action): frozenset(Role(role).value for role in rule["roles"])
            for action, rule in data["actions"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesInvalid(f"audit-policy.json: {exc}") from exc
    if set(roles) != set(AuditAction):
        raise RulesInvalid("audit-policy.json: 'actions' must cover every audit action.")
    return MappingProxyType(roles)


def decide_audit(
    *, roles: frozenset[str], areas: frozenset[str], action: AuditAction | str, area: str | None
) -> Decision:
    """Return whether someone with ``roles`` in ``areas`` may take ``action`` (on ``area``'s
    trail, when given). Raises ``PolicyInputError`` for an unknown action."""
    try:
        act = AuditAction(action)
    except ValueError:
        raise PolicyInputError(f"Unknown audit action {action!r}.") from None
    if area is not None and area not in areas:
        return Decision(False, DecisionReason.OTHER_AREA)
    if not roles & audit_roles()[act]:
        return Decision(False, DecisionReason.ROLE_NOT_PERMITTED)
    return Decision(True, DecisionReason.ALLOWED)

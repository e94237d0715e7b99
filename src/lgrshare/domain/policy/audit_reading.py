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

from lgrshare.domain.policy.codes import DecisionReason
from lgrshare.domain.policy.facts import Decision, PolicyInputError
from lgrshare.domain.policy.role_tables import role_table


class AuditAction(StrEnum):
    READ_TRAIL = "read-trail"
    READ_AREA_TRAIL = "read-area-trail"
    VERIFY = "verify"


@cache
def audit_roles() -> Mapping[AuditAction, frozenset[str]]:
    """Return the roles of each action, from ``rules/audit-policy.json`` (see ``role_table``)."""
    return role_table("audit-policy", AuditAction)


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

"""Who may draft an area's own data standard and make new versions of it.

``decide_standards(subject=, action=, area=)`` returns a ``Decision`` like ``decide_catalogue``,
from ``rules/standards-policy.json``: ``contractor-not-permitted`` for contractor staff,
``other-area`` when ``area`` is not one of the subject's, ``role-not-permitted`` unless one of
their roles may take the action, else ``allowed``. Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cache

from lgrshare.domain.policy.codes import DecisionReason
from lgrshare.domain.policy.facts import Decision, PolicyInputError, Subject
from lgrshare.domain.policy.role_tables import role_table


class StandardAction(StrEnum):
    DRAFT = "draft-standard"
    # An agreement's data item described in words, drafted as a standard with the agreement.
    DRAFT_FROM_ITEM = "draft-standard-from-item"


@cache
def standards_roles() -> Mapping[StandardAction, frozenset[str]]:
    """Return the roles of each action from ``rules/standards-policy.json``."""
    return role_table("standards-policy", StandardAction)


def decide_standards(*, subject: Subject, action: StandardAction | str, area: str) -> Decision:
    """Return whether ``subject`` may take ``action`` on the standards of ``area`` (its county
    GSS code). Raises ``PolicyInputError`` for an unknown action."""
    try:
        act = StandardAction(action)
    except ValueError:
        raise PolicyInputError(f"Unknown standards action {action!r}.") from None
    if subject.contractor is not None or subject.council is None:
        return Decision(False, DecisionReason.CONTRACTOR_NOT_PERMITTED)
    if area not in subject.areas:
        return Decision(False, DecisionReason.OTHER_AREA)
    if not subject.roles & standards_roles()[act]:
        return Decision(False, DecisionReason.ROLE_NOT_PERMITTED)
    return Decision(True, DecisionReason.ALLOWED)

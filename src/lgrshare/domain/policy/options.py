"""Who may appraise, save and export an area's unitary options.

``decide_options(subject=, action=, area=)`` returns a ``Decision`` from
``rules/options-policy.json``: ``contractor-not-permitted`` for contractor staff, ``other-area``
when ``area`` is not one of the subject's, ``role-not-permitted`` unless one of their roles may
take the action, else ``allowed``. Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cache

from lgrshare.domain.policy.codes import DecisionReason
from lgrshare.domain.policy.facts import Decision, PolicyInputError, Subject
from lgrshare.domain.policy.role_tables import role_table


class OptionsAction(StrEnum):
    APPRAISE = "appraise-option"
    SAVE = "save-option"
    EXPORT = "export-evidence"


@cache
def options_roles() -> Mapping[OptionsAction, frozenset[str]]:
    """Return the roles of each action from ``rules/options-policy.json`` (``role_table``)."""
    return role_table("options-policy", OptionsAction)


def decide_options(*, subject: Subject, action: OptionsAction | str, area: str) -> Decision:
    """Return whether ``subject`` may take ``action`` on the options of ``area`` (its county
    GSS code). Raises ``PolicyInputError`` for an unknown action."""
    try:
        act = OptionsAction(action)
    except ValueError:
        raise PolicyInputError(f"Unknown options action {action!r}.") from None
    if subject.contractor is not None or subject.council is None:
        return Decision(False, DecisionReason.CONTRACTOR_NOT_PERMITTED)
    if area not in subject.areas:
        return Decision(False, DecisionReason.OTHER_AREA)
    if not subject.roles & options_roles()[act]:
        return Decision(False, DecisionReason.ROLE_NOT_PERMITTED)
    return Decision(True, DecisionReason.ALLOWED)

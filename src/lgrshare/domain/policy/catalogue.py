"""Who may add to an area's catalogue: import published figures, record what a council holds.

``decide_catalogue(subject=, action=, area=)`` returns a ``Decision`` like ``decide`` does, from
``rules/catalogue-policy.json``: ``contractor-not-permitted`` for contractor staff, ``other-area``
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


class CatalogueAction(StrEnum):
    IMPORT_METRICS = "import-metrics"
    RECORD_HOLDING = "record-holding"


@cache
def catalogue_roles() -> Mapping[CatalogueAction, frozenset[str]]:
    """Return the roles of each action from ``rules/catalogue-policy.json`` (``role_table``)."""
    return role_table("catalogue-policy", CatalogueAction)


def decide_catalogue(*, subject: Subject, action: CatalogueAction | str, area: str) -> Decision:
    """Return whether ``subject`` may take ``action`` in the catalogue of ``area`` (its county
    GSS code). Raises ``PolicyInputError`` for an unknown action."""
    try:
        act = CatalogueAction(action)
    except ValueError:
        raise PolicyInputError(f"Unknown catalogue action {action!r}.") from None
    if subject.contractor is not None or subject.council is None:
        return Decision(False, DecisionReason.CONTRACTOR_NOT_PERMITTED)
    if area not in subject.areas:
        return Decision(False, DecisionReason.OTHER_AREA)
    if not subject.roles & catalogue_roles()[act]:
        return Decision(False, DecisionReason.ROLE_NOT_PERMITTED)
    return Decision(True, DecisionReason.ALLOWED)

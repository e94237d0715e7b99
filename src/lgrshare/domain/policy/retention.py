"""Who may act on retention: record the event data is kept until, delete a submission early,
confirm local copies are deleted, see the retention dashboard and certificates.

``decide_retention`` checks, in order: ``other-area`` (the subject is not in the area);
``contractor-not-permitted`` (contractor staff take none of these actions);
``role-not-permitted`` (a role ``rules/retention-policy.json`` lists for the action);
``not-a-party`` when ``parties`` is given and the subject's council is not one of them;
``not-your-council`` when ``council`` is given (the holder of a submission deleted early, the
council attesting) and it is not the subject's.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from lgrshare.domain.policy.codes import DecisionReason
from lgrshare.domain.policy.facts import Decision, Subject
from lgrshare.domain.policy.role_tables import role_table


class RetentionAction(StrEnum):
    RECORD_EVENT = "record-retention-event"
    DELETE_EARLY = "delete-early"
    ATTEST = "attest-deletion"
    VIEW = "view-retention"


@cache
def _roles() -> dict[RetentionAction, frozenset[str]]:
    return dict(role_table("retention-policy", RetentionAction))


def decide_retention(
    *,
    subject: Subject,
    action: RetentionAction,
    area: str,
    parties: frozenset[str] | None = None,
    council: str | None = None,
) -> Decision:
    """Return whether ``subject`` may take ``action`` in ``area`` (for an agreement between
    ``parties``, on behalf of ``council``). Raises ``RulesInvalid`` for a malformed rules file."""
    if area not in subject.areas:
        reason: DecisionReason | None = DecisionReason.OTHER_AREA
    elif subject.contractor is not None or subject.council is None:
        reason = DecisionReason.CONTRACTOR_NOT_PERMITTED
    elif not subject.roles & _roles()[action]:
        reason = DecisionReason.ROLE_NOT_PERMITTED
    elif parties is not None and subject.council not in parties:
        reason = DecisionReason.NOT_A_PARTY
    elif council is not None and subject.council != council:
        reason = DecisionReason.NOT_YOUR_COUNCIL
    else:
        reason = None
    return Decision(False, reason) if reason else Decision(True, DecisionReason.ALLOWED)

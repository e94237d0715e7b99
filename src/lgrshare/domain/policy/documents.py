"""Who may open a document kept with a request or an agreement: forum attachments, DPIAs.

``decide_document(subject=, action=, document=, now=)`` answers like ``decide`` does for data:
a ``Decision`` with a stable reason, which the caller audits. The checks, in order:

1. **Area**: the document's area must be one of the subject's, else ``other-area``.
2. **Contractor staff**: refused (``contractor-not-permitted``) where the rule says ``never``;
   otherwise allowed only through an agreement of the document that is live (active, started,
   before its delete-by day), has their council as a party and names their organisation (and
   them, when it names people), while their contractor agreement runs. The reason, when none
   does: ``contractor-agreement-missing``, ``contractor-agreement-expired``, else
   ``not-named-on-live-agreement``.
3. **Council staff**: for a ``party`` rule their council must be a party to one of the
   document's agreements (``not-a-party``); then they need one of the rule's roles, when it
   lists any (``role-not-permitted``).

The rules are data: ``rules/document-access.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from types import MappingProxyType

from lgrshare.domain.policy import uk_date
from lgrshare.domain.policy.codes import (
    DOCUMENT_ACTIONS,
    Action,
    AgreementState,
    DecisionReason,
    Role,
)
from lgrshare.domain.policy.facts import AgreementFacts, Decision, PolicyInputError, Subject
from lgrshare.domain.rules import RulesInvalid, read_rules_file


@dataclass(frozen=True, slots=True)
class Document:
    """A document: its area (GSS code) and the agreements it belongs to (for an attachment,
    every agreement made from its request; for a DPIA document, its agreement)."""

    area: str
    agreements: tuple[AgreementFacts, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentRule:
    council_staff: str  # "area-member" or "party"
    roles: frozenset[str]
    contractors: str  # "never" or "named-on-live-agreement"


@cache
def document_rules() -> Mapping[Action, DocumentRule]:
    """Return ``rules/document-access.json``, checked; raises ``RulesInvalid``."""
    data = read_rules_file("document-access")
    try:
        rules = {
            Action(act): DocumentRule(
                council_staff=str(rule["council_staff"]),
                roles=frozenset(Role(r).value for r in rule["roles"]),
                contractors=str(rule["contractors"]),
            )
            for act, rule in data["actions"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesInvalid(f"document-access.json: {exc}") from exc
    if set(rules) != DOCUMENT_ACTIONS:
        raise RulesInvalid("document-access.json: 'actions' must cover every document action.")
    for rule in rules.values():
        if rule.council_staff not in {"area-member", "party"} or rule.contractors not in {
            "never",
            "named-on-live-agreement",
        }:
            raise RulesInvalid("document-access.json: unknown 'council_staff' or 'contractors'.")
    return MappingProxyType(rules)


def decide_document(
    *, subject: Subject, action: Action | str, document: Document, now: datetime
) -> Decision:
    """Return whether ``subject`` may do ``action`` (a document action) to ``document`` at
    ``now``. Raises ``PolicyInputError`` for another action or a naive ``now``."""
    try:
        act = Action(action)
    except ValueError:
        raise PolicyInputError(f"Unknown action {action!r}.") from None
    if act not in DOCUMENT_ACTIONS:
        raise PolicyInputError(f"The {act} action is not an action on a document.")
    today = uk_date(now)
    rule = document_rules()[act]
    if document.area not in subject.areas:
        return Decision(False, DecisionReason.OTHER_AREA)
    if subject.contractor is not None:
        if rule.contractors == "never":
            return Decision(False, DecisionReason.CONTRACTOR_NOT_PERMITTED)
        return _contractor(subject, document.agreements, today)
    if subject.council is None:
        return Decision(False, DecisionReason.NOT_A_PARTY)
    if rule.council_staff == "party" and not any(
        subject.council in agreement.parties for agreement in document.agreements
    ):
        return Decision(False, DecisionReason.NOT_A_PARTY)
    if rule.roles and not subject.roles & rule.roles:
        return Decision(False, DecisionReason.ROLE_NOT_PERMITTED)
    return Decision(True, DecisionReason.ALLOWED)


def _contractor(subject: Subject, agreements: tuple[AgreementFacts, ...], today: date) -> Decision:
    contractor = subject.contractor
    assert contractor is not None
    if contractor.agreement_ends is None:
        return Decision(False, DecisionReason.CONTRACTOR_AGREEMENT_MISSING)
    if contractor.agreement_ends < today:
        return Decision(False, DecisionReason.CONTRACTOR_AGREEMENT_EXPIRED)
    for agreement in agreements:
        if (
            _live(agreement, today)
            and contractor.works_for in agreement.parties
            and contractor.contractor_id in agreement.contractors
            and (not agreement.named_people or subject.user_id in agreement.named_people)
        ):
            return Decision(True, DecisionReason.ALLOWED)
    return Decision(False, DecisionReason.NOT_NAMED_ON_LIVE_AGREEMENT)


def _live(agreement: AgreementFacts, today: date) -> bool:
    started = agreement.starts_on is None or agreement.starts_on <= today
    ended = agreement.delete_by is not None and today >= agreement.delete_by
    return agreement.state == AgreementState.ACTIVE and started and not ended

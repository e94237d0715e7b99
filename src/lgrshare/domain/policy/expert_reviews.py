"""The experts who review an agreement for their council, and when their review must be in
before the council signs (rules as data: ``rules/expert-reviews.json``).

A legal adviser reviews the legal power, lawful basis and other legal requirements; IT
security agrees the security level. Each records "reviewed" or "changes needed" for their own
council. Whether a review is needed depends on the agreement (personal data, classification)
and on the party (it may ask for a legal review). A "changes needed" outcome blocks the
signature like a missing review, until the expert records "reviewed".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from lgrshare.domain.policy.codes import Action
from lgrshare.domain.rules import RulesInvalid, read_rules_file


class ReviewKind(StrEnum):
    LEGAL = "legal"
    IT_SECURITY = "it-security"


class Outcome(StrEnum):
    REVIEWED = "reviewed"
    CHANGES_NEEDED = "changes-needed"


@dataclass(frozen=True, slots=True)
class ReviewRule:
    kind: ReviewKind
    title: str
    action: Action
    covers: str
    personal_data: bool
    party_asks: bool
    classifications: frozenset[str]
    missing_code: str
    missing: str
    changes_needed: str


@dataclass(frozen=True, slots=True)
class Missing:
    """A review a party still needs before it signs: a stable code and a sentence."""

    kind: ReviewKind
    code: str
    message: str


@lru_cache(maxsize=1)
def review_rules() -> Mapping[ReviewKind, ReviewRule]:
    """Return the rules of ``rules/expert-reviews.json``, checked; raises ``RulesInvalid``."""
    data = read_rules_file("expert-reviews")
    rules = {}
    try:
        for name, rule in data["kinds"].items():
            when = rule["required_when"]
            kind = ReviewKind(name)
            rules[kind] = ReviewRule(
                kind=kind,
                title=str(rule["title"]),
                action=Action(rule["action"]),
                covers=str(rule["covers"]),
                personal_data=bool(when.get("personal_data", False)),
                party_asks=bool(when.get("party_asks", False)),
                classifications=frozenset(when.get("classifications", [])),
                missing_code=str(rule["missing_code"]),
                missing=str(rule["missing"]),
                changes_needed=str(rule["changes_needed"]),
            )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesInvalid(f"expert-reviews.json: {exc}") from exc
    if set(rules) != set(ReviewKind):
        raise RulesInvalid("expert-reviews.json: 'kinds' must cover every kind of review.")
    return MappingProxyType(rules)


def reviews_needed(
    *, personal_data: bool, classification: str, legal_asked: bool
) -> frozenset[ReviewKind]:
    """Return the reviews a party needs before it signs an agreement like this."""
    needed = set()
    for kind, rule in review_rules().items():
        asked = legal_asked and kind is ReviewKind.LEGAL
        if (
            (rule.personal_data and personal_data)
            or (rule.party_asks and asked)
            or classification in rule.classifications
        ):
            needed.add(kind)
    return frozenset(needed)


def reviews_missing(
    *, needed: frozenset[ReviewKind], recorded: Mapping[ReviewKind, str], council: str
) -> tuple[Missing, ...]:
    """Return what stops the party signing: each needed review not recorded as "reviewed", and
    any review, needed or not, whose expert asked for changes (a signatory never signs past an
    expert's "changes needed")."""
    rules = review_rules()
    return tuple(
        Missing(
            kind=kind,
            code=rules[kind].missing_code,
            message=rules[kind].missing.format(council=council)
            if recorded.get(kind) != Outcome.CHANGES_NEEDED
            else rules[kind].changes_needed.format(council=council),
        )
        for kind in ReviewKind
        if (kind in needed and recorded.get(kind) != Outcome.REVIEWED)
        or recorded.get(kind) == Outcome.CHANGES_NEEDED
    )

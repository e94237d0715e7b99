"""Who has advised on a version, per party, and what is still needed before it signs.

The DPO's review, the legal adviser's and IT security's reviews, and the signature, each with
who, when and their comments: for the agreement page, its PDF and the API. Which reviews a party
needs is the domain's rule (``domain/policy/expert_reviews.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lgrshare.agreements.models import AgreementVersion, ExpertReview, Party
from lgrshare.domain.policy.expert_reviews import (
    Missing,
    ReviewKind,
    review_rules,
    reviews_missing,
    reviews_needed,
)

PERSONAL = {"personal", "special-category"}


@dataclass(frozen=True, slots=True)
class AdviceLine:
    """One step of one party's sign-off: who, when, what they said; or that it is awaited."""

    step: str  # "dpo", "legal", "it-security", "signature"
    title: str  # "DPO review", "Legal review", ...
    # "approved", "returned", "reviewed", "changes-needed", "signed", "awaited", "not-needed"
    outcome: str
    outcome_label: str
    name: str
    at: datetime | None
    comments: str


@dataclass(frozen=True, slots=True)
class PartyAdvice:
    council: str
    gss_code: str
    lines: tuple[AdviceLine, ...]
    still_needed: tuple[Missing, ...]


def needed_for(party: Party, version: AgreementVersion) -> frozenset[ReviewKind]:
    return reviews_needed(
        personal_data=version.personal_data in PERSONAL,
        classification=version.classification,
        legal_asked=party.legal_review_asked,
    )


def missing_for(party: Party, version: AgreementVersion) -> tuple[Missing, ...]:
    """Return the reviews ``party`` still needs before its signatory may sign ``version``."""
    recorded = {ReviewKind(r.kind): r.outcome for r in party.expert_reviews.all()}
    return reviews_missing(
        needed=needed_for(party, version), recorded=recorded, council=party.council.name
    )


_OUTCOMES = {
    "approved": "Approved",
    "returned": "Returned with comments",
    "reviewed": "Reviewed",
    "changes-needed": "Changes needed",
    "signed": "Signed",
    "awaited": "Waiting",
    "not-needed": "Not needed",
}


def _line(step: str, title: str, outcome: str, name: str = "", at=None, comments: str = ""):  # type: ignore[no-untyped-def]
    return AdviceLine(step, title, outcome, _OUTCOMES[outcome], name, at, comments)


def advice_of(version: AgreementVersion) -> tuple[PartyAdvice, ...]:
    """Return each party's sign-off trail for ``version``, in the parties' order."""
    rules = review_rules()
    parties = version.parties.select_related("council", "dpo_by", "signed_by").prefetch_related(
        "expert_reviews"
    )
    result = []
    for party in parties:
        reviews: dict[ReviewKind, ExpertReview] = {
            ReviewKind(r.kind): r for r in party.expert_reviews.all()
        }
        needed = needed_for(party, version)
        lines = []
        if party.dpo_decision == Party.Decision.PENDING:
            lines.append(_line("dpo", "DPO review", "awaited"))
        else:
            lines.append(
                _line(
                    "dpo",
                    "DPO review",
                    str(party.dpo_decision),
                    party.dpo_name,
                    party.dpo_at,
                    party.dpo_comments,
                )
            )
        for kind in ReviewKind:
            title = rules[kind].title
            review = reviews.get(kind)
            if review is not None:
                lines.append(
                    _line(
                        kind.value,
                        title,
                        review.outcome,
                        review.by_name,
                        review.at,
                        review.comments,
                    )
                )
            else:
                lines.append(
                    _line(kind.value, title, "awaited" if kind in needed else "not-needed")
                )
        if party.signed_at is not None:
            lines.append(
                _line("signature", "Signature", "signed", party.signatory_name, party.signed_at)
            )
        else:
            lines.append(_line("signature", "Signature", "awaited"))
        result.append(
            PartyAdvice(
                council=party.council.official_name,
                gss_code=party.council_id,
                lines=tuple(lines),
                still_needed=missing_for(party, version),
            )
        )
    return tuple(result)

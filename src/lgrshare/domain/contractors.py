"""A contractor agreement's Article 28 particulars, checked all at once.

``check_particulars`` returns every problem (a stable code and a sentence an officer
understands), so the form lists them together; an empty list means the agreement can be
recorded. The obligations a processor's contract must bind it to are data:
``rules/article-28.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from lgrshare.domain.rules import RulesInvalid, read_rules_file


@dataclass(frozen=True, slots=True)
class Obligation:
    code: str
    reference: str
    title: str


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    field: str


@dataclass(frozen=True, slots=True)
class Particulars:
    """What Article 28(3) says the contract sets out."""

    subject_matter: str
    nature_and_purpose: str
    personal_data_types: str
    data_subject_categories: str
    obligations: frozenset[str]
    starts_on: date | None
    ends_on: date | None


@cache
def article_28_obligations() -> tuple[Obligation, ...]:
    """Return the obligations of ``rules/article-28.json``; raises ``RulesInvalid``."""
    data = read_rules_file("article-28")
    try:
        found = tuple(
            Obligation(code=str(o["code"]), reference=str(o["reference"]), title=str(o["title"]))
            for o in data["obligations"]
        )
    except (KeyError, TypeError) as exc:
        raise RulesInvalid(f"article-28.json: {exc}") from exc
    if not found or len({o.code for o in found}) != len(found):
        raise RulesInvalid("article-28.json: obligations must be listed once each.")
    return found


_REQUIRED_TEXT = (
    ("subject_matter", "subject-matter-required", "Say what the contractor does"),
    ("nature_and_purpose", "nature-and-purpose-required", "Say the nature and purpose"),
    ("personal_data_types", "personal-data-types-required", "Say which types of personal data"),
    ("data_subject_categories", "data-subject-categories-required", "Say whose data it is"),
)


def check_particulars(particulars: Particulars) -> list[Problem]:
    """Return every problem with ``particulars`` in the order of the form (empty: none)."""
    problems = [
        Problem(code, message, name)
        for name, code, message in _REQUIRED_TEXT
        if not getattr(particulars, name).strip()
    ]
    if particulars.starts_on is None or particulars.ends_on is None:
        problems.append(Problem("duration-required", "Give the start and end dates", "starts_on"))
    elif particulars.ends_on <= particulars.starts_on:
        problems.append(
            Problem("dates-invalid", "The end date must be after the start date", "ends_on")
        )
    known = {o.code for o in article_28_obligations()}
    unknown = particulars.obligations - known
    missing = [o for o in article_28_obligations() if o.code not in particulars.obligations]
    if unknown:
        problems.append(
            Problem("obligation-unknown", f"Unknown obligation {sorted(unknown)[0]}", "obligations")
        )
    if missing:
        problems.append(
            Problem(
                "processor-obligations-missing",
                "The contract must bind the contractor to every Article 28(3) obligation; "
                "missing: " + "; ".join(f"{o.title} ({o.reference})" for o in missing),
                "obligations",
            )
        )
    return problems

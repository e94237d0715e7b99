"""The legal catalogue: Article 6 lawful bases, Article 9 and 10 conditions, Schedule 1 conditions.

Read from ``rules/lawful-bases.json`` and ``rules/conditions.json``. Forms offer these as choices
(with their notes and references), and ``legal_facts`` turns the choices recorded on an agreement
into facts the screening rules test, such as whether the Schedule 1 condition chosen is in the
Part the Article 9 condition needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.rules import RulesInvalid, read_rules_file
from lgrshare.domain.screening.engine import FactValue

USES = ("normal", "limited", "not-available")
# The facts legal_facts computes: the rules files may test them by name.
LEGAL_FACTS = frozenset(
    {
        "lawful_basis_use",
        "article_9_schedule_1_part",
        "article_9_needs_apd",
        "schedule_1_condition_for_article_9",
        "article_10_condition_met",
        "schedule_1_needs_apd",
    }
)


class ScreeningInputError(InvalidInput):
    """The facts given for screening are not valid (an unknown code or class)."""

    code = "screening-input-invalid"
    title = "The screening facts are not valid"


@dataclass(frozen=True, slots=True)
class LawfulBasis:
    """An Article 6(1) basis; ``use_by_councils`` is "normal", "limited" or "not-available"."""

    code: str
    title: str
    reference: str
    use_by_councils: str
    note: str


@dataclass(frozen=True, slots=True)
class Article9Condition:
    """An Article 9(2) condition; ``schedule_1_part`` is the Part it needs ("1", "2" or None)."""

    code: str
    title: str
    reference: str
    schedule_1_part: str | None
    appropriate_policy_document: bool
    note: str


@dataclass(frozen=True, slots=True)
class Schedule1Condition:
    """A condition in Schedule 1 to the DPA 2018, keyed by paragraph (``para-18``)."""

    code: str
    part: str
    title: str
    reference: str
    appropriate_policy_document: bool
    note: str


@dataclass(frozen=True, slots=True)
class Guidance:
    title: str
    reference: str
    note: str


@dataclass(frozen=True, slots=True)
class Conditions:
    """Everything in ``conditions.json``; ``article_10_parts`` are the Parts Article 10 accepts."""

    article_9: tuple[Article9Condition, ...]
    article_10: Guidance
    article_10_parts: tuple[str, ...]
    schedule_1: tuple[Schedule1Condition, ...]
    appropriate_policy_document: Guidance

    def article_9_by_code(self) -> dict[str, Article9Condition]:
        return {condition.code: condition for condition in self.article_9}

    def schedule_1_by_code(self) -> dict[str, Schedule1Condition]:
        return {condition.code: condition for condition in self.schedule_1}


@cache
def lawful_bases() -> tuple[LawfulBasis, ...]:
    """Return the Article 6(1) lawful bases in order, each with its note for councils.

    Raises ``RulesInvalid`` when the shipped file is malformed.
    """
    data = read_rules_file("lawful-bases")
    try:
        bases = tuple(LawfulBasis(**_fields(item, LawfulBasis)) for item in data["bases"])
    except (KeyError, TypeError) as exc:
        raise RulesInvalid(f"lawful-bases.json: {exc}") from exc
    if any(basis.use_by_councils not in USES for basis in bases):
        raise RulesInvalid(f"lawful-bases.json: use_by_councils must be one of {', '.join(USES)}.")
    return bases


@cache
def conditions() -> Conditions:
    """Return the Article 9, Article 10 and Schedule 1 conditions.

    Raises ``RulesInvalid`` when the shipped file is malformed.
    """
    data = read_rules_file("conditions")
    try:
        article_10 = data["article_10"]
        result = Conditions(
            article_9=tuple(
                Article9Condition(**_fields(i, Article9Condition)) for i in data["article_9"]
            ),
            article_10=Guidance(**_fields(article_10, Guidance)),
            article_10_parts=tuple(article_10["schedule_1_parts"]),
            schedule_1=tuple(
                Schedule1Condition(**_fields(i, Schedule1Condition)) for i in data["schedule_1"]
            ),
            appropriate_policy_document=Guidance(
                **_fields(data["appropriate_policy_document"], Guidance)
            ),
        )
    except (KeyError, TypeError) as exc:
        raise RulesInvalid(f"conditions.json: {exc}") from exc
    parts = {condition.part for condition in result.schedule_1}
    needed = {condition.schedule_1_part for condition in result.article_9} - {None}
    if not needed <= parts or not set(result.article_10_parts) <= parts:
        raise RulesInvalid(
            "conditions.json: a Schedule 1 Part is referred to but has no condition."
        )
    return result


def legal_facts(
    *,
    lawful_basis: str | None,
    article_9_condition: str | None,
    schedule_1_conditions: Sequence[str],
) -> dict[str, FactValue]:
    """Return the facts (see ``LEGAL_FACTS``) that follow from the legal choices recorded.

    Raises ``ScreeningInputError`` for a code that is not in the catalogue.
    """
    bases = {basis.code: basis for basis in lawful_bases()}
    catalogue = conditions()
    article_9 = catalogue.article_9_by_code()
    schedule_1 = catalogue.schedule_1_by_code()
    if lawful_basis is not None and lawful_basis not in bases:
        raise ScreeningInputError(
            f"Unknown Article 6(1) lawful basis {lawful_basis!r}: use one of {', '.join(bases)}."
        )
    if article_9_condition is not None and article_9_condition not in article_9:
        raise ScreeningInputError(
            f"Unknown Article 9(2) condition {article_9_condition!r}: "
            f"use one of {', '.join(article_9)}."
        )
    unknown = [code for code in schedule_1_conditions if code not in schedule_1]
    if unknown:
        raise ScreeningInputError(
            f"Unknown Schedule 1 condition {unknown[0]!r}: use one of {', '.join(schedule_1)}."
        )
    chosen = [schedule_1[code] for code in schedule_1_conditions]
    parts = {condition.part for condition in chosen}
    needed_part = article_9[article_9_condition].schedule_1_part if article_9_condition else None
    return {
        "lawful_basis_use": bases[lawful_basis].use_by_councils if lawful_basis else None,
        "article_9_schedule_1_part": needed_part,
        "article_9_needs_apd": bool(
            article_9_condition and article_9[article_9_condition].appropriate_policy_document
        ),
        "schedule_1_condition_for_article_9": needed_part is None or needed_part in parts,
        "article_10_condition_met": bool(parts & set(catalogue.article_10_parts)),
        "schedule_1_needs_apd": any(condition.appropriate_policy_document for condition in chosen),
    }


def _fields(item: Mapping[str, Any], cls: type[Any]) -> dict[str, Any]:
    # Only the dataclass's own keys: the files may carry more for people to read.
    return {spec.name: item[spec.name] for spec in fields(cls) if spec.name in item}

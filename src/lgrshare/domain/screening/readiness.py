"""Whether an agreement may go live: ``readiness(facts) -> tuple[Problem, ...]``.

An agreement cannot be sent for review, approved by a DPO or signed while any problem stands.
The rules are data (``rules/readiness.json``), evaluated by the screening engine over facts this
module computes from the agreement's terms, its DPIA screening, the DPIA decision a DPO recorded
and the metadata of the standards it shares. Every problem is reported, not just the first, each
with a stable code and a sentence an information governance officer understands.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.rules import RulesInvalid, read_rules_file
from lgrshare.domain.screening.catalogue import conditions
from lgrshare.domain.screening.dpia import Outcome, ScreeningResult
from lgrshare.domain.screening.engine import FactValue, RuleSet, evaluate, parse_ruleset

# The facts ``readiness.json`` may test, all computed by ``_facts``.
FACTS = frozenset(
    {
        "dpia_required",
        "dpia_completed",
        "dpia_high_residual_risk",
        "ico_consultation_recorded",
        "flag_article_9_condition_missing",
        "flag_schedule_1_condition_missing",
        "flag_criminal_offence_condition_missing",
        "flag_appropriate_policy_document_needed",
        "appropriate_policy_document_recorded",
        "special_category_data",
        "classification",
        "classification_below_standards",
        "personal_data_below_standards",
        "delete_by_passed",
        "no_data_items",
        "standard_unconfirmed",
    }
)
# The names a rule's message may use in {braces}, all computed by ``_context``.
PLACEHOLDERS = frozenset(
    {
        "article_9_part",
        "classification",
        "required_classification",
        "classification_standards",
        "personal_data",
        "required_personal_data",
        "personal_data_standards",
        "delete_by",
        "unconfirmed_standards",
    }
)
# The problems a draft may be saved with (with a warning): its levels against its standards.
LEVEL_GROUP = "levels"
RESIDUAL_RISKS = ("low", "medium", "high")


@dataclass(frozen=True, slots=True)
class StandardLevel:
    """What a standard's metadata declares: how personal its data is and its classification."""

    name: str
    title: str
    personal_data: str
    sensitivity: str
    # A version the service proposed (from an example file or an item in words) that nobody
    # has confirmed field by field.
    proposed: bool = False


@dataclass(frozen=True, slots=True)
class DpiaDecision:
    """The DPIA decision recorded for an agreement. ``status`` is "not-started",
    "in-progress", "complete" or "not-needed"; ``residual_risk`` is "", "low", "medium" or
    "high"; ``decided_by_dpo`` says a party's DPO recorded it."""

    status: str
    outcome: str = ""
    residual_risk: str = ""
    decided_by_dpo: bool = False
    ico_consultation: str = ""
    appropriate_policy_document: str = ""


@dataclass(frozen=True, slots=True)
class ReadinessFacts:
    """What the readiness rules look at. ``personal_data`` and ``classification`` are the
    agreement's; ``dpia`` is None when nothing has been recorded; ``article_9_condition`` is the
    Article 9(2) point chosen, to name the Part of Schedule 1 it needs."""

    screening: ScreeningResult
    personal_data: str
    classification: str
    standards: tuple[StandardLevel, ...] = ()
    dpia: DpiaDecision | None = None
    delete_by: date | None = None
    today: date | None = None
    article_9_condition: str | None = None
    # How many data items (standards and other items) the terms name.
    data_items: int = 1


@dataclass(frozen=True, slots=True)
class Problem:
    """One blocking problem: a stable code, a sentence for people, the law, what unblocks it."""

    code: str
    message: str
    reference: str
    detail: str = ""
    group: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class AgreementNotReady(InvalidInput):
    """The agreement cannot go live yet; ``problems`` lists every blocking problem."""

    code = "agreement-not-ready"
    title = "This agreement cannot go further until these problems are resolved"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        listed = " ".join(problem.message for problem in self.problems)
        super().__init__(
            f"This agreement cannot go further until {count} "
            f"problem{'s are' if count != 1 else ' is'} resolved: {listed}"
        )


@dataclass(frozen=True, slots=True)
class Levels:
    """The ordered classes of personal data and classifications, lowest first, with labels."""

    personal_data: tuple[tuple[str, str], ...]
    classification: tuple[tuple[str, str], ...]

    def rank(self, kind: str, value: str) -> int:
        codes = [code for code, _ in getattr(self, kind)]
        return codes.index(value) if value in codes else 0

    def label(self, kind: str, value: str) -> str:
        return dict(getattr(self, kind)).get(value, value)


@cache
def readiness_rules() -> tuple[RuleSet, Levels, Mapping[str, str]]:
    """Return the readiness rules, the levels they compare and each rule's group.

    Raises ``RulesInvalid`` when ``readiness.json`` is malformed, tests an unknown fact or a
    message names an unknown placeholder.
    """
    data = read_rules_file("readiness")
    rules = parse_ruleset(data, known_facts=FACTS)
    try:
        levels = Levels(
            personal_data=tuple((str(c), str(t)) for c, t in data["levels"]["personal_data"]),
            classification=tuple((str(c), str(t)) for c, t in data["levels"]["classification"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesInvalid(f"readiness.json: levels: {exc}") from exc
    groups = {}
    for group in rules.groups:
        for rule in group.rules:
            names = {name for _, name, _, _ in string.Formatter().parse(rule.title) if name}
            if not names <= PLACEHOLDERS:
                raise RulesInvalid(
                    f"readiness.json: rule {rule.code}: unknown placeholder "
                    f"{sorted(names - PLACEHOLDERS)[0]!r}."
                )
            groups[rule.code] = group.name
    return rules, levels, groups


def readiness(facts: ReadinessFacts, *, groups: Sequence[str] | None = None) -> tuple[Problem, ...]:
    """Return every problem that stops the agreement going live, in the rules file's order
    (only those of ``groups`` when given); an empty tuple when it may go ahead.

    Raises ``RulesInvalid`` for a malformed rules file.
    """
    rules, levels, group_of = readiness_rules()
    evaluation = evaluate((rules,), _facts(facts, levels))
    context = _context(facts, levels)
    return tuple(
        Problem(
            code=match.rule.code,
            message=match.rule.title.format(**context),
            reference=match.rule.reference,
            detail=match.rule.detail.format(**context),
            group=group_of[match.rule.code],
        )
        for match in evaluation.matches
        if groups is None or match.group.name in groups
    )


def require_ready(facts: ReadinessFacts) -> None:
    """Return None when the agreement may go live; raises ``AgreementNotReady`` otherwise."""
    problems = readiness(facts)
    if problems:
        raise AgreementNotReady(problems)


def _above(facts: ReadinessFacts, levels: Levels, kind: str) -> list[StandardLevel]:
    # The standards declaring more than the agreement does, for "personal_data" or
    # "classification" (a standard's classification is its "sensitivity").
    own = levels.rank(kind, getattr(facts, kind))
    attribute = "sensitivity" if kind == "classification" else kind
    return [s for s in facts.standards if levels.rank(kind, getattr(s, attribute)) > own]


def _facts(facts: ReadinessFacts, levels: Levels) -> dict[str, FactValue]:
    flags = set(facts.screening.flag_codes)
    dpia = facts.dpia
    completed = bool(
        dpia
        and dpia.status == "complete"
        and dpia.outcome.strip()
        and dpia.residual_risk in RESIDUAL_RISKS
        and dpia.decided_by_dpo
    )
    return {
        "dpia_required": facts.screening.outcome == Outcome.REQUIRED,
        "dpia_completed": completed,
        "dpia_high_residual_risk": bool(dpia and dpia.residual_risk == "high"),
        "ico_consultation_recorded": bool(dpia and dpia.ico_consultation.strip()),
        "flag_article_9_condition_missing": "article-9-condition-missing" in flags,
        "flag_schedule_1_condition_missing": "schedule-1-condition-missing" in flags,
        "flag_criminal_offence_condition_missing": "criminal-offence-condition-missing" in flags,
        "flag_appropriate_policy_document_needed": (
            facts.screening.needs_appropriate_policy_document
        ),
        "appropriate_policy_document_recorded": bool(
            dpia and dpia.appropriate_policy_document.strip()
        ),
        "special_category_data": facts.personal_data == "special-category",
        "classification": facts.classification,
        "classification_below_standards": bool(_above(facts, levels, "classification")),
        "personal_data_below_standards": bool(_above(facts, levels, "personal_data")),
        "delete_by_passed": bool(facts.delete_by and facts.today and facts.delete_by < facts.today),
        "no_data_items": facts.data_items == 0,
        "standard_unconfirmed": any(s.proposed for s in facts.standards),
    }


def _context(facts: ReadinessFacts, levels: Levels) -> dict[str, Any]:
    sensitive = _above(facts, levels, "classification")
    personal = _above(facts, levels, "personal_data")
    highest_class = max(
        (s.sensitivity for s in sensitive),
        key=lambda value: levels.rank("classification", value),
        default=facts.classification,
    )
    highest_personal = max(
        (s.personal_data for s in personal),
        key=lambda value: levels.rank("personal_data", value),
        default=facts.personal_data,
    )
    return {
        "article_9_part": _article_9_part(facts.article_9_condition),
        "classification": facts.classification,
        "required_classification": levels.label("classification", highest_class),
        "classification_standards": _names(sensitive),
        "personal_data": levels.label("personal_data", facts.personal_data),
        "required_personal_data": levels.label("personal_data", highest_personal),
        "personal_data_standards": _names(personal),
        "delete_by": f"{facts.delete_by:%-d %B %Y}" if facts.delete_by else "",
        "unconfirmed_standards": _names([s for s in facts.standards if s.proposed]),
    }


def _names(standards: list[StandardLevel]) -> str:
    titles = [f"'{s.title}'" for s in standards]
    if len(titles) < 2:
        return f"the standard {''.join(titles)}"
    return f"the standards {', '.join(titles[:-1])} and {titles[-1]}"


def _article_9_part(code: str | None) -> str:
    condition = conditions().article_9_by_code().get(code or "")
    return (condition.schedule_1_part if condition else None) or "1 or 2"

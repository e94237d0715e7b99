"""DPIA screening and lawful-basis checks: ``screen(facts) -> ScreeningResult``.

The facts come from a data request and its agreement; the rules are data
(``rules/dpia-screening.json`` then ``rules/legal-basis-checks.json``), evaluated by
``lgrshare.domain.screening.engine``. Adding a criterion means adding a rule to a file, not code;
adding a new *kind* of fact means a new field on ``ScreeningFacts``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum

from lgrshare.domain.screening.catalogue import (
    LEGAL_FACTS,
    LawfulBasis,
    ScreeningInputError,
    lawful_bases,
    legal_facts,
)
from lgrshare.domain.screening.engine import FactValue, Match, RuleSet, evaluate, load_ruleset


class PersonalData(StrEnum):
    """How personal a dataset is; the same classes as a standard's ``personal_data``."""

    NONE = "none"
    AGGREGATE = "aggregate"
    PERSONAL = "personal"
    SPECIAL_CATEGORY = "special-category"


class Outcome(StrEnum):
    REQUIRED = "required"
    LIKELY = "likely"
    NOT_REQUIRED = "not-required"

    @property
    def label(self) -> str:
        return {
            "required": "A DPIA is required",
            "likely": "A DPIA is likely to be needed: the DPO decides",
            "not-required": "A DPIA is not required",
        }[self.value]


_SEVERITY = {Outcome.NOT_REQUIRED: 0, Outcome.LIKELY: 1, Outcome.REQUIRED: 2}


@dataclass(frozen=True, slots=True)
class ScreeningFacts:
    """What a request and its agreement say about the processing. Everything defaults to "no".

    ``personal_data`` is a ``PersonalData`` value. ``data_subjects`` is the number of people the
    data is about, when known. ``automated_decisions`` means decisions with legal or similarly
    significant effects; ``affects_access_to_services`` means the processing is used to decide
    people's access to a service, opportunity or benefit; ``invisible_processing`` means people
    will not be told directly (UK GDPR Article 14(5)(b)). ``employees`` means record-level data
    about staff. The legal choices are codes from the catalogue: ``lawful_basis`` an Article 6(1)
    point ("e"), ``article_9_condition`` an Article 9(2) point ("h"), ``schedule_1_conditions``
    Schedule 1 paragraphs ("para-2").
    """

    personal_data: str = PersonalData.NONE
    special_category: bool = False
    criminal_offence_data: bool = False
    children: bool = False
    vulnerable_people: bool = False
    employees: bool = False
    data_matching: bool = False
    data_subjects: int | None = None
    large_scale: bool = False
    new_technology: bool = False
    contractor_access: bool = False
    systematic_monitoring: bool = False
    publicly_accessible_area: bool = False
    evaluation_or_scoring: bool = False
    automated_decisions: bool = False
    affects_access_to_services: bool = False
    invisible_processing: bool = False
    biometric_data: bool = False
    genetic_data: bool = False
    tracking: bool = False
    risk_of_physical_harm: bool = False
    lawful_basis: str | None = None
    article_9_condition: str | None = None
    schedule_1_conditions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """One rule that matched: a stable code, a title for people and the legal reference."""

    code: str
    title: str
    reference: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """The screening answer shown to the DPO.

    ``reasons`` explain the outcome (every DPIA rule that matched, in file order);
    ``lawful_basis_notes`` are the Article 6 bases with notes for councils (empty when no
    personal data is processed); ``flags`` are problems with the legal choices to resolve before
    signing (``article-9-condition-missing``, ...); ``needs_appropriate_policy_document`` is true
    when a condition relied on is met only with an appropriate policy document (DPA 2018
    Schedule 1, Part 4).
    """

    outcome: Outcome
    reasons: tuple[Reason, ...]
    lawful_basis_notes: tuple[LawfulBasis, ...]
    needs_appropriate_policy_document: bool
    flags: tuple[Reason, ...] = ()

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)

    @property
    def flag_codes(self) -> tuple[str, ...]:
        return tuple(flag.code for flag in self.flags)


BASE_FACTS = frozenset(spec.name for spec in fields(ScreeningFacts))


def screening_rules() -> tuple[RuleSet, RuleSet]:
    """Return the DPIA screening rules and the legal-basis checks, parsed and checked.

    Raises ``RulesInvalid`` when a shipped rules file is malformed.
    """
    known = BASE_FACTS | LEGAL_FACTS
    dpia = load_ruleset("dpia-screening", known)
    checks = load_ruleset("legal-basis-checks", known | dpia.defined_facts())
    return dpia, checks


def screen(facts: ScreeningFacts) -> ScreeningResult:
    """Return whether a DPIA is required, likely or not required for ``facts``, and why.

    Raises ``ScreeningInputError`` for an unknown personal data class, a negative number of
    people or a legal code not in the catalogue; ``RulesInvalid`` for a malformed rules file.
    """
    if facts.personal_data not in {kind.value for kind in PersonalData}:
        raise ScreeningInputError(
            f"Unknown personal data class {facts.personal_data!r}: use one of "
            f"{', '.join(kind.value for kind in PersonalData)}."
        )
    if facts.data_subjects is not None and facts.data_subjects < 0:
        raise ScreeningInputError("The number of data subjects cannot be negative.")
    known: dict[str, FactValue] = {spec.name: getattr(facts, spec.name) for spec in fields(facts)}
    known["personal_data"] = str(facts.personal_data)
    known["schedule_1_conditions"] = tuple(facts.schedule_1_conditions)
    known.update(
        legal_facts(
            lawful_basis=facts.lawful_basis,
            article_9_condition=facts.article_9_condition,
            schedule_1_conditions=facts.schedule_1_conditions,
        )
    )
    dpia, checks = screening_rules()
    screening = evaluate((dpia,), known)
    checked = evaluate((checks,), screening.facts)
    outcome = max(
        (Outcome(match.rule.outcome) for match in screening.matches if match.rule.outcome),
        key=_SEVERITY.__getitem__,
        default=Outcome.NOT_REQUIRED,
    )
    personal = screening.facts.get("processes_personal_data") is True
    return ScreeningResult(
        outcome=outcome,
        reasons=tuple(_reason(match) for match in screening.matches),
        lawful_basis_notes=lawful_bases() if personal else (),
        needs_appropriate_policy_document=any(
            match.rule.appropriate_policy_document for match in checked.matches
        ),
        flags=tuple(_reason(match) for match in checked.matches),
    )


def _reason(match: Match) -> Reason:
    rule = match.rule
    return Reason(code=rule.code, title=rule.title, reference=rule.reference, detail=rule.detail)

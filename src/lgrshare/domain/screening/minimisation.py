"""Minimisation warnings: does a data request ask for more than its question needs?

Three warnings, each with a stable code (UK GDPR Article 5(1)(c)):

- ``direct-identifiers``: fields or described items that identify people (names, addresses,
  dates of birth, NHS and National Insurance numbers, email, phone, UPRN, case references).
  NHS numbers, NI numbers and dates of birth always warn; the others only when the request is for
  record-level personal data (a supplier's email in a contracts register is not the concern).
- ``finer-geography``: the request's geography is finer than the finest level the question
  mentions ("each district" but LSOA or address-level data).
- ``records-where-counts-would-do``: record-level personal data for a question about numbers
  ("how many", "total", "rate"), unless the question needs records (matching, overlap).

The identifier names, geography levels and phrases are data: ``rules/minimisation.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lgrshare.domain.rules import RulesInvalid, read_rules_file

RECORD_LEVEL = frozenset({"personal", "special-category"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What a data request asks for: its question, the fields or described items, the geography.

    ``fields`` are field names (of a standard, or as the requester wrote them);
    ``described_items`` are free-text items; ``geography_level`` is a level of
    ``minimisation.json`` ("council", "ward", "lsoa", "point", ...), or None or "none";
    ``personal_data`` is a ``PersonalData`` value.
    """

    question: str
    fields: tuple[str, ...] = ()
    described_items: tuple[str, ...] = ()
    geography_level: str | None = None
    personal_data: str = "none"


@dataclass(frozen=True, slots=True)
class MinimisationWarning:
    """One warning: a stable code, a message for people and the fields it is about (if any)."""

    code: str
    message: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Identifier:
    code: str
    title: str
    always: bool
    exact: frozenset[str]
    suffix: tuple[str, ...]
    phrases: tuple[str, ...]

    def matches_field(self, name: str) -> bool:
        """Return whether field ``name`` is this identifier (compared in normal form)."""
        normal = _snake(name)
        if normal in self.exact:
            return True
        return any(normal == end or normal.endswith(f"_{end}") for end in self.suffix)

    def matches_text(self, text: str) -> bool:
        """Return whether ``text`` mentions this identifier as whole words."""
        return any(_mentions(text, phrase) for phrase in self.phrases)


@dataclass(frozen=True, slots=True)
class GeographyLevel:
    level: str
    title: str
    phrases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MinimisationRules:
    """The data of ``minimisation.json``; ``geography_levels`` run from coarsest to finest."""

    identifiers: tuple[Identifier, ...]
    geography_levels: tuple[GeographyLevel, ...]
    totals_phrases: tuple[str, ...]
    record_level_phrases: tuple[str, ...]

    def rank(self, level: str) -> int | None:
        """Return how fine ``level`` is (0 coarsest), or None for an unknown level."""
        names = [entry.level for entry in self.geography_levels]
        return names.index(level) if level in names else None


@cache
def minimisation_rules() -> MinimisationRules:
    """Return the identifiers, geography ordering and phrases of ``rules/minimisation.json``.

    Raises ``RulesInvalid`` when the file is malformed.
    """
    data = read_rules_file("minimisation")
    try:
        identifiers = tuple(
            Identifier(
                code=item["code"],
                title=item["title"],
                always=bool(item["always"]),
                exact=frozenset(_snake(name) for name in item["exact"]),
                suffix=tuple(_snake(name) for name in item.get("suffix", [])),
                phrases=tuple(item.get("phrases", [])),
            )
            for item in data["identifiers"]
        )
        levels = tuple(
            GeographyLevel(item["level"], item["title"], tuple(item["phrases"]))
            for item in data["geography_levels"]
        )
        totals = data["totals"]
        return MinimisationRules(
            identifiers, levels, tuple(totals["phrases"]), tuple(totals["record_level_phrases"])
        )
    except (KeyError, TypeError) as exc:
        raise RulesInvalid(f"minimisation.json: missing or malformed {exc}") from exc


def minimisation_warnings(request: RequestFacts) -> tuple[MinimisationWarning, ...]:
    """Return the warnings for ``request``, in a fixed order; empty when it asks only for what
    its question needs. Raises ``RulesInvalid`` when the shipped rules file is malformed.
    """
    rules = minimisation_rules()
    warnings = [
        _identifier_warning(request, rules),
        _geography_warning(request, rules),
        _counts_warning(request, rules),
    ]
    return tuple(warning for warning in warnings if warning is not None)


def _identifier_warning(
    request: RequestFacts, rules: MinimisationRules
) -> MinimisationWarning | None:
    record_level = request.personal_data in RECORD_LEVEL
    found: dict[str, list[str]] = {}
    for identifier in rules.identifiers:
        if not identifier.always and not record_level:
            continue
        named = [name for name in request.fields if identifier.matches_field(name)]
        named += [item for item in request.described_items if identifier.matches_text(item)]
        if named:
            found[identifier.title] = named
    if not found:
        return None
    listed = "; ".join(f"{title}: {', '.join(names)}" for title, names in found.items())
    return MinimisationWarning(
        code="direct-identifiers",
        message=(
            f"The request asks for direct identifiers ({listed}). Ask for them only if the "
            "question cannot be answered without them: counts, or a pseudonymised key agreed "
            "between the councils, usually do."
        ),
        fields=tuple(dict.fromkeys(name for names in found.values() for name in names)),
    )


def _geography_warning(
    request: RequestFacts, rules: MinimisationRules
) -> MinimisationWarning | None:
    asked = request.geography_level
    asked_rank = rules.rank(asked) if asked else None
    mentioned = [
        (rank, level)
        for rank, level in enumerate(rules.geography_levels)
        if any(_mentions(request.question, phrase) for phrase in level.phrases)
    ]
    if asked_rank is None or not mentioned:
        return None
    implied_rank, implied = max(mentioned, key=lambda pair: pair[0])
    if asked_rank <= implied_rank:
        return None
    title = rules.geography_levels[asked_rank].title
    return MinimisationWarning(
        code="finer-geography",
        message=(
            f"The question is about {implied.title.lower()} level, but the request asks for "
            f"{title.lower()} data. Ask for {implied.title.lower()} figures unless the question "
            "needs the finer geography: finer areas make people easier to identify."
        ),
    )


def _counts_warning(request: RequestFacts, rules: MinimisationRules) -> MinimisationWarning | None:
    if request.personal_data not in RECORD_LEVEL:
        return None
    question = request.question
    if not any(_mentions(question, phrase) for phrase in rules.totals_phrases):
        return None
    if any(_mentions(question, phrase) for phrase in rules.record_level_phrases):
        return None
    return MinimisationWarning(
        code="records-where-counts-would-do",
        message=(
            "The question asks for numbers, but the request is for record-level personal data. "
            "Ask for counts or aggregate tables (with small numbers suppressed) unless the "
            "answer needs individual records."
        ),
    )


def _snake(name: str) -> str:
    return _NON_WORD.sub("_", name.lower()).strip("_")


def _mentions(text: str, phrase: str) -> bool:
    # Whole words only, so "ward" is not found in "towards" nor "council" in "councillor".
    return f" {_snake(phrase).replace('_', ' ')} " in f" {_snake(text).replace('_', ' ')} "

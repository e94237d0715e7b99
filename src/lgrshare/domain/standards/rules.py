"""Rules across fields and rows: a documented extension of Table Schema.

A standard's Table Schema may carry a list ``"lgrshare:rules"`` beside ``"fields"``. Table Schema
allows extra properties, so frictionless-py reads such a schema unchanged (and ignores the
rules); LGR Share checks them. Each rule is an object with a ``type``, an ``id`` (lower-case
words joined by hyphens, unique in the standard) and an optional ``description`` in plain words:

``sum``
    ``{"type": "sum", "field": "dwellings_total", "of": ["dwellings_band_a", ...],
    "tolerance": 0}``: in each row, ``field`` equals the sum of the ``of`` fields, within
    ``tolerance`` (default 0). Every field must be a number or an integer.
``compare``
    ``{"type": "compare", "field": "end_date", "operator": ">=", "other": "start_date"}`` (or
    ``"value": <literal>`` instead of ``other``): operators ``=``, ``!=``, ``<``, ``<=``, ``>``,
    ``>=``; both sides must be numbers, or of the same type.
``required-if``
    ``{"type": "required-if", "field": "lease_end", "if": {"field": "tenure", "equals":
    "Leasehold"}}`` (or ``"in": [...]``): ``field`` must have a value in a row meeting the
    condition.
``total``
    ``{"type": "total", "field": "tax_base", "parts": {"field": "role", "equals": "billing"},
    "whole": {"field": "role", "equals": "major-preceptor"}, "by": ["financial_year"],
    "tolerance": 0.5}``: across the file, the sum of ``field`` over the rows meeting ``parts``
    equals ``field`` in each row meeting ``whole`` (per value of the ``by`` fields). Checked
    only where the file holds both a whole row and at least one part row.
``unique``
    ``{"type": "unique", "fields": ["uprn", "valid_from"]}``: no two rows share a combination
    of values of ``fields``.

A row rule (sum, compare) is checked on a row only when every field it names holds a valid
value: a missing or mistyped value is already reported by the field's own checks. Rules are
data: they are checked when the standard is parsed (``RuleInvalid``, ``RuleCircular``) and
compiled to Polars expressions by the validator; no text of a rule is ever evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lgrshare.domain.standards.problems import RuleCircular, RuleInvalid

RULES_KEY = "lgrshare:rules"
RULE_TYPES = ("sum", "compare", "required-if", "total", "unique")
OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
NUMERIC_TYPES = ("integer", "number")
MAX_RULES = 500
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_KEYS = {
    "sum": {"type", "id", "description", "field", "of", "tolerance"},
    "compare": {"type", "id", "description", "field", "operator", "other", "value"},
    "required-if": {"type", "id", "description", "field", "if"},
    "total": {"type", "id", "description", "field", "parts", "whole", "by", "tolerance"},
    "unique": {"type", "id", "description", "fields"},
}


@dataclass(frozen=True, slots=True)
class Condition:
    """Which rows a rule applies to: ``field``'s value is one of ``values`` (as written)."""

    field: str
    values: tuple[Any, ...]

    def to_json(self) -> dict[str, Any]:
        if len(self.values) == 1:
            return {"field": self.field, "equals": self.values[0]}
        return {"field": self.field, "in": list(self.values)}

    def words(self) -> str:
        shown = " or ".join(repr(value) for value in self.values)
        return f"{self.field} is {shown}"


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule across fields (``sum``, ``compare``, ``required-if``) or rows (``total``,
    ``unique``). ``fields`` are every field the rule reads, the checked ``field`` first."""

    type: str
    id: str
    description: str
    field: str
    of: tuple[str, ...] = ()
    tolerance: float = 0.0
    operator: str = ""
    other: str | None = None
    value: Any = None
    condition: Condition | None = None
    parts: Condition | None = None
    whole: Condition | None = None
    by: tuple[str, ...] = ()

    @property
    def scope(self) -> str:
        """Return ``row`` for a rule checked row by row, ``table`` for one across rows."""
        return "table" if self.type in ("total", "unique") else "row"

    @property
    def fields(self) -> tuple[str, ...]:
        """Return every field the rule reads, ``field`` first, each once."""
        names = [self.field, *self.of]
        if self.other:
            names.append(self.other)
        for condition in (self.condition, self.parts, self.whole):
            if condition is not None:
                names.append(condition.field)
        names += self.by
        return tuple(dict.fromkeys(names))

    def words(self) -> str:
        """Return the rule in plain words (its ``description`` when it has one)."""
        if self.description:
            return self.description
        if self.type == "sum":
            return f"{self.field} equals the sum of {_names(self.of)}" + _within(self.tolerance)
        if self.type == "compare":
            right = self.other if self.other else repr(self.value)
            return f"{self.field} {_OPERATOR_WORDS[self.operator]} {right}"
        if self.type == "required-if":
            assert self.condition is not None
            return f"{self.field} is required when {self.condition.words()}"
        if self.type == "total":
            assert self.parts is not None
            assert self.whole is not None
            per = f" for each {_names(self.by)}" if self.by else ""
            return (
                f"{self.field} of the row where {self.whole.words()} equals the sum of "
                f"{self.field} over the rows where {self.parts.words()}{per}"
                + _within(self.tolerance)
            )
        return f"no two rows have the same {_names(self.of)}"

    def to_json(self) -> dict[str, Any]:
        """Return the rule as written in a standard."""
        data: dict[str, Any] = {"type": self.type, "id": self.id}
        if self.description:
            data["description"] = self.description
        if self.type == "unique":
            data["fields"] = list(self.of)
            return data
        data["field"] = self.field
        if self.type == "sum":
            data.update(of=list(self.of), tolerance=self.tolerance)
        elif self.type == "compare":
            data["operator"] = self.operator
            if self.other:
                data["other"] = self.other
            else:
                data["value"] = self.value
        elif self.type == "required-if":
            assert self.condition is not None
            data["if"] = self.condition.to_json()
        else:
            assert self.parts is not None
            assert self.whole is not None
            data.update(parts=self.parts.to_json(), whole=self.whole.to_json())
            if self.by:
                data["by"] = list(self.by)
            data["tolerance"] = self.tolerance
        return data


_OPERATOR_WORDS = {
    "=": "equals",
    "!=": "differs from",
    "<": "is less than",
    "<=": "is at most",
    ">": "is greater than",
    ">=": "is at least",
}


def _names(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _within(tolerance: float) -> str:
    return f" (within {tolerance:g})" if tolerance else ""


def parse_rules(raw: Any, types: Mapping[str, str]) -> tuple[Rule, ...]:
    """Return the rules ``raw`` (a schema's ``"lgrshare:rules"``) for fields of ``types``
    (name -> Table Schema type). Raises ``RuleInvalid`` naming the first problem, or
    ``RuleCircular`` for sums that depend on themselves."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise RuleInvalid(f'"{RULES_KEY}" must be a list of rules.')
    if len(raw) > MAX_RULES:
        raise RuleInvalid(f"A standard may have at most {MAX_RULES} rules, not {len(raw)}.")
    rules = tuple(_parse_rule(item, position, types) for position, item in enumerate(raw, 1))
    ids = [rule.id for rule in rules]
    repeated = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if repeated:
        raise RuleInvalid(f"Rule ids must be unique: {', '.join(repeated)} is used twice.")
    _refuse_cycles([rule for rule in rules if rule.type == "sum"])
    return rules


def _parse_rule(raw: Any, position: int, types: Mapping[str, str]) -> Rule:
    if not isinstance(raw, dict):
        raise RuleInvalid(f"Rule {position} must be an object.")
    kind = raw.get("type")
    if kind not in RULE_TYPES:
        raise RuleInvalid(
            f"Rule {position} has type {kind!r}; the types are {', '.join(RULE_TYPES)}."
        )
    rule_id = raw.get("id", f"rule-{position}")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise RuleInvalid(f"Rule {position}: id {rule_id!r} must be lower-case words and hyphens.")
    where = f"Rule {rule_id!r}"
    unknown = set(raw) - _KEYS[kind]
    if unknown:
        raise RuleInvalid(f"{where} has unknown properties: {', '.join(sorted(unknown))}.")
    description = raw.get("description", "")
    if not isinstance(description, str) or len(description) > 1000:
        raise RuleInvalid(f"{where}: description must be text of at most 1,000 characters.")

    def field_named(key: str, value: Any = None) -> str:
        name = raw.get(key) if value is None else value
        if not isinstance(name, str) or not name:
            raise RuleInvalid(f"{where}: {key!r} must name a field.")
        if name not in types:
            raise RuleInvalid(f"{where} names field {name!r}, which the standard does not have.")
        return name

    def numeric(name: str) -> str:
        if types[name] not in NUMERIC_TYPES:
            raise RuleInvalid(
                f"{where} adds up field {name!r}, which is {types[name]}, not a number."
            )
        return name

    def names(key: str, *, least: int) -> tuple[str, ...]:
        listed = raw.get(key)
        if not isinstance(listed, list) or len(listed) < least:
            raise RuleInvalid(f"{where}: {key!r} must be a list of at least {least} field(s).")
        found = tuple(field_named(key, name) for name in listed)
        if len(set(found)) != len(found):
            raise RuleInvalid(f"{where}: {key!r} names a field twice.")
        return found

    def tolerance() -> float:
        value = raw.get("tolerance", 0)
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise RuleInvalid(f"{where}: tolerance must be a number, 0 or more.")
        return float(value)

    def condition(key: str) -> Condition:
        data = raw.get(key)
        if not isinstance(data, dict) or set(data) - {"field", "equals", "in"}:
            raise RuleInvalid(f'{where}: {key!r} must be {{"field": ..., "equals": ...}}.')
        name = field_named("field", data.get("field"))
        if ("equals" in data) == ("in" in data):
            raise RuleInvalid(f'{where}: {key!r} needs one of "equals" or "in".')
        values = [data["equals"]] if "equals" in data else data["in"]
        if not isinstance(values, list) or not values or len(values) > 1000:
            raise RuleInvalid(f'{where}: {key!r} "in" must be a list of 1 to 1,000 values.')
        bad = [v for v in values if not _literal_fits(types[name], v)]
        if bad:
            raise RuleInvalid(
                f"{where}: {key!r} compares {name!r} with {bad[0]!r}, which is not a valid "
                f"{types[name]}."
            )
        return Condition(name, tuple(values))

    if kind == "unique":
        fields = names("fields", least=1)
        return Rule("unique", rule_id, description, field=fields[0], of=fields)
    field = field_named("field")
    if kind == "sum":
        numeric(field)
        of = tuple(numeric(name) for name in names("of", least=1))
        if field in of:
            raise RuleCircular(f"{where}: {field!r} cannot be part of its own sum.")
        return Rule("sum", rule_id, description, field, of=of, tolerance=tolerance())
    if kind == "compare":
        operator = raw.get("operator")
        if operator not in OPERATORS:
            raise RuleInvalid(f"{where}: operator must be one of {' '.join(OPERATORS)}.")
        if ("other" in raw) == ("value" in raw):
            raise RuleInvalid(f'{where} compares with one of "other" (a field) or "value".')
        if "other" in raw:
            other = field_named("other")
            if other == field:
                raise RuleInvalid(f"{where} compares {field!r} with itself.")
            if types[field] != types[other] and not (
                types[field] in NUMERIC_TYPES and types[other] in NUMERIC_TYPES
            ):
                raise RuleInvalid(
                    f"{where} compares {field!r} ({types[field]}) with {other!r} "
                    f"({types[other]}): they must be of the same type."
                )
            return Rule("compare", rule_id, description, field, operator=operator, other=other)
        value = raw["value"]
        if isinstance(value, bool) or not _literal_fits(types[field], value):
            raise RuleInvalid(f"{where}: value {value!r} is not a valid {types[field]}.")
        return Rule("compare", rule_id, description, field, operator=operator, value=value)
    if kind == "required-if":
        when = condition("if")
        if when.field == field:
            raise RuleInvalid(f"{where}: a field cannot be required on its own value.")
        return Rule("required-if", rule_id, description, field, condition=when)
    numeric(field)
    parts, whole = condition("parts"), condition("whole")
    by = names("by", least=0) if "by" in raw else ()
    if field in by:
        raise RuleInvalid(f"{where}: {field!r} cannot be both totalled and grouped by.")
    return Rule(
        "total", rule_id, description, field,
        parts=parts, whole=whole, by=by, tolerance=tolerance(),
    )  # fmt: skip


def _literal_fits(kind: str, value: Any) -> bool:
    """Return whether a rule's literal can be read as a value of type ``kind`` (the validator
    reads it exactly; this refuses what it never could, before the standard is saved)."""
    if isinstance(value, bool):
        return kind == "boolean"
    if isinstance(value, int | float):
        return kind in ("integer", "number", "year") and (
            kind != "integer" or float(value).is_integer()
        )
    if not isinstance(value, str):
        return False
    text = value.strip()
    patterns = {
        "integer": r"[+-]?[0-9]+",
        "number": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?",
        "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "year": r"[0-9]{4}",
        "yearmonth": r"[0-9]{4}-[0-9]{1,2}",
    }
    pattern = patterns.get(kind)
    return pattern is None or re.fullmatch(pattern, text) is not None


def _refuse_cycles(sums: Sequence[Rule]) -> None:
    """Raise ``RuleCircular`` when a sum's total is, through other sums, part of itself."""
    parts: dict[str, set[str]] = {}
    for rule in sums:
        parts.setdefault(rule.field, set()).update(rule.of)
    state: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = [*path[path.index(name) :], name]
            raise RuleCircular(f"The sum rules go round in a circle: {' -> '.join(cycle)}.")
        state[name] = 1
        for part in sorted(parts.get(name, ())):
            visit(part, [*path, name])
        state[name] = 2

    for total in sorted(parts):
        visit(total, [])


def rules_for(rules: Sequence[Rule], names: set[str]) -> tuple[Rule, ...]:
    """Return the rules that read only fields in ``names`` (what an agreement shares)."""
    return tuple(rule for rule in rules if set(rule.fields) <= names)

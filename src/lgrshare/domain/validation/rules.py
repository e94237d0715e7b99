"""The standard's rules across fields and rows, and who and what a file is about, as Polars.

Row rules (``sum``, ``compare``, ``required-if``) become ``Check``s, run with the cell checks
in the batch's one Polars call, and are reported as ``row-rule-error`` with the values involved.
Table rules become trackers fed batch by batch beside the unique keys: ``total`` (the rows
meeting ``parts`` add up to the row meeting ``whole``) and ``unique`` (a combination of fields)
are reported as ``table-rule-error``.

A ``Subject`` says who submits the file and for which period: a field marked
``"lgrshare:role": "organisation"`` must name that organisation (by GSS code, a former code or
a known name, ignoring case and spaces around), else ``wrong-organisation``; a field marked
``"period"`` must hold the declared period (``2023/24``, ``2023-2024`` and ``2023-24`` are the
same), else ``wrong-period``.

Each expression is built from the rule's data (field names, an operator from a fixed list,
literals parsed as the field's type): nothing a standard says is ever evaluated as code.
"""

from __future__ import annotations

import operator as op
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from lgrshare.domain.standards.casting import display, parse_literal
from lgrshare.domain.standards.model import FieldSpec, Standard
from lgrshare.domain.standards.problems import RuleInvalid
from lgrshare.domain.standards.rules import Condition, Rule
from lgrshare.domain.validation.checks import (
    BLANK,
    SHOWN_SEPARATOR,
    Check,
    typed_col,
    value_col,
)
from lgrshare.domain.validation.errors import ValidationError, short
from lgrshare.domain.validation.frame import CELLS, ROW

# A float sum is compared allowing for binary rounding (0.1 + 0.2 != 0.3).
_EPSILON = 1e-6
_COMPARE: Mapping[str, Callable[[pl.Expr, Any], pl.Expr]] = {
    "=": op.eq,
    "!=": op.ne,
    "<": op.lt,
    "<=": op.le,
    ">": op.gt,
    ">=": op.ge,
}
_MUST_BE = {
    "=": "equal",
    "!=": "differ from",
    "<": "be less than",
    "<=": "be at most",
    ">": "be greater than",
    ">=": "be at least",
}
_PERIOD_YEARS = re.compile(r"^(\d{4})-\d{2}(\d{2})$")


@dataclass(frozen=True, slots=True)
class Subject:
    """Who submits a file and for which period: ``name`` for messages; ``codes`` (GSS, current
    and former) and ``names`` (known names) that identify the organisation; ``period`` as
    declared at upload, or None when no period is declared."""

    name: str
    codes: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    period: str | None = None

    def identifiers(self) -> list[str]:
        """Return every code and name, lower case, as cells are compared."""
        return sorted({item.strip().lower() for item in (*self.codes, *self.names)})


def normal_period(text: str) -> str:
    """Return a period as compared: lower case, ``/`` as ``-``, ``2023-2024`` as ``2023-24``."""
    text = text.strip().lower().replace("/", "-")
    return _PERIOD_YEARS.sub(r"\1-\2", text)


def rule_fields(standard: Standard, columns: Collection[str]) -> frozenset[str]:
    """Return the fields whose typed value each cell needs for the rules that can run."""
    return frozenset(name for rule in runnable(standard, columns) for name in rule.fields)


def runnable(standard: Standard, columns: Collection[str]) -> list[Rule]:
    """Return the standard's rules whose fields the file has (a missing column is reported as
    ``missing-label``; its rules cannot run)."""
    return [rule for rule in standard.rules if all(name in columns for name in rule.fields)]


def rule_checks(
    standard: Standard, columns: Mapping[str, int], subject: Subject | None = None
) -> list[Check]:
    """Return the checks of the standard's row rules and, given a ``subject``, of its
    organisation and period fields, for the fields found at ``columns``."""
    specs = {spec.name: spec for spec in standard.fields}
    checks = [
        _row_check(rule, specs, columns)
        for rule in runnable(standard, columns)
        if rule.scope == "row"
    ]
    if subject is not None:
        for spec in standard.fields_with_role("organisation"):
            if spec.name in columns and (subject.codes or subject.names):
                checks.append(_organisation_check(spec, columns[spec.name], subject))
        for spec in standard.fields_with_role("period"):
            if spec.name in columns and subject.period:
                checks.append(_period_check(spec, columns[spec.name], subject.period))
    return checks


def table_trackers(
    standard: Standard, columns: Mapping[str, int]
) -> list[TotalTracker | UniqueTracker]:
    """Return a tracker for each of the standard's rules across rows that can run."""
    specs = {spec.name: spec for spec in standard.fields}
    trackers: list[TotalTracker | UniqueTracker] = []
    for rule in runnable(standard, columns):
        if rule.type == "total":
            trackers.append(TotalTracker(rule, specs, columns[rule.field]))
        elif rule.type == "unique":
            trackers.append(UniqueTracker(rule, specs, columns[rule.field]))
    return trackers


def _valid(names: Collection[str]) -> pl.Expr:
    return pl.all_horizontal(pl.col(typed_col(name)).is_not_null() for name in names)


def _text(name: str) -> tuple[str, pl.Expr]:
    return name, pl.col(value_col(name))


def _number_text(expr: pl.Expr) -> pl.Expr:
    """Return a computed number as text: at most six decimals, no trailing ``.0``."""
    rounded = expr.cast(pl.Float64).round(6)
    return (
        pl.when(rounded == rounded.round(0))
        .then(rounded.cast(pl.Int64).cast(pl.String))
        .otherwise(rounded.cast(pl.String))
    )


def _condition(condition: Condition, specs: Mapping[str, FieldSpec]) -> pl.Expr:
    spec = specs[condition.field]
    values = [parse_literal(spec, value) for value in condition.values]
    if any(value is None for value in values):
        raise RuleInvalid(
            f"The condition on {condition.field!r} compares with a value that is not a valid "
            f"{spec.type}."
        )
    return pl.col(typed_col(condition.field)).is_in(values)


def _label(specs: Mapping[str, FieldSpec], name: str) -> str:
    """Return a field as officers know it: its title, else its name."""
    return specs[name].title or name


def _row_check(rule: Rule, specs: Mapping[str, FieldSpec], columns: Mapping[str, int]) -> Check:
    j = columns[rule.field]
    why = f" {rule.description}" if rule.description else ""
    label = _label(specs, rule.field)
    if rule.type == "sum":
        total = pl.sum_horizontal(pl.col(typed_col(name)) for name in rule.of)
        differs = (pl.col(typed_col(rule.field)) - total).abs() > rule.tolerance + _EPSILON
        mask = _valid(rule.fields) & differs
        shown = (_text(rule.field), ("sum", _number_text(total)), *map(_text, rule.of))

        def sum_message(cell: str) -> str:
            values = cell.split(SHOWN_SEPARATOR)
            within = f" (to within {rule.tolerance:g})" if rule.tolerance else ""
            parts = _listing(tuple(_label(specs, name) for name in rule.of))
            return (
                f"{label} is {values[0]}, but {parts} add up to {values[1]}: they must be "
                f"equal{within}.{why}"
            )

        return Check(
            "row-rule-error", rule.field, j, mask, sum_message, rule.id, by_value=False,
            shown=shown,
        )  # fmt: skip
    if rule.type == "compare":
        left = pl.col(typed_col(rule.field))
        if rule.other is not None:
            right: Any = pl.col(typed_col(rule.other))
            mask = _valid(rule.fields) & ~_COMPARE[rule.operator](left, right)
            shown = (_text(rule.field), _text(rule.other))
            against = _label(specs, rule.other)
        else:
            literal = parse_literal(specs[rule.field], rule.value)
            if literal is None:
                raise RuleInvalid(
                    f"Rule {rule.id!r} compares {rule.field!r} with {rule.value!r}, which is "
                    f"not a valid {specs[rule.field].type}."
                )
            mask = left.is_not_null() & ~_COMPARE[rule.operator](left, pl.lit(literal))
            shown = (_text(rule.field),)
            against = str(display(specs[rule.field], literal))

        def compare_message(cell: str) -> str:
            values = cell.split(SHOWN_SEPARATOR)
            right_side = f"{against} ({short(values[1])})" if rule.other is not None else against
            return (
                f"{label} is {short(values[0])}; it must {_MUST_BE[rule.operator]} "
                f"{right_side}.{why}"
            )

        return Check(
            "row-rule-error", rule.field, j, mask, compare_message, rule.id, by_value=False,
            shown=shown,
        )  # fmt: skip
    assert rule.condition is not None
    when = _condition(rule.condition, specs)
    mask = when & pl.col(value_col(rule.field)).is_null() & ~pl.col(BLANK) & (pl.col(CELLS) > j)
    shown = (_text(rule.field), _text(rule.condition.field))
    condition_label = _label(specs, rule.condition.field)

    def required_message(cell: str) -> str:
        values = cell.split(SHOWN_SEPARATOR)
        return (
            f"{label} is empty, but it is required when {condition_label} is "
            f"{short(values[1])}.{why}"
        )

    return Check(
        "row-rule-error", rule.field, j, mask, required_message, rule.id, by_value=False,
        shown=shown,
    )  # fmt: skip


def _organisation_check(spec: FieldSpec, j: int, subject: Subject) -> Check:
    value = pl.col(value_col(spec.name))
    known = subject.identifiers()
    mask = value.is_not_null() & ~value.str.strip_chars().str.to_lowercase().is_in(known)
    return Check(
        "wrong-organisation", spec.name, j, mask,
        lambda cell: (
            f"{short(cell)} is not {subject.name}: the file is submitted for {subject.name}, "
            "so every row must be its own."
        ),
    )  # fmt: skip


def _period_check(spec: FieldSpec, j: int, period: str) -> Check:
    value = pl.col(value_col(spec.name))
    normal = (
        value.str.strip_chars()
        .str.to_lowercase()
        .str.replace_all("/", "-", literal=True)
        .str.replace(_PERIOD_YEARS.pattern, "${1}-${2}")
    )
    mask = value.is_not_null() & (normal != normal_period(period))
    return Check(
        "wrong-period", spec.name, j, mask,
        lambda cell: (
            f"{short(cell)} is not the period the file was submitted for, {period!r}."
        ),
    )  # fmt: skip


def _listing(names: tuple[str, ...]) -> str:
    if len(names) <= 3:
        return " + ".join(names)
    return f"{names[0]} to {names[-1]} ({len(names)} fields)"


@dataclass(slots=True)
class _TableRule:
    """A rule across rows: collects each batch's rows (``keys_query``, then ``add_keys``) and
    judges them all at the end (``finish``)."""

    rule: Rule
    specs: Mapping[str, FieldSpec]
    column: int
    parts: list[pl.DataFrame] = field(default_factory=list)
    code: str = "table-rule-error"

    @property
    def fields(self) -> tuple[str, ...]:
        return self.rule.fields

    def add_keys(self, rows: pl.DataFrame) -> None:
        self.parts.append(rows)


@dataclass(slots=True)
class TotalTracker(_TableRule):
    """A ``total`` rule: collects the part and whole rows of each batch, compares at the end."""

    def keys_query(self, frame: pl.DataFrame) -> pl.LazyFrame:
        """Return the query for the batch's part and whole rows with a valid value."""
        rule = self.rule
        assert rule.parts is not None
        assert rule.whole is not None
        part, whole = _condition(rule.parts, self.specs), _condition(rule.whole, self.specs)
        return (
            frame.lazy()
            .select(
                ROW,
                pl.col(typed_col(rule.field)).cast(pl.Float64).alias("value"),
                *[pl.col(typed_col(name)).alias(f"by{i}") for i, name in enumerate(rule.by)],
                part.fill_null(False).alias("part"),
                whole.fill_null(False).alias("whole"),
            )
            .filter((pl.col("part") | pl.col("whole")) & _valid_by(len(rule.by)))
        )

    def finish(self, *, limit: int) -> tuple[int, list[ValidationError]]:
        """Return how many whole rows differ from their parts' sum, and the first as errors."""
        if not self.parts:
            return 0, []
        rule = self.rule
        table = pl.concat(self.parts)
        self.parts = []
        keys = [f"by{i}" for i in range(len(rule.by))] or ["by"]
        if not rule.by:
            table = table.with_columns(pl.lit(0).alias("by"))
        sums = (
            table.filter(pl.col("part") & pl.col("value").is_not_null())
            .group_by(keys)
            .agg(pl.col("value").sum().alias("sum"), pl.len().alias("count"))
        )
        wholes = table.filter(pl.col("whole") & pl.col("value").is_not_null())
        found = (
            wholes.join(sums, on=keys, how="inner")
            .filter((pl.col("value") - pl.col("sum")).abs() > rule.tolerance + _EPSILON)
            .sort(ROW)
        )
        errors = [self._error(row) for row in found.head(max(limit, 0)).iter_rows(named=True)]
        return found.height, errors

    def _error(self, row: dict[str, Any]) -> ValidationError:
        rule = self.rule
        assert rule.parts is not None
        whole = _figure(row["value"])
        total = _figure(row["sum"])
        per = ", ".join(
            f"{name} {display(self.specs[name], row[f'by{i}'])}" for i, name in enumerate(rule.by)
        )
        within = f" (to within {rule.tolerance:g})" if rule.tolerance else ""
        why = f" {rule.description}" if rule.description else ""
        label = _label(self.specs, rule.field)
        message = (
            f"Row {row[ROW]:,}: {label} is {whole}, but the {row['count']} row(s) where "
            f"{rule.parts.words()}{' (' + per + ')' if per else ''} add up to {total}: they "
            f"must be equal{within}.{why}"
        )
        return ValidationError(
            code=self.code,
            message=message,
            row=int(row[ROW]),
            field=rule.field,
            field_number=self.column + 1,
            cell=whole,
            constraint=rule.id,
            values=((rule.field, whole), ("sum", total), ("rows", str(row["count"]))),
        )


def _valid_by(count: int) -> pl.Expr:
    if not count:
        return pl.lit(True)
    return pl.all_horizontal(pl.col(f"by{i}").is_not_null() for i in range(count))


def _figure(value: float) -> str:
    shown = round(float(value), 6)
    return f"{int(shown):,}" if shown.is_integer() else f"{shown:,}"


@dataclass(slots=True)
class UniqueTracker(_TableRule):
    """A ``unique`` rule: collects each batch's combinations; a repeat is reported once,
    naming every row that holds it."""

    def keys_query(self, frame: pl.DataFrame) -> pl.LazyFrame:
        names = self.rule.of
        return (
            frame.lazy()
            .select(ROW, *[pl.col(typed_col(name)).alias(f"k{i}") for i, name in enumerate(names)])
            .drop_nulls()
        )

    def finish(self, *, limit: int) -> tuple[int, list[ValidationError]]:
        """Return how many combinations repeat, and the first as errors (one per combination,
        at its first repeat's row, naming every row)."""
        if not self.parts:
            return 0, []
        keys = [f"k{i}" for i in range(len(self.rule.of))]
        table = pl.concat(self.parts)
        self.parts = []
        repeats = (
            table.group_by(keys)
            .agg(pl.col(ROW).sort().alias("rows"))
            .filter(pl.col("rows").list.len() > 1)
            .with_columns(pl.col("rows").list.get(1).alias("at"))
            .sort("at")
        )
        errors = [self._error(row) for row in repeats.head(max(limit, 0)).iter_rows(named=True)]
        return repeats.height, errors

    def _error(self, row: dict[str, Any]) -> ValidationError:
        rule = self.rule
        values = tuple(
            (name, str(display(self.specs[name], row[f"k{i}"]))) for i, name in enumerate(rule.of)
        )
        rows: list[int] = row["rows"]
        shown_rows = ", ".join(f"{number:,}" for number in rows[:20])
        more = f" and {len(rows) - 20:,} more" if len(rows) > 20 else ""
        combination = ", ".join(
            f"{_label(self.specs, name)} {short(value)}" for name, value in values
        )
        why = f" {rule.description}" if rule.description else ""
        return ValidationError(
            code=self.code,
            message=(
                f"Rows {shown_rows}{more} have the same {combination}: each combination may "
                f"appear in one row only.{why}"
            ),
            row=int(row["at"]),
            field=rule.field,
            field_number=self.column + 1,
            cell=values[0][1],
            constraint=rule.id,
            values=(*values, ("rows", ", ".join(str(number) for number in rows))),
        )

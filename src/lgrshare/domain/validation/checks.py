"""Cell and row checks, column-wise: every rule of the standard as one Polars expression.

``prepare_frame`` adds to a batch frame, per field found in the file, its value
(``v:<field>``: the text, null when missing or absent) and typed value (``t:<field>``);
``row_summary`` evaluates every check at once, and ``run_checks`` counts every error and lists
the first ones. Python loops only over listed errors. A check no row of a batch can fail (a
``required`` field with no missing value, a ``maximum`` above the greatest value) is not run on
it. Per cell, as in frictionless: a type error stops the constraint checks; a
missing value is only checked for ``required``; a blank row (every cell empty) is reported once,
with nothing else for that row.

A field with few distinct values (codes, periods, categories: at most one per
``BY_VALUE_SHARE`` rows) is checked *by value*: its batch's distinct values are counted
(``value_tables``), they are read as the type and checked once each (``table_query``), and a
row is looked at only to list an error. The profile takes the same counts. Other fields are
checked cell by cell.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from lgrshare.domain.standards.casting import (
    FAST_TYPES,
    anchored,
    any_text_reads,
    parse_literal,
    typed,
)
from lgrshare.domain.standards.cells import json_length
from lgrshare.domain.standards.codelists import code_list
from lgrshare.domain.standards.model import FieldSpec, Standard
from lgrshare.domain.validation.errors import ValidationError, short
from lgrshare.domain.validation.frame import BLANK, CELLS, EXTRA, REPORTED, ROW, column

# A wide table's summary is split into queries of this many checks, or aggregates.
SUMMARY_CHECKS = 512
SUMMARY_AGGREGATES = 1536
# The blank-row flag is worked out over this many columns at a time (``blank_flag``).
BLANK_COLUMNS = 256
# A field is checked by value while its batches have at most 1 distinct value per this many rows
# (judged first on the first batch).
BY_VALUE_SHARE = 4
# Joins the values a rule across fields shows (``Check.shown``) into one cell.
SHOWN_SEPARATOR = "\x1f"
# A value table's columns: the distinct value, how many cells hold it, its typed value.
VALUE = "value"
COUNT = "n"
TYPED = "typed"
_TYPE_WORDS = {
    "string": "text", "integer": "a whole number", "number": "a number",
    "boolean": "true or false", "date": "a date (YYYY-MM-DD)",
    "datetime": "a date and time (YYYY-MM-DDThh:mm:ss)", "year": "a year (YYYY)",
    "yearmonth": "a year and month (YYYY-MM)",
    "time": "a time (hh:mm:ss, maybe with an offset such as Z or +01:00)",
    "object": "a JSON object", "array": "a JSON array",
    "duration": "a duration (ISO 8601, such as P1Y2M or PT30M)",
    "geopoint": "a point (longitude, latitude)", "geojson": "a GeoJSON object",
}  # fmt: skip
# The format words of a string field's type error.
_FORMAT_WORDS = {
    "email": "an email address", "uri": "a URI (with a scheme, such as https:)",
    "uuid": "a UUID", "binary": "base64 text",
}  # fmt: skip


def value_col(name: str) -> str:
    """Return the prepared frame's column holding field ``name``'s text value."""
    return f"v:{name}"


def typed_col(name: str) -> str:
    """Return the prepared frame's column holding field ``name``'s typed value."""
    return f"t:{name}"


def ok(name: str) -> pl.Expr:
    """Return whether field ``name`` holds a valid typed value."""
    return pl.col(typed_col(name)).is_not_null()


@dataclass(frozen=True, slots=True)
class Check:
    """One rule: where it fails (``mask``) and how to say so for a cell."""

    code: str
    field: str
    column: int
    mask: pl.Expr
    message: Callable[[str], str]
    constraint: str | None = None
    # False for a rule on missing cells (``required``), which no distinct value shows.
    by_value: bool = True
    # Whether a prepared batch may fail the check, judged from what its columns already know
    # (null counts, least and greatest values): a check no row can fail is not run.
    can_fail: Callable[[pl.DataFrame], bool] = lambda frame: True
    # A rule across fields: the values listed with each error, as (name, String expression);
    # ``message`` is then given them joined by ``SHOWN_SEPARATOR``.
    shown: tuple[tuple[str, pl.Expr], ...] = ()

    def cell(self) -> pl.Expr:
        """Return what an error of this check quotes: its cell, or the ``shown`` values."""
        if not self.shown:
            return pl.col(column(self.column))
        return pl.concat_str(
            [expr.fill_null("") for _, expr in self.shown], separator=SHOWN_SEPARATOR
        )

    def on_values(self, fields: Collection[str]) -> bool:
        """Return whether the check runs on value tables when ``fields`` have them."""
        return self.by_value and self.field in fields


def _has_nulls(name: str) -> Callable[[pl.DataFrame], bool]:
    """Return whether a batch has a missing value in field ``name``."""
    return lambda frame: frame.get_column(value_col(name)).null_count() > 0


def _has_unread(name: str) -> Callable[[pl.DataFrame], bool]:
    """Return whether a batch has a value of field ``name`` that is not of its type (the typed
    value is null exactly where the value is missing or unreadable)."""

    def unread(frame: pl.DataFrame) -> bool:
        typed_nulls = frame.get_column(typed_col(name)).null_count()
        return typed_nulls != frame.get_column(value_col(name)).null_count()

    return unread


# Each bound: its words in an error, and whether the bound itself is outside.
_BOUND_WORDS = {
    "minimum": ("below the minimum", False),
    "maximum": ("above the maximum", False),
    "exclusiveMinimum": ("not above the exclusive minimum", True),
    "exclusiveMaximum": ("not below the exclusive maximum", True),
}


def _bound_message(words: str, bound: Any) -> Callable[[str], str]:
    """Return the message of a cell breaking a bound (``words``: how it breaks it)."""
    return lambda cell: f"{short(cell)} is {words}, {bound}."


def _outside(
    typed_value: pl.Expr, bound: Any, *, above: bool, exclusive: bool, floats: bool
) -> pl.Expr:
    """Return whether a typed value breaks a bound. ``NaN`` breaks every bound, as in
    frictionless-py (it is neither above nor below a number; Polars orders it above all)."""
    if above:
        broken = typed_value >= bound if exclusive else typed_value > bound
    else:
        broken = typed_value <= bound if exclusive else typed_value < bound
    return broken | typed_value.is_nan() if floats else broken


def _breaks_bound(
    name: str, bound: Any, *, above: bool, exclusive: bool = False
) -> Callable[[pl.DataFrame], bool]:
    """Return whether a batch has a typed value of field ``name`` breaking ``bound`` (above
    it, or below it; or at it, for an ``exclusive`` bound; or NaN)."""

    def breaks(frame: pl.DataFrame) -> bool:
        typed_values = frame.get_column(typed_col(name))
        if not (typed_values.dtype.is_numeric() or typed_values.dtype.is_temporal()):
            return True
        if bound is None:
            return False  # as the mask: a comparison with null fails nothing
        if typed_values.dtype.is_float() and typed_values.is_nan().any():
            return True
        # ``min`` and ``max`` leave NaN out.
        edge = typed_values.max() if above else typed_values.min()
        if edge is None:
            return False
        if exclusive:
            return bool(edge >= bound if above else edge <= bound)
        return bool(edge > bound if above else edge < bound)

    return breaks


@dataclass(slots=True)
class Findings:
    """Errors of one batch: every one counted by code, the first ``limit`` listed."""

    counts: dict[str, int]
    listed: list[ValidationError]


def prepare_frame(
    frame: pl.DataFrame,
    *,
    standard: Standard,
    columns: Mapping[str, int],
    width: int,
    by_value: Collection[str] = (),
    keyed: Collection[str] = (),
) -> pl.DataFrame:
    """Return ``frame`` with the blank-row flag (``blank_flag``; a slice of a wide table
    comes with its own, worked out over all its columns) and each found field's value and typed
    value.

    A field checked by value gets no typed value per cell unless it is ``keyed`` (part of a
    unique key, whose checks need every cell's typed value).
    """
    others = [value for value in standard.missing_values if value != ""]
    empty_is_missing = "" in standard.missing_values
    if BLANK not in frame.columns:
        frame = frame.hstack([blank_flag(frame, standard=standard, width=width)])
    specs = {spec.name: spec for spec in standard.fields}
    values = {}
    for name, j in columns.items():
        value = pl.col(column(j))
        if not empty_is_missing:
            value = pl.when(pl.col(CELLS) > j).then(value.fill_null(""))
        if others:
            value = pl.when(~value.is_in(others)).then(value)
        values[name] = (
            pl.when(~pl.col(BLANK)).then(value) if others or not empty_is_missing else value
        )
    per_cell = [name for name in columns if name not in by_value or name in keyed]
    frame = frame.with_columns(
        *[value.alias(value_col(name)) for name, value in values.items()],
        *[typed(specs[name], values[name], fast=True).alias(typed_col(name)) for name in per_cell],
    )
    return _reread_failures(frame, [specs[name] for name in per_cell])


def blank_flag(frame: pl.DataFrame, *, standard: Standard, width: int) -> pl.Series:
    """Return whether each row of the batch ``frame`` is blank (``BLANK``): every one of its
    ``width`` cells empty or a missing value, and no reported cell.

    Worked out ``BLANK_COLUMNS`` columns at a time, each slice a frame of its own columns (an
    expression over a wide frame's every column costs memory with the square of its width).
    """
    others = [value for value in standard.missing_values if value != ""]
    # A row is blank when every cell is empty: none is, in a batch with a column never empty.
    if not others and any(frame.get_column(column(j)).null_count() == 0 for j in range(width)):
        return pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True).alias(BLANK)
    flag = frame.get_column(CELLS) <= width
    for start in range(0, width, BLANK_COLUMNS):
        cells = pl.DataFrame(
            [frame.get_column(column(j)) for j in range(start, min(width, start + BLANK_COLUMNS))]
        )
        empty = cells.select(
            pl.all_horizontal(
                pl.col(name).is_null() | (pl.col(name).is_in(others) if others else False)
                for name in cells.columns
            )
        )
        flag = flag & empty.to_series()
    if REPORTED in frame.columns:
        flag = flag & frame.get_column(REPORTED).is_null()  # a reported cell was not empty
    return flag.alias(BLANK)


def value_tables(
    frame: pl.DataFrame, *, standard: Standard, names: Sequence[str]
) -> list[pl.LazyFrame]:
    """Return the queries giving each field's value table: its distinct values (``VALUE``),
    how many cells hold each (``COUNT``) and their typed values (``TYPED``)."""
    specs = {spec.name: spec for spec in standard.fields}
    return [
        # Each query over its own one-column frame (a query over the whole frame carries
        # every column's schema: columns² for a wide file). ``value_counts`` costs less than a
        # ``group_by`` here (a missing cell is a null value).
        frame.get_column(value_col(name))
        .alias(VALUE)
        .to_frame()
        .lazy()
        .select(pl.col(VALUE).value_counts(name=COUNT))
        .unnest(VALUE)
        .drop_nulls(VALUE)
        .with_columns(pl.col(COUNT).cast(pl.Int64), typed(specs[name], pl.col(VALUE)).alias(TYPED))
        for name in names
    ]


def quotes_query(
    frame: pl.DataFrame,
    *,
    standard: Standard,
    columns: Mapping[str, int],
    width: int,
    by_value: Collection[str],
) -> tuple[pl.LazyFrame, frozenset[str]]:
    """Return the query counting the ``"`` in the prepared batch's cells (``quotes``, for
    ``csv_fast``), and the fields whose quotes it leaves to ``table_quotes``.

    A field checked by value counts them in its distinct values; a field whose valid values
    cannot hold a quote (numbers, dates, years, booleans) only in its invalid or missing cells;
    any other column in every cell.
    """
    fields = {j: name for name, j in columns.items()}
    specs = {spec.name: spec for spec in standard.fields}
    # A value table holds every cell's text only when the empty cell is the one missing value.
    tabled = (
        frozenset(by_value)
        if all(value == "" for value in standard.missing_values)
        else frozenset()
    )
    counts: list[pl.Expr] = [pl.lit(0, dtype=pl.Int64)]
    for j in range(width):
        raw = pl.col(column(j))
        name = fields.get(j)
        if name in tabled:
            continue
        if name is not None and typed_col(name) in frame.columns and _quote_free(specs[name]):
            raw = raw.filter(pl.col(typed_col(name)).is_null())
        counts.append(raw.str.count_matches('"', literal=True).sum().cast(pl.Int64))
    return frame.lazy().select(pl.sum_horizontal(counts).alias("quotes")), tabled


def table_quotes(name: str) -> pl.Expr:
    """Return the aggregate counting the ``"`` in the cells of field ``name``, over its value
    table (see ``table_query``)."""
    text = pl.col(value_col(name)).str.count_matches('"', literal=True)
    return (text * pl.col(COUNT)).sum().cast(pl.Int64).alias(f"quotes:{name}")


def _quote_free(spec: FieldSpec) -> bool:
    """Return whether no valid value of the field holds a ``"``."""
    if spec.type in ("integer", "number"):
        return spec.bare_number and '"' not in (spec.group_char or "") + spec.decimal_char
    if spec.type in ("date", "datetime", "time"):
        return spec.format in ("default", "any")
    if spec.type == "boolean":
        return not any('"' in value for value in (*spec.true_values, *spec.false_values))
    return spec.type in ("year", "yearmonth")


def by_value_fields(frame: pl.DataFrame, columns: Mapping[str, int]) -> set[str]:
    """Return the fields worth checking by value, judged on a (first) batch frame."""
    if frame.height < BY_VALUE_SHARE:
        return set()  # a value of its own every few rows: none is worth it (a wide, short file)
    distinct = frame.select(
        pl.col(column(j)).approx_n_unique().alias(name) for name, j in columns.items()
    ).row(0, named=True)
    return {name for name, number in distinct.items() if number * BY_VALUE_SHARE <= frame.height}


def _reread_failures(frame: pl.DataFrame, specs: list[FieldSpec]) -> pl.DataFrame:
    # Cells were read in their usual form only (spaces around numbers, "2024-5" are rare and
    # costly to allow for in every cell); re-read the cells that failed, which are few, the way
    # frictionless does.
    numeric = [spec for spec in specs if spec.type in FAST_TYPES]
    if not numeric or frame.is_empty():
        return frame
    failed = {
        spec.name: pl.col(value_col(spec.name)).is_not_null()
        & pl.col(typed_col(spec.name)).is_null()
        for spec in numeric
    }
    for spec in numeric:
        if not _has_unread(spec.name)(frame):
            continue
        rows = frame.select(failed[spec.name].arg_true()).to_series()
        cells = frame.get_column(value_col(spec.name)).gather(rows).to_frame("cell")
        again = cells.select(typed(spec, pl.col("cell"))).to_series()
        column = frame.get_column(typed_col(spec.name)).scatter(rows, again)
        frame = frame.with_columns(column.alias(typed_col(spec.name)))
    return frame


def build_checks(
    standard: Standard, columns: Mapping[str, int], *, reported: bool = False
) -> list[Check]:
    """Return every cell check of ``standard`` for the fields found at ``columns``, for batch
    frames with the ``REPORTED`` column when ``reported``."""
    checks: list[Check] = []
    for spec in standard.fields:
        if spec.name in columns:
            required = spec.required or spec.name in standard.primary_key
            checks.extend(_field_checks(spec, columns[spec.name], required, reported=reported))
    return checks


def _field_checks(spec: FieldSpec, j: int, required: bool, *, reported: bool) -> list[Check]:
    name = spec.name
    value, value_ok = pl.col(value_col(name)), ok(name)
    typed_value = pl.col(typed_col(name))
    checks = []
    if not any_text_reads(spec):
        checks.append(
            Check(
                "type-error", name, j, value.is_not_null() & typed_value.is_null(),
                lambda cell: f"{short(cell)} is not {_type_words(spec)}.",
                can_fail=_has_unread(name),
            )
        )  # fmt: skip
    if required:
        checks.append(
            Check(
                "constraint-error", name, j,
                (pl.col(CELLS) > j) & ~pl.col(BLANK) & value.is_null() & ~_reported(j, reported),
                lambda cell: f"{name!r} is required, but the cell is "
                + ("empty." if not cell else f"the missing-value marker {short(cell)}."),
                "required",
                by_value=False,
                can_fail=_has_nulls(name),
            )
        )  # fmt: skip
    constraints = spec.constraints
    # An object's or array's length is how many members or items it has, as in frictionless.
    length = (
        value.map_elements(json_length, return_dtype=pl.Int64, skip_nulls=True)
        if spec.type in ("object", "array")
        else value.str.len_chars()
    )
    rules: list[tuple[str, pl.Expr, Callable[[str], str]]] = []
    bounds: dict[str, Callable[[pl.DataFrame], bool]] = {}
    for constraint, (words, exclusive) in _BOUND_WORDS.items():
        if constraint not in constraints:
            continue
        literal = parse_literal(spec, constraints[constraint])
        above = constraint in ("maximum", "exclusiveMaximum")
        bounds[constraint] = _breaks_bound(name, literal, above=above, exclusive=exclusive)
        rules.append(
            (
                constraint,
                _outside(
                    typed_value,
                    literal,
                    above=above,
                    exclusive=exclusive,
                    floats=spec.type == "number",
                ),
                _bound_message(words, constraints[constraint]),
            )
        )
    if "minLength" in constraints:
        rules.append(
            (
                "minLength",
                length < constraints["minLength"],
                lambda c: f"{short(c)} is shorter than {constraints['minLength']} characters.",
            )
        )
    if "maxLength" in constraints:
        rules.append(
            (
                "maxLength",
                length > constraints["maxLength"],
                lambda c: (
                    f"The text ({len(c):,} characters) is longer than "
                    f"{constraints['maxLength']} characters."
                ),
            )
        )
    if "pattern" in constraints:
        rules.append(
            (
                "pattern",
                ~value.str.contains(anchored(constraints["pattern"])),
                # Words, not the regular expression: officers read this (the API's
                # ``constraint`` says "pattern", and the standard holds the expression).
                lambda c: (
                    f"{short(c)} is not in the form {name} takes"
                    + (f" (for example {spec.example!r})." if spec.example else ".")
                ),
            )
        )
    if "enum" in constraints:
        allowed = [parse_literal(spec, item) for item in constraints["enum"]]
        listing = _listing(constraints["enum"])
        rules.append(
            (
                "enum",
                ~typed_value.is_in(allowed),
                lambda c: f"{short(c)} is not one of the allowed values: {listing}.",
            )
        )
    for constraint, failing_mask, message in rules:
        check = Check("constraint-error", name, j, value_ok & failing_mask, message, constraint)
        if constraint in bounds:
            check = replace(check, can_fail=bounds[constraint])
        checks.append(check)
    if spec.code_list:
        codes = list(code_list(spec.code_list))
        ref = spec.code_list
        listed = value_ok & ~value.is_in(codes)
        if "pattern" in constraints:
            # A code of the wrong shape is a pattern error; that it is not in the list too goes
            # without saying.
            listed = listed & value.str.contains(anchored(constraints["pattern"]))
        checks.append(
            Check(
                "code-list-error", name, j, listed,
                lambda cell: f"{short(cell)} is not a code in {ref} (ONS reference data).",
            )
        )  # fmt: skip
    return checks


def _type_words(spec: FieldSpec) -> str:
    """Return what a valid value of the field is, in words."""
    if spec.type == "string":
        return _FORMAT_WORDS.get(spec.format, "text")
    words = _TYPE_WORDS[spec.type]
    if spec.format in ("default", "any"):
        return words
    return f"{words} in the format {spec.format}"


def _reported(j: int, reported: bool) -> pl.Expr:
    """Return whether the cell in column ``j`` was reported by the reader (``REPORTED``)."""
    return pl.col(REPORTED).list.contains(j).fill_null(False) if reported else pl.lit(False)


def _listing(values: list[Any]) -> str:
    shown = ", ".join(str(value) for value in values[:8])
    return shown + (f" and {len(values) - 8} more" if len(values) > 8 else "")


def row_summary(
    frame: pl.DataFrame,
    checks: list[Check],
    *,
    by_value: Collection[str],
    width: int,
    limit: int,
    extra: Sequence[pl.Expr] = (),
) -> list[pl.LazyFrame]:
    """Return the queries for a batch's one-row summary (their rows merged make it): for each
    check run on every row (all but those of the ``by_value`` fields), how many rows fail it
    (``m<i>``) and the row numbers and cells of the first ``limit`` (``r<i>``, ``c<i>``); the
    blank rows, cells lacking and extra cells; and the ``extra`` aggregate expressions. A check
    no row of the batch can fail (``Check.can_fail``) is not run: its count is 0.

    One query for a narrow table. A wide one's checks and aggregates are split into queries of
    ``SUMMARY_CHECKS`` checks and ``SUMMARY_AGGREGATES`` aggregates: tens of thousands of
    expressions in one query hold their working memory all at once (130 MB for 10,000 columns
    by 2 rows, against 27 MB split)."""
    missing = ~pl.col(BLANK) & (pl.col(CELLS) < width)
    surplus = pl.col(CELLS) > width
    per_row = [i for i, check in enumerate(checks) if not check.on_values(by_value)]
    idle = [i for i in per_row if not checks[i].can_fail(frame)]
    skipped = set(idle)
    per_row = [i for i in per_row if i not in skipped]
    rows = [
        *[pl.lit(0, dtype=pl.UInt32).alias(f"m{i}") for i in idle],
        pl.col(BLANK).sum().alias("blank"),
        pl.when(missing).then(width - pl.col(CELLS)).otherwise(0).sum().alias("lacking"),
        pl.when(surplus).then(pl.col(CELLS) - width).otherwise(0).sum().alias("extras"),
    ]
    if len(per_row) <= SUMMARY_CHECKS and len(extra) <= SUMMARY_AGGREGATES:
        return [_summary(frame.lazy(), checks, per_row, limit, [*rows, *extra])]
    queries = [frame.lazy().select(rows)]
    for start in range(0, len(per_row), SUMMARY_CHECKS):
        indexes = per_row[start : start + SUMMARY_CHECKS]
        needed: list[pl.Expr | str] = [ROW]
        needed += [expr for i in indexes for expr in (checks[i].mask, checks[i].cell())]
        queries.append(_summary(_narrow(frame, needed), checks, indexes, limit))
    for start in range(0, len(extra), SUMMARY_AGGREGATES):
        aggregates = extra[start : start + SUMMARY_AGGREGATES]
        queries.append(_narrow(frame, aggregates).select(aggregates))
    return queries


def _narrow(frame: pl.DataFrame, exprs: Sequence[pl.Expr | str]) -> pl.LazyFrame:
    """Return the columns of ``frame`` that ``exprs`` read, as a lazy frame (taken without a
    query: a query over a wide frame costs its width)."""
    names: dict[str, None] = {}
    for expr in exprs:
        for name in [expr] if isinstance(expr, str) else expr.meta.root_names():
            names[name] = None
    return pl.DataFrame([frame.get_column(name) for name in names]).lazy()


def _summary(
    frame: pl.LazyFrame,
    checks: list[Check],
    indexes: Sequence[int],
    limit: int,
    extra: Sequence[pl.Expr] = (),
) -> pl.LazyFrame:
    """Return the one-row query of the checks at ``indexes`` (``row_summary``) and ``extra``."""
    masks = [checks[i].mask.fill_null(False).alias(f"__m{i}") for i in indexes]
    return frame.with_columns(masks).select(
        *[pl.col(f"__m{i}").sum().alias(f"m{i}") for i in indexes],
        *[
            pl.col(ROW).filter(pl.col(f"__m{i}")).head(limit).implode().alias(f"r{i}")
            for i in indexes
        ],
        *[
            checks[i].cell().filter(pl.col(f"__m{i}")).head(limit).implode().alias(f"c{i}")
            for i in indexes
        ],
        *extra,
    )


def table_query(table: pl.DataFrame, name: str, aggregates: Sequence[pl.Expr]) -> pl.LazyFrame:
    """Return the one-row query of ``aggregates`` over field ``name``'s value table, its
    columns named as in a prepared frame (``value_col``, ``typed_col``) and ``COUNT``."""
    return (
        table.lazy()
        .select(pl.col(VALUE).alias(value_col(name)), pl.col(TYPED).alias(typed_col(name)), COUNT)
        .select(aggregates)
    )


def checks_by_field(checks: Sequence[Check]) -> dict[str, list[int]]:
    """Return the indexes in ``checks`` of each field's checks run by value (looked up once,
    not once per field: a wide file has thousands of both)."""
    indexes: dict[str, list[int]] = {}
    for i, check in enumerate(checks):
        if check.by_value:
            indexes.setdefault(check.field, []).append(i)
    return indexes


def value_check_aggregates(checks: list[Check], indexes: Sequence[int]) -> list[pl.Expr]:
    """Return, for ``table_query``, the aggregates giving for each check at ``indexes`` (a
    field's checks run by value, ``checks_by_field``) how many cells fail it (``m<i>``) and
    their distinct values (``v<i>``)."""
    aggregates: list[pl.Expr] = []
    for i in indexes:
        check = checks[i]
        mask = check.mask.fill_null(False)
        aggregates += [
            pl.col(COUNT).filter(mask).sum().cast(pl.Int64).alias(f"m{i}"),
            pl.col(value_col(check.field)).filter(mask).implode().alias(f"v{i}"),
        ]
    return aggregates


def run_checks(
    frame: pl.DataFrame,
    summary: Mapping[str, Any],
    checks: list[Check],
    *,
    tabled: Collection[str],
    width: int,
    field_name: Callable[[int], str],
    limit: int,
) -> Findings:
    """Return the errors in the prepared batch ``frame`` (all counted, the first ``limit``
    listed), from its ``row_summary`` and, for the fields checked by value (``tabled``), the
    ``value_check_aggregates`` of their value tables, merged in ``summary``."""
    counts: dict[str, int] = {}
    listed: list[ValidationError] = []

    def count(code: str, number: int) -> None:
        if number:
            counts[code] = counts.get(code, 0) + number

    count("blank-row", summary["blank"])
    count("missing-cell", summary["lacking"])
    count("extra-cell", summary["extras"])
    if limit > 0:
        if summary["blank"]:
            listed += _blank_rows(frame, limit)
        if summary["lacking"]:
            missing = ~pl.col(BLANK) & (pl.col(CELLS) < width)
            hits = frame.select(ROW, CELLS, BLANK).filter(missing).select(ROW, CELLS)
            listed += _missing_cells(hits, width, field_name, limit)
        if summary["extras"]:
            hits = frame.select(ROW, CELLS, EXTRA).filter(pl.col(CELLS) > width)
            listed += _extra_cells(hits, width, limit)
    for i, check in enumerate(checks):
        count(check.code, summary[f"m{i}"])
    failed = [i for i in range(len(checks)) if summary[f"m{i}"]]
    if limit > 0 and failed:
        listed += _cell_errors(frame, summary, checks, failed, tabled, limit)
    listed.sort(key=lambda error: error.sort_key())
    return Findings(counts=counts, listed=listed[:limit])


def _cell_errors(
    frame: pl.DataFrame,
    summary: Mapping[str, Any],
    checks: list[Check],
    failed: list[int],
    tabled: Collection[str],
    limit: int,
) -> list[ValidationError]:
    """Return the first ``limit`` errors of each of the ``failed`` checks: rows and cells from
    the ``row_summary``, or for a check run by value, found from its failing values (all the
    fields' rows in one Polars call)."""
    hits: dict[int, tuple[list[int], list[str | None]]] = {
        i: (summary[f"r{i}"], summary[f"c{i}"]) for i in failed if not checks[i].on_values(tabled)
    }
    by_field: dict[str, list[int]] = {}
    for i in failed:
        if checks[i].on_values(tabled):
            by_field.setdefault(checks[i].field, []).append(i)
    queries = []
    for name, indexes in by_field.items():
        values = pl.concat([summary[f"v{i}"] for i in indexes]).unique()
        value = pl.col("value")
        # Three columns taken without a query (a select on a wide frame costs its width).
        found = (
            pl.DataFrame(
                [
                    frame.get_column(ROW),
                    frame.get_column(column(checks[indexes[0]].column)).alias("cell"),
                    frame.get_column(value_col(name)).alias("value"),
                ]
            )
            .lazy()
            .filter(_one_of(value, values))
        )
        firsts = []
        for i in indexes:
            failing = value.is_in(summary[f"v{i}"].implode())
            firsts += [
                pl.col(ROW).filter(failing).head(limit).implode().alias(f"r{i}"),
                pl.col("cell").filter(failing).head(limit).implode().alias(f"c{i}"),
            ]
        queries.append(found.select(firsts))
    results = pl.collect_all(queries, engine="in-memory") if queries else []
    for indexes, result in zip(by_field.values(), results, strict=True):
        row = result.row(0, named=True)
        hits.update({i: (row[f"r{i}"], row[f"c{i}"]) for i in indexes})
    errors: list[ValidationError] = []
    for i in failed:
        check = checks[i]
        rows, cells = hits[i]
        if check.shown:
            errors += [
                _rule_error(check, row, cell or "")
                for row, cell in zip(rows[:limit], cells[:limit], strict=True)
            ]
            continue
        errors += [
            ValidationError(
                code=check.code,
                message=f"Row {row:,}, {check.field}: {check.message(cell or '')}",
                row=row,
                field=check.field,
                field_number=check.column + 1,
                cell=cell if cell is not None else "",
                constraint=check.constraint,
            )
            for row, cell in zip(rows[:limit], cells[:limit], strict=True)
        ]
    return errors


def _rule_error(check: Check, row: int, cell: str) -> ValidationError:
    """Return the error of a rule across fields (``Check.shown``) at ``row``."""
    values = tuple(
        (name, value)
        for (name, _), value in zip(check.shown, cell.split(SHOWN_SEPARATOR), strict=False)
    )
    return ValidationError(
        code=check.code,
        message=f"Row {row:,}: {check.message(cell)}",
        row=row,
        field=check.field,
        field_number=check.column + 1,
        cell=values[0][1] if values else "",
        constraint=check.constraint,
        values=values,
    )


def _one_of(value: pl.Expr, values: pl.Series) -> pl.Expr:
    """Return whether ``value`` is one of ``values``: a few comparisons when they are few."""
    if values.len() <= 8:
        return pl.any_horizontal(value == item for item in values.to_list()).fill_null(False)
    return value.is_in(values.implode()).fill_null(False)


def _blank_rows(frame: pl.DataFrame, limit: int) -> list[ValidationError]:
    rows = frame.select(ROW, BLANK).filter(pl.col(BLANK)).get_column(ROW).head(limit)
    return [
        ValidationError(code="blank-row", message=f"Row {row:,} is empty.", row=row)
        for row in rows.to_list()
    ]


def _missing_cells(
    hits: pl.DataFrame, width: int, field_name: Callable[[int], str], limit: int
) -> list[ValidationError]:
    errors: list[ValidationError] = []
    for row, cells in hits.select(ROW, CELLS).head(limit).iter_rows():
        for j in range(cells, width):
            errors.append(
                ValidationError(
                    code="missing-cell",
                    message=f"Row {row:,} has {cells:,} cells, not {width:,}: no cell for "
                    f"{field_name(j)!r} (column {j + 1:,}).",
                    row=row,
                    field=field_name(j),
                    field_number=j + 1,
                    cell="",
                )
            )
        if len(errors) >= limit:
            break
    return errors


def _extra_cells(hits: pl.DataFrame, width: int, limit: int) -> list[ValidationError]:
    errors: list[ValidationError] = []
    for row, cells, extra in hits.select(ROW, CELLS, EXTRA).head(limit).iter_rows():
        values = list(extra or [])
        for j in range(width, cells):
            cell = values[j - width] if j - width < len(values) else None
            errors.append(
                ValidationError(
                    code="extra-cell",
                    message=f"Row {row:,} has {cells:,} cells, but the header has {width:,}: "
                    f"column {j + 1:,} ({short(cell)}) has no label.",
                    row=row,
                    field=None,
                    field_number=j + 1,
                    cell=cell,
                )
            )
        if len(errors) >= limit:
            break
    return errors

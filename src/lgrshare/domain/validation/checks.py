"""Cell and row checks, column-wise: every rule of the standard as one Polars expression.

``prepare`` adds to a batch frame, per field found in the file, its value (``v:<field>``: the
text, null when missing or absent) and typed value (``t:<field>``); ``CellChecks.run`` then
evaluates every check at once, counts every error and lists the first ones. Python loops only
over listed errors. Per cell, as in frictionless: a type error stops the constraint checks; a
missing value is only checked for ``required``; a blank row (every cell empty) is reported once,
with nothing else for that row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from lgrshare.domain.standards.codelists import code_list
from lgrshare.domain.standards.model import FieldSpec, Standard
from lgrshare.domain.validation.casting import FAST_TYPES, anchored, parse_literal, typed
from lgrshare.domain.validation.errors import ValidationError, short
from lgrshare.domain.validation.frame import CELLS, EXTRA, ROW, column

BLANK = "__blank"
# Distinct values are checked apart when there are at most 1 per DISTINCT_SHARE rows.
DISTINCT_SHARE = 4
_TYPE_WORDS = {
    "string": "text", "integer": "a whole number", "number": "a number",
    "boolean": "true or false", "date": "a date (YYYY-MM-DD)",
    "datetime": "a date and time (YYYY-MM-DDThh:mm:ss)", "year": "a year (YYYY)",
    "yearmonth": "a year and month (YYYY-MM)",
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
    # For a rule on the text alone: the failing values among a batch's distinct values, so a
    # low-cardinality column is checked once per distinct value (``mask`` is then
    # ``ok & value in failing``).
    failing: Callable[[pl.Series], pl.Series] | None = None


@dataclass(slots=True)
class Findings:
    """Errors of one batch: every one counted by code, the first ``limit`` listed."""

    counts: dict[str, int]
    listed: list[ValidationError]


def prepare(
    frame: pl.DataFrame, *, standard: Standard, columns: Mapping[str, int], width: int
) -> pl.DataFrame:
    """Return ``frame`` with the blank-row flag and each found field's value and typed value."""
    others = [value for value in standard.missing_values if value != ""]
    empty_is_missing = "" in standard.missing_values
    frame = frame.with_columns(
        pl.all_horizontal(
            pl.col(column(j)).is_null() | (pl.col(column(j)).is_in(others) if others else False)
            for j in range(width)
        )
        .and_(pl.col(CELLS) <= width)
        .alias(BLANK)
    )
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
    frame = frame.with_columns(
        *[value.alias(value_col(name)) for name, value in values.items()],
        *[
            typed(specs[name], value, fast=True).alias(typed_col(name))
            for name, value in values.items()
        ],
    )
    return _reread_failures(frame, [specs[name] for name in columns])


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
    counts = frame.select(mask.sum().alias(name) for name, mask in failed.items()).row(
        0, named=True
    )
    for spec in numeric:
        if not counts[spec.name]:
            continue
        rows = frame.select(failed[spec.name].arg_true()).to_series()
        again = frame[rows].select(typed(spec, pl.col(value_col(spec.name)))).to_series()
        column = frame.get_column(typed_col(spec.name)).scatter(rows, again)
        frame = frame.with_columns(column.alias(typed_col(spec.name)))
    return frame


def build_checks(standard: Standard, columns: Mapping[str, int]) -> list[Check]:
    """Return every cell check of ``standard`` for the fields found at ``columns``."""
    checks: list[Check] = []
    for spec in standard.fields:
        if spec.name in columns:
            required = spec.required or spec.name in standard.primary_key
            checks.extend(_field_checks(spec, columns[spec.name], required, standard))
    return checks


def _field_checks(spec: FieldSpec, j: int, required: bool, standard: Standard) -> list[Check]:
    name = spec.name
    value, value_ok = pl.col(value_col(name)), ok(name)
    typed_value = pl.col(typed_col(name))
    checks = [
        Check(
            "type-error", name, j, value.is_not_null() & typed_value.is_null(),
            lambda cell: f"{short(cell)} is not {_TYPE_WORDS[spec.type]}"
            + (f" in the format {spec.format}" if spec.format not in ("default", "any") else "")
            + ".",
        )
    ]  # fmt: skip
    if required:
        checks.append(
            Check(
                "constraint-error", name, j,
                (pl.col(CELLS) > j) & ~pl.col(BLANK) & value.is_null(),
                lambda cell: f"{name!r} is required, but the cell is "
                + ("empty." if not cell else f"the missing-value marker {short(cell)}."),
                "required",
            )
        )  # fmt: skip
    constraints = spec.constraints
    length = value.str.len_chars()
    rules: list[tuple[str, pl.Expr, Callable[[str], str]]] = []
    # Rules on the text alone, by constraint: the failing values among distinct ones.
    failing: dict[str, Callable[[pl.Series], pl.Series]] = {}
    if "minimum" in constraints:
        low = parse_literal(spec, constraints["minimum"])
        rules.append(
            (
                "minimum",
                typed_value < low,
                lambda c: f"{short(c)} is below the minimum, {constraints['minimum']}.",
            )
        )
    if "maximum" in constraints:
        high = parse_literal(spec, constraints["maximum"])
        rules.append(
            (
                "maximum",
                typed_value > high,
                lambda c: f"{short(c)} is above the maximum, {constraints['maximum']}.",
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
        regex = anchored(constraints["pattern"])
        failing["pattern"] = lambda values: values.filter(~values.str.contains(regex))
        rules.append(
            (
                "pattern",
                ~value.str.contains(anchored(constraints["pattern"])),
                lambda c: f"{short(c)} does not match the pattern {constraints['pattern']}.",
            )
        )
    if "enum" in constraints:
        allowed = [parse_literal(spec, item) for item in constraints["enum"]]
        listing = _listing(constraints["enum"])
        if spec.type == "string":
            # A valid string's typed value is its text.
            failing["enum"] = lambda values: values.filter(
                ~values.is_in(pl.Series(allowed, dtype=pl.String))
            )
        rules.append(
            (
                "enum",
                ~typed_value.is_in(allowed),
                lambda c: f"{short(c)} is not one of the allowed values: {listing}.",
            )
        )
    for constraint, failing_mask, message in rules:
        checks.append(
            Check(
                "constraint-error", name, j, value_ok & failing_mask, message, constraint,
                failing.get(constraint),
            )
        )  # fmt: skip
    if spec.code_list:
        codes = list(code_list(spec.code_list))
        ref = spec.code_list
        checks.append(
            Check(
                "code-list-error", name, j, value_ok & ~value.is_in(codes),
                lambda cell: f"{short(cell)} is not a code in {ref} (ONS reference data).",
                failing=lambda values: values.filter(
                    ~values.is_in(pl.Series(codes, dtype=pl.String))
                ),
            )
        )  # fmt: skip
    return checks


def _listing(values: list[Any]) -> str:
    shown = ", ".join(str(value) for value in values[:8])
    return shown + (f" and {len(values) - 8} more" if len(values) > 8 else "")


def run_checks(
    frame: pl.DataFrame,
    checks: list[Check],
    *,
    width: int,
    field_name: Callable[[int], str],
    limit: int,
    extra: Sequence[pl.Expr] = (),
    distinct: Mapping[str, pl.Series] | None = None,
) -> tuple[Findings, dict[str, Any]]:
    """Return the errors in the prepared ``frame`` (all counted, the first ``limit`` listed),
    and the values of the ``extra`` aggregate expressions, evaluated in the same pass.

    ``distinct`` holds, for some fields, the batch's distinct non-null values: the checks with
    a ``failing`` rule are then run on those values only (see ``distinct_values``)."""
    missing = ~pl.col(BLANK) & (pl.col(CELLS) < width)
    surplus = pl.col(CELLS) > width
    masks = frame.select(
        missing.alias("missing"),
        surplus.alias("surplus"),
        *[_mask(check, distinct or {}).alias(f"m{i}") for i, check in enumerate(checks)],
    )
    sums = pl.concat(
        [
            masks.select(pl.all().sum()),
            frame.select(
                pl.col(BLANK).sum().alias("blank"),
                pl.when(missing).then(width - pl.col(CELLS)).otherwise(0).sum().alias("lacking"),
                pl.when(surplus).then(pl.col(CELLS) - width).otherwise(0).sum().alias("extras"),
                *extra,
            ),
        ],
        how="horizontal",
    ).row(0, named=True)
    counts: dict[str, int] = {}
    listed: list[ValidationError] = []

    def count(code: str, number: int) -> None:
        if number:
            counts[code] = counts.get(code, 0) + number

    count("blank-row", sums["blank"])
    count("missing-cell", sums["lacking"])
    count("extra-cell", sums["extras"])
    if limit > 0:
        if sums["blank"]:
            listed += _blank_rows(frame, limit)
        if sums["lacking"]:
            hits = frame.select(ROW, CELLS).filter(masks["missing"])
            listed += _missing_cells(hits, width, field_name, limit)
        if sums["extras"]:
            hits = frame.select(ROW, CELLS, EXTRA).filter(masks["surplus"])
            listed += _extra_cells(hits, width, limit)
    for i, check in enumerate(checks):
        number = sums[f"m{i}"]
        count(check.code, number)
        if number and limit > 0:
            hits = frame.select(ROW, column(check.column)).filter(masks[f"m{i}"])
            listed += [
                ValidationError(
                    code=check.code,
                    message=f"Row {row:,}, {check.field}: {check.message(cell or '')}",
                    row=row,
                    field=check.field,
                    field_number=check.column + 1,
                    cell=cell if cell is not None else "",
                    constraint=check.constraint,
                )
                for row, cell in hits.head(limit).iter_rows()
            ]
    listed.sort(key=lambda error: error.sort_key())
    return Findings(counts=counts, listed=listed[:limit]), sums


def _mask(check: Check, distinct: Mapping[str, pl.Series]) -> pl.Expr:
    values = distinct.get(check.field)
    if check.failing is None or values is None:
        return check.mask.fill_null(False)
    failing = check.failing(values)
    if failing.is_empty():
        return pl.lit(False)
    return (ok(check.field) & pl.col(value_col(check.field)).is_in(failing)).fill_null(False)


def distinct_fields(checks: Sequence[Check]) -> tuple[str, ...]:
    """Return the fields with a check that can run on distinct values."""
    return tuple(dict.fromkeys(check.field for check in checks if check.failing is not None))


def distinct_values(frame: pl.DataFrame, name: str) -> pl.Series | None:
    """Return the prepared ``frame``'s distinct non-null values of field ``name``, or None when
    they are too many for checking them apart to pay."""
    values = frame.get_column(value_col(name)).drop_nulls().unique()
    return values if values.len() * DISTINCT_SHARE <= frame.height else None


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
                    message=f"Row {row:,} has {cells} cells, not {width}: no cell for "
                    f"{field_name(j)!r} (column {j + 1}).",
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
                    message=f"Row {row:,} has {cells} cells, but the header has {width}: "
                    f"column {j + 1} ({short(cell)}) has no label.",
                    row=row,
                    field=None,
                    field_number=j + 1,
                    cell=cell,
                )
            )
        if len(errors) >= limit:
            break
    return errors

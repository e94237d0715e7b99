"""Reading cells as Table Schema types, column-wise, with Polars expressions.

``typed(spec, value)`` turns a String expression (null where the cell is missing) into the
field's typed value, null where the text is not a valid value of the type: a type error is a
non-null text whose typed value is null. The rules follow frictionless-py's, with one
documented difference: integers and numbers may not contain ``_`` (Python's ``int`` allows it).

Typed representations: integer Int64, number Float64, boolean Boolean, date Date, datetime
Datetime (the wall-clock time; an offset or ``Z`` is checked but not applied), year Int32,
yearmonth Int32 counted in months (``year * 12 + month - 1``).

How a type reads a cell is part of the standard (the model checks its constraint literals with
it) and the validator applies it to whole columns; it lives with the standards and needs only a
field's ``CellType``, so the model and the casting import in one direction.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Protocol

import polars as pl

_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATETIME_RE = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$"
)
# UK-first order: 01/02/2024 is the 1st of February.
_ANY_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y/%m/%d",
)
_STRING_FORMATS = {
    "email": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    "uri": r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$",
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
}
# frictionless's bareNumber=false: drop text before a sign or digit, and non-digits after.
_NOT_BARE = r"^[^\-0-9]*|[^0-9]*$"


FAST_TYPES = ("integer", "number", "yearmonth")


class CellType(Protocol):
    """What reading a cell needs of a field (a ``FieldSpec`` is one): its type and its format."""

    @property
    def type(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def decimal_char(self) -> str: ...
    @property
    def group_char(self) -> str: ...
    @property
    def bare_number(self) -> bool: ...
    @property
    def true_values(self) -> tuple[str, ...]: ...
    @property
    def false_values(self) -> tuple[str, ...]: ...


def typed(spec: CellType, value: pl.Expr, *, fast: bool = False) -> pl.Expr:
    """Return ``value`` (String) read as ``spec``'s type; null where it is not a valid value.

    ``fast=True`` reads the usual forms only (numbers without spaces around them, ``YYYY-MM``);
    the caller must then re-read the cells of a ``FAST_TYPES`` field that failed with
    ``fast=False``, which also takes ``" 12 "`` and ``2024-5``.
    """
    kind = spec.type
    if kind == "string":
        regex = _STRING_FORMATS.get(spec.format)
        return value if regex is None else pl.when(value.str.contains(regex)).then(value)
    if kind in ("integer", "number"):
        return _numeric(spec, value, strip=not fast)
    if kind == "boolean":
        return (
            pl.when(value.is_in(list(spec.true_values)))
            .then(pl.lit(True))
            .when(value.is_in(list(spec.false_values)))
            .then(pl.lit(False))
            .otherwise(pl.lit(None, dtype=pl.Boolean))
        )
    if kind == "date":
        return _date(spec, value)
    if kind == "datetime":
        if spec.format not in ("default", "any"):
            return value.str.to_datetime(spec.format, strict=False, time_unit="us")
        wall = value.str.slice(0, 19).str.replace(" ", "T", literal=True)
        parsed = wall.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us")
        return pl.when(value.str.contains(_DATETIME_RE)).then(parsed)
    if kind == "year":
        return pl.when(value.str.contains(r"^[0-9]{4}$")).then(value.cast(pl.Int32, strict=False))
    if kind == "yearmonth":
        if fast:
            # Only "YYYY-MM": chrono's %Y alone would also take a sign ("-2024-05").
            first = value.str.to_date("%Y-%m", strict=False)
            months = first.dt.year().cast(pl.Int32) * 12 + first.dt.month().cast(pl.Int32) - 1
            return pl.when(value.str.contains(r"^[0-9]{4}-[0-9]{2}$")).then(months)
        # frictionless: "YYYY-MM" or "YYYY-M", month 1 to 12 (and years of fewer digits).
        parts = value.str.split_exact("-", 1)
        year = parts.struct.field("field_0")
        month = parts.struct.field("field_1")
        digits = (
            year.str.contains(r"^[0-9]{1,4}$")
            & month.str.contains(r"^[0-9]{1,2}$")
            & (value.str.count_matches("-", literal=True) == 1)
        )
        year_n, month_n = year.cast(pl.Int32, strict=False), month.cast(pl.Int32, strict=False)
        return pl.when(digits & month_n.is_between(1, 12)).then(year_n * 12 + month_n - 1)
    raise ValueError(f"unsupported type {kind}")


def any_text_reads(spec: CellType) -> bool:
    """Return whether every text is a valid value of the field (a string without a format
    that ``typed`` checks), so that it can have no type error."""
    return spec.type == "string" and spec.format not in _STRING_FORMATS


def _numeric(spec: CellType, value: pl.Expr, *, strip: bool) -> pl.Expr:
    text = value.str.strip_chars() if strip else value
    if not spec.bare_number:
        text = text.str.replace_all(_NOT_BARE, "")
    if spec.group_char:
        text = text.str.replace_all(spec.group_char, "", literal=True)
    if spec.type == "integer":
        return text.cast(pl.Int64, strict=False)
    if spec.decimal_char != ".":
        # frictionless: with another decimal character, a "." is an error, not a separator.
        no_dot = ~text.str.contains(".", literal=True)
        text = text.str.replace_all(spec.decimal_char, ".", literal=True)
        return pl.when(no_dot).then(text.cast(pl.Float64, strict=False))
    return text.cast(pl.Float64, strict=False)


def _date(spec: CellType, value: pl.Expr) -> pl.Expr:
    if spec.format == "default":
        parsed = value.str.to_date("%Y-%m-%d", strict=False)
        return pl.when(value.str.contains(_DATE_RE)).then(parsed)
    if spec.format == "any":
        return pl.coalesce([value.str.to_date(fmt, strict=False) for fmt in _ANY_DATE_FORMATS])
    return value.str.to_date(spec.format, strict=False)


def parse_literal(spec: CellType, literal: Any) -> Any:
    """Return a constraint value (``minimum``, an ``enum`` member) as the typed value, or None.

    Numbers in JSON are accepted for numeric types; everything else must be text, as in a cell.
    """
    if isinstance(literal, bool):
        text = "true" if literal else "false"
        if spec.type == "boolean":
            return literal
    elif isinstance(literal, int | float) and spec.type in ("integer", "number", "year"):
        text = str(literal)
    elif isinstance(literal, str):
        text = literal
    else:
        return None
    if spec.type == "integer" and isinstance(literal, float):
        return int(literal) if literal.is_integer() else None
    frame = pl.DataFrame({"v": [text]}, schema={"v": pl.String})
    return frame.select(typed(spec, pl.col("v"))).item()


def display(spec: CellType, value: Any) -> Any:
    """Return a typed value as JSON shows it: yearmonth as ``2024-05``, dates in ISO 8601."""
    if value is None:
        return None
    if spec.type == "yearmonth":
        year, month = divmod(int(value), 12)
        return f"{year:04d}-{month + 1:02d}"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return str(value)
    return value


def anchored(pattern: str) -> str:
    """Return a Table Schema ``pattern`` as a whole-cell regular expression."""
    return f"^(?:{pattern})$"


def pattern_problem(pattern: str) -> str | None:
    """Return why ``pattern`` cannot be checked (Rust regex syntax, no look-around), or None."""
    try:
        re.compile(pattern)
        pl.select(pl.lit("").str.contains(anchored(pattern)))
    except (re.error, pl.exceptions.PolarsError) as exc:
        first_line = str(exc).strip().splitlines()
        return first_line[-1] if first_line else "it is not a valid regular expression"
    return None

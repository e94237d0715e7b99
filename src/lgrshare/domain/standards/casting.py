"""Reading cells as Table Schema types, column-wise, with Polars expressions.

``typed(spec, value)`` turns a String expression (null where the cell is missing) into the
field's typed value, null where the text is not a valid value of the type: a type error is a
non-null text whose typed value is null. The rules follow frictionless-py's, with one
documented difference: integers and numbers may not contain ``_`` (Python's ``int`` allows it).

Typed representations: integer Int64, number Float64, boolean Boolean, date Date, datetime
Datetime (the instant in UTC when the text has an offset or ``Z``; the wall-clock time read as
UTC when it has none), time Int64 microseconds since midnight UTC (likewise: ``15:00:00+03:00``
is ``12:00:00Z``, and may be negative or past a day), year Int32, yearmonth Int32 counted in
months (``year * 12 + month - 1``), string, any and duration the text, and the JSON types
(object, array, geojson) and geopoint their canonical text (``cells``), so that equal values
are equal to ``unique`` and ``enum``. Offset-aware values thus compare as instants in
``unique``, ``primaryKey``, ``minimum`` and ``maximum``.

How a type reads a cell is part of the standard (the model checks its constraint literals with
it) and the validator applies it to whole columns; it lives with the standards and needs only a
field's ``CellType``, so the model and the casting import in one direction.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Protocol

import polars as pl

from lgrshare.domain.standards.cells import reader

_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# A clock time as frictionless-py reads it (``dateutil``'s ``isoparse``): hh:mm:ss, a fraction
# after "." or ",", and an offset: Z, +hh, +hhmm or +hh:mm.
_CLOCK = r"([0-9]{2}):([0-9]{2}):([0-9]{2})(?:[.,]([0-9]+))?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?$"
_TIME_RE = "^" + _CLOCK
_DATETIME_RE = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]" + _CLOCK
_MICROS_A_SECOND = 1_000_000
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
    # With or without its hyphens, as frictionless-py reads it.
    "uuid": r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$",
}
# frictionless's bareNumber=false: drop text before a sign or digit, and non-digits after.
_NOT_BARE = r"^[^\-0-9]*|[^0-9]*$"


FAST_TYPES = ("integer", "number", "yearmonth")
# Types whose constraint values may be JSON objects or arrays (``enum`` members).
_JSON_LITERALS = ("object", "array", "geojson", "geopoint", "any")


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
    read = reader(kind, spec.format)
    if read is not None:
        return value.map_elements(read, return_dtype=pl.String, skip_nulls=True)
    if kind in ("string", "any"):
        regex = _STRING_FORMATS.get(spec.format) if kind == "string" else None
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
            parsed = value.str.to_datetime(spec.format, strict=False, time_unit="us")
            return _in_utc(parsed) if "%z" in spec.format else parsed
        parts = value.str.extract_groups(_DATETIME_RE)
        day = parts.struct.field("1").str.to_date("%Y-%m-%d", strict=False)
        clock = _clock(parts, first=2)
        return day.cast(pl.Datetime("us")) + pl.duration(microseconds=clock)
    if kind == "time":
        if spec.format not in ("default", "any"):
            return value.str.to_time(spec.format, strict=False).cast(pl.Int64) // 1000
        return _clock(value.str.extract_groups(_TIME_RE), first=1)
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


def _clock(parts: pl.Expr, *, first: int) -> pl.Expr:
    """Return the microseconds since midnight UTC of the clock time in the groups ``first`` to
    ``first + 4`` of ``parts`` (hours, minutes, seconds, fraction, offset): null where there is
    none or it is out of range."""

    def group(k: int) -> pl.Expr:
        return parts.struct.field(str(first + k))

    hours, minutes, seconds = (group(k).cast(pl.Int64, strict=False) for k in range(3))
    fraction = group(3).str.slice(0, 6).str.pad_end(6, "0").cast(pl.Int64).fill_null(0)
    offset = group(4)
    sign = pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
    offset_hours = offset.str.slice(1, 2).cast(pl.Int64, strict=False).fill_null(0)
    offset_minutes = (
        pl.when(offset.str.len_chars() > 3)
        .then(offset.str.slice(-2).cast(pl.Int64, strict=False))
        .otherwise(0)
    )
    shift = sign * (offset_hours * 60 + offset_minutes) * 60 * _MICROS_A_SECOND
    micros = ((hours * 60 + minutes) * 60 + seconds) * _MICROS_A_SECOND + fraction
    in_range = (
        hours.is_between(0, 23) & minutes.is_between(0, 59) & seconds.is_between(0, 59)
    ) & offset_minutes.is_between(0, 59)
    return pl.when(in_range).then(micros - shift.fill_null(0))


def _in_utc(parsed: pl.Expr) -> pl.Expr:
    """Return a datetime parsed with a custom format as a UTC instant without a time zone
    (a format with ``%z`` gives an aware value)."""
    return parsed.dt.convert_time_zone("UTC").dt.replace_time_zone(None)


def any_text_reads(spec: CellType) -> bool:
    """Return whether every text is a valid value of the field (``any``, or a string without a
    format that ``typed`` checks), so that it can have no type error."""
    return spec.type == "any" or (
        spec.type == "string" and spec.format not in (*_STRING_FORMATS, "binary")
    )


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
    if isinstance(literal, dict | list) and spec.type in _JSON_LITERALS:
        text = json.dumps(literal)
    elif isinstance(literal, bool):
        text = "true" if literal else "false"
        if spec.type == "boolean":
            return literal
    elif isinstance(literal, int | float) and spec.type in ("integer", "number", "year", "any"):
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
    if spec.type == "time" and isinstance(value, int):
        return _clock_text(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return str(value)
    return value


def _clock_text(micros: int) -> str:
    """Return microseconds since midnight UTC as ``hh:mm:ss[.ffffff]Z`` (a day before or after
    shown as a time of that day)."""
    seconds, fraction = divmod(micros % (86_400 * _MICROS_A_SECOND), _MICROS_A_SECOND)
    clock = dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, fraction)
    return clock.isoformat() + "Z"


def anchored(pattern: str) -> str:
    """Return a Table Schema ``pattern`` as a whole-cell regular expression."""
    return f"^(?:{pattern})$"


def pattern_problem(pattern: str) -> str | None:
    """Return why ``pattern`` cannot be checked (Rust regex syntax, no look-around), or None.

    Cells are matched by Polars's regular expressions (Rust's ``regex``), which take time in
    proportion to the text and never backtrack: a pattern such as ``(a+)+b``, catastrophic for
    a backtracking engine, cannot hang the validator. A pattern whose compiled form would be too
    large (``(a{1000}){1000}``) is refused here, at once."""
    try:
        re.compile(pattern)
        pl.select(pl.lit("").str.contains(anchored(pattern)))
    except (re.error, pl.exceptions.PolarsError) as exc:
        text = str(exc)
        if "size limit" in text:
            return "it is too large to check quickly (its repetitions multiply)"
        lines = [line for line in text.split("This error occurred")[0].splitlines() if line]
        if not lines:
            return "it is not a valid regular expression"
        return lines[-1].removeprefix("error: ")
    return None

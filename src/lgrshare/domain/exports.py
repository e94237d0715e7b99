"""Making shared data safe to open: formula-like cells neutralised, context attached.

A cell that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return) gets a leading apostrophe, unless it is a plain number such as ``-5``.
"""

from __future__ import annotations

import re

import polars as pl

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value: str, *, keep_numbers: bool = True) -> str:
    """Return ``value`` made inert for spreadsheets.

    Plain numbers such as ``-5`` are left alone unless ``keep_numbers`` is false (for columns
    that are always text, like the audit trail's, where ``+42`` must stay text).
    """
    if value.startswith(_FORMULA_START) and not (keep_numbers and _NUMBER.match(value)):
        return "'" + value
    return value


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with every text cell neutralised (columnar, no Python loop per row)."""
    starts = "|".join(re.escape(c) for c in _FORMULA_START)
    expressions = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            column = pl.col(name)
            risky = column.str.contains(f"^({starts})") & ~column.str.contains(_NUMBER.pattern)
            expressions.append(
                pl.when(risky).then(pl.lit("'") + column).otherwise(column).alias(name)
            )
    return frame.with_columns(expressions) if expressions else frame

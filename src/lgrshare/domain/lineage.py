"""Where each compiled row came from, and whether it names the council that sent it. Pure Polars."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

LINEAGE = ("source_council", "source_submission", "source_version", "source_period")
# Fields naming the council a row is about, in the order they are looked for.
COUNCIL_FIELDS = ("council_gss_code", "gss_code")
FLAG = "council_code_differs"


def with_council(
    frame: pl.DataFrame, *, council: str, code_fields: Sequence[str] = COUNCIL_FIELDS
) -> tuple[pl.DataFrame, int]:
    """Return ``frame`` led by its lineage columns with ``source_council`` set to ``council``
    and a ``council_code_differs`` column (True where the row's council code, the first of
    ``code_fields`` it has, is not ``council``; null where it has none); and how many differ."""
    frame = frame.with_columns(pl.lit(council).alias("source_council"))
    code = next((name for name in code_fields if name in frame.columns), None)
    if code is None:
        differs = pl.lit(None, dtype=pl.Boolean)
    else:
        differs = pl.col(code).str.strip_chars().str.to_uppercase() != council
    frame = frame.with_columns(differs.alias(FLAG))
    lineage = [c for c in LINEAGE if c in frame.columns]
    ordered = frame.select(*lineage, pl.exclude(*lineage))
    return ordered, int(ordered.get_column(FLAG).sum() or 0)

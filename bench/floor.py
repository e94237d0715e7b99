"""The rules alone, in one Polars query: a rough floor for a validator built on Polars.

``rules_only`` reads the whole file at once (every cell as text, as the bare read does), types
every value and evaluates every rule of the standard with lgrshare's own expressions
(``checks.prepare_frame`` and ``checks.build_checks``), and counts the cells failing each, and
the rows repeating a unique field's value. Nothing else: no row numbers or cells of the errors,
no proof of each record's cell count, no profile, no batches (so memory is not bounded). It is
a rough floor for a Polars validator of this file (checking a low-cardinality field by its
distinct values saves part of the per-cell work, and costs value tables instead), so its time
against the bare read shows how much room the issue's speed targets leave.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from lgrshare.domain.standards.model import Standard
from lgrshare.domain.validation.checks import build_checks, prepare_frame, typed_col
from lgrshare.domain.validation.frame import batch_frame, column
from lgrshare.domain.validation.header import match_header


def rules_only(path: Path | str, standard: Standard) -> int:
    """Return how many errors the rules and unique fields find in the CSV file at ``path``."""
    labels = tuple(pl.read_csv(path, n_rows=0).columns)
    width = len(labels)
    header = match_header(labels, standard)
    parsed = pl.read_csv(path, infer_schema=False, new_columns=[column(j) for j in range(width)])
    cells = pl.select(pl.repeat(width, parsed.height, dtype=pl.Int32)).to_series()
    frame = prepare_frame(
        batch_frame(parsed, cells=cells, first_row=2),
        standard=standard,
        columns=header.columns,
        width=width,
    )
    checks = build_checks(standard, header.columns)
    repeats = [
        (~pl.col(typed_col(spec.name)).drop_nulls().is_first_distinct()).sum()
        for spec in standard.fields
        if spec.constraints.get("unique") and spec.name in header.columns
    ]
    counts = frame.select(
        *[check.mask.fill_null(False).sum().alias(f"m{i}") for i, check in enumerate(checks)],
        *[repeat.alias(f"u{i}") for i, repeat in enumerate(repeats)],
    )
    return int(sum(counts.row(0)))

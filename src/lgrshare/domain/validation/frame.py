"""The shape every reader gives the checks: one Polars frame per batch of rows.

Columns: ``__row`` (Int64, the row number, header = 1), ``__cells`` (Int32, how many cells the
record really has: 0 for an empty line), ``__extra`` (List[String], the cells past the header's
width, or null) and ``c0`` … ``c{n-1}`` (String, one per header column, null where the record
is empty or has no such cell: ``__cells`` tells which). A reader that has already reported some
cells as unreadable (an XLSX error value), and read them as empty, adds ``__reported``
(List[Int32], those cells' column indexes, or null): no check reports them again.
``__blank`` (Boolean: whether the row is blank) is added by the checks, or given with a slice of
a wide table's columns.
"""

from __future__ import annotations

import polars as pl

ROW = "__row"
CELLS = "__cells"
EXTRA = "__extra"
REPORTED = "__reported"
BLANK = "__blank"


def column(index: int) -> str:
    """Return the frame's name for the file's column ``index`` (0-based)."""
    return f"c{index}"


def batch_frame(
    parsed: pl.DataFrame,
    *,
    cells: pl.Series,
    first_row: int,
    extra: pl.Series | None = None,
    rows: pl.Series | None = None,
) -> pl.DataFrame:
    """Return ``parsed`` (columns ``c0``…) with the bookkeeping columns; absent cells nulled.

    Rows are numbered from ``first_row`` on, or are ``rows`` (where comment rows are left out).
    """
    width, height = parsed.width, parsed.height
    numbers = (
        pl.int_range(first_row, first_row + height, dtype=pl.Int64, eager=True)
        if rows is None
        else rows.cast(pl.Int64)
    )
    counts = cells.cast(pl.Int32)
    cut = int(counts.min() or 0) if height else width  # type: ignore[arg-type]
    # Built from the columns, not with a query: a query over a wide frame costs its width.
    columns = [parsed.get_column(column(j)) for j in range(width)]
    if cut < width:
        short = pl.DataFrame([counts.alias(CELLS), *columns[cut:]])
        columns[cut:] = short.select(
            pl.when(pl.col(CELLS) > j).then(pl.col(column(j))).alias(column(j))
            for j in range(cut, width)
        ).get_columns()
    return pl.DataFrame(
        [
            *columns,
            numbers.alias(ROW),
            counts.alias(CELLS),
            (
                extra
                if extra is not None
                else pl.repeat(None, height, dtype=pl.List(pl.String), eager=True)
            ).alias(EXTRA),
        ]
    )

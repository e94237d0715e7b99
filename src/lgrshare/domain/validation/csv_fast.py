"""The fast CSV reader: blocks of the file parsed by Polars, with an exact count of cells.

Polars pads short rows and (with ``truncate_ragged_lines``) cuts long ones without saying so,
so each block is also read as plain lines, and every record's true number of cells is worked
out: for a record without quotes it is its length less the lengths of its parsed cells, plus
one (no counting); records with quotes, or with more cells than the header, have the delimiters
outside quotes counted. That gives ``missing-cell`` and ``extra-cell`` exactly.

The two readings must agree on the number of records. When they do not, or Polars rejects the
quoting (a stray ``"`` inside an unquoted cell, which Python's csv module reads as a character),
the reader raises ``FastPathFailed`` and the engine reads the whole file again with the exact,
slower reader in ``csv_exact``. Blocks end at a line end outside quotes, found from the lines'
quote parity. UTF-8 is checked by Polars itself; Python decodes a block only when Polars refuses
it (to name the bad byte, or to read Windows-1252). Memory: a 16 MB block at a time, two
with read-ahead (a record may not exceed 16 MB).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import BinaryIO

import polars as pl

from lgrshare.domain.validation.csv_layout import CsvLayout
from lgrshare.domain.validation.encoding import UTF8, TextDecoder
from lgrshare.domain.validation.frame import EXTRA, batch_frame, column
from lgrshare.domain.validation.unreadable import format_error

BLOCK_BYTES = 16 * 1024 * 1024
MAX_RECORD_BYTES = 16 * 1024 * 1024
# The most rows whose extra cells are parsed out, per block, for the listed errors' values.
EXTRA_VALUES_LIMIT = 10_000
_LINE_SEPARATORS = (b"\x1f", b"\x1e", b"\x1d", b"\x1c", b"\x01", b"\x02", b"\x03")
_QUOTED = r'"[^"]*"'


class FastPathFailed(Exception):
    """The fast reader cannot read this file faithfully; read it with ``csv_exact``."""


def fast_batches(
    handle: BinaryIO,
    *,
    layout: CsvLayout,
    decoder: TextDecoder,
    size: int,
    progress: Callable[[int], None] | None = None,
) -> Iterator[pl.DataFrame]:
    """Yield the data rows as batch frames (see ``frame``), in order.

    Raises ``Unreadable`` for an encoding error or an over-long line, ``FastPathFailed`` when
    ``csv_exact`` must read the file instead.
    """
    position, next_row = layout.data_start, 2
    eol = layout.eol.encode()
    want = BLOCK_BYTES
    while position < size:
        handle.seek(position)
        block = handle.read(want)
        at_end = position + len(block) >= size
        if not at_end:
            cut = block.rfind(eol)
            if cut < 0:
                want = _grow(want, block, handle, layout, position, next_row)
                continue
            block = block[: cut + 1]
        data, records, complete = _read_lines(block, layout, decoder, handle, position)
        if not complete and not at_end:
            # The block ends inside a quoted cell: stop before the unfinished record.
            records, keep = _drop_last_record(records, block, eol)
            if keep == 0:
                want = _grow(want, block, handle, layout, position, next_row)
                continue
            block = block[:keep]
            data, records, complete = _read_lines(block, layout, decoder, handle, position)
        frame = _parse(data, records, layout=layout, first_row=next_row)
        next_row += frame.height
        position += len(block)
        want = BLOCK_BYTES
        if progress is not None:
            progress(position)
        yield frame


def _line_at(handle: BinaryIO, layout: CsvLayout, offset: int) -> int:
    """Return the line number of byte ``offset`` (counted only when an error needs it)."""
    handle.seek(0)
    eol = layout.eol.encode()
    lines, position = 1, 0
    while position < offset:
        chunk = handle.read(min(BLOCK_BYTES, offset - position))
        if not chunk:
            break
        lines += chunk.count(eol)
        position += len(chunk)
    return lines


def _read_lines(
    block: bytes, layout: CsvLayout, decoder: TextDecoder, handle: BinaryIO, position: int
) -> tuple[bytes, pl.Series, bool]:
    """Return the block as UTF-8, its records and whether it ends outside quotes."""
    if b"\x00" in block or decoder.encoding not in (None, UTF8):
        data = decoder.to_utf8(
            block, offset=position, first_line=_line_at(handle, layout, position)
        )
        return (data, *_records(data, layout=layout))
    try:
        # Polars checks UTF-8 as it reads; Python decodes only to name a bad byte or to
        # read Windows-1252.
        records, complete = _records(block, layout=layout)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower():
            raise FastPathFailed(str(exc)) from exc
        data = decoder.to_utf8(
            block, offset=position, first_line=_line_at(handle, layout, position)
        )
        return (data, *_records(data, layout=layout))
    if decoder.encoding is None and not block.isascii():
        decoder.encoding = UTF8
    return block, records, complete


def _grow(
    want: int, block: bytes, handle: BinaryIO, layout: CsvLayout, position: int, row: int
) -> int:
    if want < MAX_RECORD_BYTES * 2:
        return want * 2
    if b'"' in block:
        raise FastPathFailed("no record end within the record size limit")
    # No quote, so no quoted line break: one line really is this long.
    line = _line_at(handle, layout, position)
    raise format_error(
        f"Line {line:,} (row {row:,}) is longer than {MAX_RECORD_BYTES // 1024 // 1024} MB: "
        "this is not a CSV table.",
        row=row,
    )


def _records(data: bytes, *, layout: CsvLayout) -> tuple[pl.Series, bool]:
    """Return the block's records (lines joined where a quoted cell spans lines), and whether
    the block ends outside quotes."""
    separator = next((s for s in _LINE_SEPARATORS if s not in data), None)
    if separator is None:
        raise FastPathFailed("no free byte to split lines with")
    lines = pl.read_csv(
        data,
        has_header=False,
        separator=separator.decode(),
        quote_char=None,
        schema={"line": pl.String},
        eol_char=layout.eol,
        empty_string_is_null=False,
        raise_if_empty=False,
    ).get_column("line")
    if b'"' not in data:
        return lines, True
    odd = (lines.str.count_matches('"', literal=True) % 2).cast(pl.Int32)
    frame = pl.DataFrame({"line": lines, "odd": odd}).with_columns(
        inside=(pl.col("odd").cum_sum() - pl.col("odd")) % 2
    )
    complete = int(odd.sum()) % 2 == 0
    if frame.get_column("inside").sum() == 0:
        return lines, complete
    records = (
        frame.with_columns(record=(pl.col("inside") == 0).cum_sum())
        .group_by("record", maintain_order=True)
        .agg(pl.col("line").str.join("\n"), pl.len().alias("lines"))
    )
    return records.get_column("line"), complete


def _drop_last_record(records: pl.Series, block: bytes, eol: bytes) -> tuple[pl.Series, int]:
    """Return the records without the last, and the length of the block before it."""
    last_lines = records[-1].count("\n") + 1 if records.len() else 0
    keep = len(block)
    for _ in range(last_lines):
        keep = block.rfind(eol, 0, keep - 1) + 1
        if keep <= 0:
            return records.head(0), 0
    return records.head(records.len() - 1), keep


def _parse(data: bytes, records: pl.Series, *, layout: CsvLayout, first_row: int) -> pl.DataFrame:
    width = len(layout.labels)
    # A first row of exactly `width` cells fixes Polars' idea of the width; it is dropped.
    template = (layout.delimiter * (width - 1) + layout.eol).encode()
    try:
        parsed = pl.read_csv(
            template + data,
            has_header=False,
            schema={column(j): pl.String for j in range(width)},
            separator=layout.delimiter,
            quote_char='"',
            eol_char=layout.eol,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        ).slice(1)
    except pl.exceptions.PolarsError as exc:
        raise FastPathFailed(str(exc)) from exc
    if parsed.height != records.len():
        raise FastPathFailed(f"{parsed.height} rows parsed, {records.len()} records counted")
    cells = _cell_counts(parsed, records, delimiter=layout.delimiter)
    extra = _extra_values(records, cells, width=width, delimiter=layout.delimiter)
    return batch_frame(parsed, cells=cells, first_row=first_row, extra=extra)


def _cell_counts(parsed: pl.DataFrame, records: pl.Series, *, delimiter: str) -> pl.Series:
    width = parsed.width
    frame = parsed.select(
        records.str.len_bytes().cast(pl.Int64).alias("length"),
        pl.sum_horizontal(pl.col(parsed.columns).str.len_bytes().fill_null(0)).alias(
            "cells_length"
        ),
        records.str.contains('"', literal=True).alias("quoted"),
    )
    length, quoted = pl.col("length"), pl.col("quoted")
    # Without quotes, a record is its cells joined by delimiters: count = length - cells + 1.
    estimate = length - pl.col("cells_length") + 1
    counts = frame.select(
        pl.when(length == 0).then(0).otherwise(estimate).cast(pl.Int32).alias("cells"),
        (quoted | (estimate > width)).alias("exact"),
    )
    cells = counts.get_column("cells")
    exact = counts.get_column("exact").arg_true()
    if exact.len():
        text = records.gather(exact)
        unquoted = text.str.replace_all(_QUOTED, "")
        counted = (unquoted.str.count_matches(delimiter, literal=True) + 1).cast(pl.Int32)
        cells = cells.scatter(exact, counted)
    return cells


def _extra_values(
    records: pl.Series, cells: pl.Series, *, width: int, delimiter: str
) -> pl.Series | None:
    over = (cells > width).arg_true()
    if over.len() == 0:
        return None
    values: list[list[str] | None] = [None] * records.len()
    for index in over.head(EXTRA_VALUES_LIMIT).to_list():
        row = next(csv.reader([records[index]], delimiter=delimiter), [])
        values[index] = row[width:]
    return pl.Series(EXTRA, values, dtype=pl.List(pl.String))

"""The fast CSV reader: blocks of the file parsed once by Polars, with exact cell counts.

Polars pads a short record with nulls without saying so, so a parse alone cannot tell a record
of 7 cells from one of 8 ending in an empty cell. ``_quick`` proves instead that every record of
a block has exactly the header's cells, from a sum of the block's bytes (see there); it costs a
fraction of a second parse. A block it cannot prove (a short or long record, a blank line, a
quote Polars refuses) is read again as plain lines, and every record's true number of cells is
worked out: for a record without quotes, its length less the lengths of its parsed cells, plus
one; for one with quotes, or more cells than the header, the delimiters outside quotes counted.
That gives ``missing-cell`` and ``extra-cell`` exactly.

The two readings must agree on the number of records. When they do not, or Polars and Python's
csv module would break lines apart differently (a ``\r`` alone), or Polars rejects the quoting
(a quote inside an unquoted cell next to a delimiter, text after a closing quote), the reader
raises ``FastPathFailed`` and the engine reads the whole file again with the exact, slower reader
in ``csv_exact``. Blocks end at a line end outside quotes. UTF-8 is checked by Polars itself;
Python decodes a block only when Polars refuses it (to name the bad byte, or to read
Windows-1252). Memory: a 10 MB block at a time, up to four in the pipeline (read, prepared,
checked); a record may not exceed 16 MB.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO, TypeVar

import polars as pl

from lgrshare.domain.validation.csv_layout import BOM, CsvLayout
from lgrshare.domain.validation.encoding import UTF8, TextDecoder
from lgrshare.domain.validation.frame import EXTRA, batch_frame, column
from lgrshare.domain.validation.unreadable import MAX_EXTRA_CELLS, format_error, too_wide

BLOCK_BYTES = 10 * 1024 * 1024
MAX_RECORD_BYTES = 16 * 1024 * 1024
# The csv module's cell limit is one setting for the whole process: raised once, here, to the
# record limit, rather than set and restored around each read (which races between threads).
csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES))
# The most rows whose extra cells are parsed out, per block, for the listed errors' values.
EXTRA_VALUES_LIMIT = 10_000
_LINE_SEPARATORS = (b"\x1f", b"\x1e", b"\x1d", b"\x1c", b"\x01", b"\x02", b"\x03")
T = TypeVar("T")


class FastPathFailed(Exception):
    """The fast reader cannot read this file faithfully; read it with ``csv_exact``."""


@dataclass(frozen=True, slots=True)
class Unconfirmed:
    """A batch frame whose records each have the header's cells exactly when its cells hold
    ``quotes`` quote characters in all (see ``_quick``).

    Counting them costs more here than where each field's kind and distinct values are known,
    so the engine counts them, and reads the block line by line (``exact``) if they differ.
    """

    frame: pl.DataFrame
    quotes: int
    exact: Callable[[], pl.DataFrame]


def fast_batches(
    handle: BinaryIO,
    *,
    layout: CsvLayout,
    decoder: TextDecoder,
    size: int,
    progress: Callable[[int], None] | None = None,
) -> Iterator[pl.DataFrame | Unconfirmed]:
    """Yield the data rows as batch frames (see ``frame``), in order; a frame whose cell
    counts rest on its quotes comes as ``Unconfirmed``.

    Raises ``Unreadable`` for an encoding error or an over-long line, ``FastPathFailed`` when
    ``csv_exact`` must read the file instead.
    """
    position, next_row = layout.data_start, 2
    eol = layout.eol.encode()
    want = BLOCK_BYTES
    while position < size:
        block = _read_block(handle, position, min(want, size - position), eol, last=size)
        at_end = position + len(block) >= size
        if not at_end and not block.endswith(eol):
            cut = block.rfind(eol)
            if cut < 0:
                want = _grow(want, block, handle, layout, position, next_row)
                continue
            block = block[: cut + 1]
        read = _Reader(decoder=decoder, handle=handle, layout=layout, position=position)
        data, frame = read(block, partial(_quick, layout=layout, first_row=next_row))
        if frame is None:
            data, (records, complete) = read(block, lambda data: _records(data, layout=layout))
            if not complete and at_end:
                # Perhaps a quote never closed: the exact reader tells it from a quote inside
                # an unquoted cell.
                raise FastPathFailed("the quotes of the file's last block do not pair up")
            if not complete:
                # The block ends inside a quoted cell: stop before the unfinished record.
                records, keep = _drop_last_record(records, block, eol)
                if keep == 0:
                    want = _grow(want, block, handle, layout, position, next_row)
                    continue
                block = block[:keep]
                data, (records, complete) = read(block, lambda data: _records(data, layout=layout))
            frame = _parse(data, records, layout=layout, first_row=next_row)
        next_row += (frame.frame if isinstance(frame, Unconfirmed) else frame).height
        position += len(block)
        want = BLOCK_BYTES
        if progress is not None:
            progress(position)
        yield frame


def _read_block(handle: BinaryIO, position: int, want: int, eol: bytes, *, last: int) -> bytes:
    """Return ``want`` bytes from ``position``, or fewer, ending at the last line end among
    them when their last 64 KB hold one and the file goes on past them (it ends at ``last``).

    The end is found first, so that the block is read once at its size, not read and then cut
    (a second copy of it)."""
    tail = min(want, 64 * 1024)
    end = -1
    if position + want < last:
        handle.seek(position + want - tail)
        end = handle.read(tail).rfind(eol)
    handle.seek(position)
    return handle.read(want if end < 0 else want - tail + end + 1)


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


@dataclass(frozen=True, slots=True)
class _Reader:
    """Runs a Polars reading of a block, decoding it in Python only when it must."""

    decoder: TextDecoder
    handle: BinaryIO
    layout: CsvLayout
    position: int

    def __call__(self, block: bytes, reading: Callable[[bytes], T]) -> tuple[bytes, T]:
        """Return the block as UTF-8 and ``reading`` of it.

        Polars checks UTF-8 as it reads; Python decodes a block only to name a bad byte, to
        read Windows-1252, or to find a NUL.
        """
        if b"\x00" in block or self.decoder.encoding not in (None, UTF8):
            data = self._decode(block)
            return data, reading(data)
        try:
            result = reading(block)
        except pl.exceptions.ComputeError as exc:
            if "utf-8" not in str(exc).lower():
                raise FastPathFailed(str(exc)) from exc
            data = self._decode(block)
            return data, reading(data)
        # A reading that gave up (None) may have stopped before Polars checked every byte.
        if result is not None and self.decoder.encoding is None and not block.isascii():
            self.decoder.encoding = UTF8
        return block, result

    def _decode(self, block: bytes) -> bytes:
        line = _line_at(self.handle, self.layout, self.position)
        return self.decoder.to_utf8(block, offset=self.position, first_line=line)


def _quick(data: bytes, *, layout: CsvLayout, first_row: int) -> pl.DataFrame | Unconfirmed | None:
    """Return the batch frame of a block whose every record has exactly the header's cells
    (maybe ``Unconfirmed``), or None.

    One Polars parse, then a sum of bytes. Every byte of the block is a cell's, a quote, a
    delimiter between cells or a line ending, so its length is the cells' bytes, plus its
    quotes less the ones that are cell text (an escaped ``""`` gives one, a ``"`` inside an
    unquoted cell is text, as Python's csv module reads it), plus ``width - 1`` delimiters a
    record and a line ending a record exactly when no record is short. Polars refuses a record
    with too many cells, a quote left open and text after a closing quote, and yields a row for
    every line (a blank one too, short of all its delimiters). So the sum holds exactly when
    every record has the header's cells; when it does not, the caller counts cells line by line.
    The sum leaves out the quotes that are cell text: when the rest leaves a gap, the frame is
    ``Unconfirmed`` until they are counted. A line break Python's csv module would see and
    Polars would not (a ``\r`` alone in a ``\n`` file, a ``\n`` in a ``\r`` file) also sends
    the block to the line-by-line count.
    """
    width = len(layout.labels)
    ending = layout.line_terminator
    if not _line_breaks_agree(data, layout) or data.startswith(BOM):
        return None
    try:
        parsed = _polars_read(data, layout=layout, truncate=False, template=False)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower():
            raise
        return None
    except pl.exceptions.PolarsError:
        return None  # a quoting Polars refuses, a record too long, or a short first record
    rows = parsed.height
    quotes = data.count(b'"') if b'"' in data else 0
    cells = parsed.select(_total(pl.col(name).str.len_bytes() for name in parsed.columns)).item()
    parsed = _empty_is_null(parsed, data)
    # A line ending a record, except perhaps the file's last: the whole ending when the block
    # ends with one, and no more than a record's share (an upper bound) when it does not.
    endings = rows * len(ending) - (0 if data.endswith(ending.encode()) or ending == "\r\n" else 1)
    # The quotes that are cell text, plus the bytes short records lack (both none, usually).
    gap = (cells or 0) + quotes + (width - 1) * rows + endings - len(data)
    if gap < 0 or gap > quotes:
        return None
    counts = pl.select(pl.repeat(width, rows, dtype=pl.Int32)).to_series()
    frame = batch_frame(parsed, cells=counts, first_row=first_row)
    if gap == 0:
        return frame
    return Unconfirmed(
        frame=frame, quotes=gap, exact=partial(_exact, data, layout=layout, first_row=first_row)
    )


def _line_breaks_agree(data: bytes, layout: CsvLayout) -> bool:
    """Return whether ``data`` has line breaks only where Polars sees them too, and all of one
    kind (so that lines split and joined again are the same text).

    Python's csv module also ends a line at a ``\r`` alone, and at a ``\n`` in a file of
    ``\r`` lines; Polars, reading lines at ``\n``, drops the ``\r`` of a ``\r\n``.
    """
    if layout.line_terminator == "\r":
        return b"\n" not in data
    if layout.line_terminator == "\n":
        return b"\r" not in data
    crlf = data.count(b"\r\n")
    return data.count(b"\r") == crlf and data.count(b"\n") == crlf


def _exact(data: bytes, *, layout: CsvLayout, first_row: int) -> pl.DataFrame:
    """Return the batch frame of a whole block (no quote left open), its cells counted line by
    line."""
    records, complete = _records(data, layout=layout)
    if not complete:
        raise FastPathFailed("the block's quotes do not pair up line by line")
    return _parse(data, records, layout=layout, first_row=first_row)


def _empty_is_null(parsed: pl.DataFrame, data: bytes) -> pl.DataFrame:
    """Return ``parsed`` (read from ``data``) with a quoted empty cell (``""``, which Polars
    reads as an empty string) null, as an unquoted one is."""
    if b'""' not in data:
        return parsed
    empty = parsed.select((pl.col(name).str.len_bytes() == 0).any() for name in parsed.columns)
    columns = [name for name, found in zip(parsed.columns, empty.row(0), strict=True) if found]
    return parsed.with_columns(pl.col(name).replace("", None) for name in columns)


def _total(per_cell: Iterator[pl.Expr]) -> pl.Expr:
    return pl.sum_horizontal(expr.sum() for expr in per_cell)


def _polars_read(
    data: bytes, *, layout: CsvLayout, truncate: bool, template: bool = True
) -> pl.DataFrame:
    width = len(layout.labels)
    schema = {column(j): pl.String for j in range(width)}
    options = {
        "has_header": False,
        "schema": schema,
        "separator": layout.delimiter,
        "quote_char": '"',
        "eol_char": layout.eol,
        "truncate_ragged_lines": truncate,
        "raise_if_empty": False,
    }
    if not template:
        # Polars takes a short first record as a schema mismatch, and refuses the block.
        return pl.read_csv(data, **options)  # type: ignore[arg-type]
    # A first row of exactly `width` cells fixes Polars' idea of the width; it is dropped.
    head = (layout.delimiter * (width - 1) + layout.eol).encode()
    return pl.read_csv(head + data, **options).slice(1)  # type: ignore[arg-type]


def _grow(
    want: int, block: bytes, handle: BinaryIO, layout: CsvLayout, position: int, row: int
) -> int:
    # A record and its line ending fit in MAX_RECORD_BYTES + 2 bytes from its start: if no
    # record ends there, one is longer than the limit.
    if want < MAX_RECORD_BYTES + 2:
        return min(want * 2, MAX_RECORD_BYTES + 2)
    if b'"' in block:
        raise FastPathFailed("no record end within the record size limit")
    # No quote, so no quoted line break: one line really is this long.
    line = _line_at(handle, layout, position)
    raise format_error(
        f"Line {line:,} (row {row:,}) is longer than {MAX_RECORD_BYTES // 1024 // 1024} MB: "
        "this is not a CSV table.",
        row=row,
    )


def _records(data: bytes, *, layout: CsvLayout) -> tuple[pl.DataFrame, bool]:
    """Return the block's records (``record``: lines joined where a quoted cell spans lines;
    ``quoted``: whether it has a quote) and whether the block ends outside quotes."""
    if not _line_breaks_agree(data, layout):
        raise FastPathFailed("line breaks that Polars and the csv module read apart")
    if data.startswith(BOM):
        # Polars drops a byte order mark at the start of what it reads; here it is cell text.
        raise FastPathFailed("a byte order mark starts a block")
    separator = next((s for s in _LINE_SEPARATORS if s not in data), None)
    if separator is None:
        raise FastPathFailed("no free byte to split lines with")
    lines = pl.read_csv(
        data,
        has_header=False,
        separator=separator.decode(),
        quote_char=None,
        schema={"record": pl.String},
        eol_char=layout.eol,
        empty_string_is_null=False,
        raise_if_empty=False,
    )
    if b'"' not in data:
        return lines.with_columns(quoted=pl.lit(False)), True
    lines = lines.with_columns(quotes=pl.col("record").str.count_matches('"', literal=True))
    odd = pl.col("quotes") % 2
    lines = lines.with_columns(inside=(odd.cum_sum() - odd) % 2, quoted=pl.col("quotes") > 0)
    complete = int(lines.get_column("quotes").sum()) % 2 == 0
    if lines.get_column("inside").sum() == 0:
        return lines.select("record", "quoted"), complete
    records = (
        lines.with_columns(number=(pl.col("inside") == 0).cum_sum())
        .group_by("number", maintain_order=True)
        .agg(pl.col("record").str.join(layout.line_terminator), pl.col("quoted").any())
    )
    return records.select("record", "quoted"), complete


def _drop_last_record(records: pl.DataFrame, block: bytes, eol: bytes) -> tuple[pl.DataFrame, int]:
    """Return the records without the last, and the length of the block before it."""
    last_lines = records.item(-1, "record").count(eol.decode()) + 1 if records.height else 0
    keep = len(block)
    for _ in range(last_lines):
        keep = block.rfind(eol, 0, keep - 1) + 1
        if keep <= 0:
            return records.head(0), 0
    return records.head(records.height - 1), keep


def _parse(
    data: bytes, records: pl.DataFrame, *, layout: CsvLayout, first_row: int
) -> pl.DataFrame:
    width = len(layout.labels)
    try:
        parsed = _polars_read(data, layout=layout, truncate=True)
    except pl.exceptions.PolarsError as exc:
        raise FastPathFailed(str(exc)) from exc
    if parsed.height != records.height:
        raise FastPathFailed(f"{parsed.height} rows parsed, {records.height} records counted")
    parsed = _empty_is_null(parsed, data)
    cells = _cell_counts(parsed, records, delimiter=layout.delimiter)
    if (cells.max() or 0) > width + MAX_EXTRA_CELLS:  # type: ignore[operator]
        at = int((cells > width + MAX_EXTRA_CELLS).arg_true()[0])
        raise too_wide(first_row + at, int(cells[at]), width=width)
    text = records.get_column("record")
    extra = _extra_values(text, cells, width=width, delimiter=layout.delimiter)
    return batch_frame(parsed, cells=cells, first_row=first_row, extra=extra)


def _cell_counts(parsed: pl.DataFrame, records: pl.DataFrame, *, delimiter: str) -> pl.Series:
    width = parsed.width
    length = records.get_column("record").str.len_bytes().cast(pl.Int64)
    cells_length = parsed.select(
        pl.sum_horizontal(pl.col(parsed.columns).str.len_bytes().fill_null(0))
    ).to_series()
    # Without quotes, a record is its cells joined by delimiters: count = length - cells + 1.
    estimate = length - cells_length + 1
    counts = pl.DataFrame({"length": length, "estimate": estimate}).select(
        pl.when(pl.col("length") == 0).then(0).otherwise(pl.col("estimate")).cast(pl.Int32)
    )
    cells = counts.to_series()
    exact = (records.get_column("quoted") | (estimate > width)).arg_true()
    if exact.len():
        # A record with a quote: its cells as Python's csv module reads it (a quote counts
        # only at the start of a cell).
        text = records.get_column("record").gather(exact).to_list()
        counted = [len(row) for row in _csv_rows(text, delimiter=delimiter)]
        cells = cells.scatter(exact, pl.Series(counted, dtype=pl.Int32))
    return cells


def _csv_rows(texts: list[str], *, delimiter: str) -> Iterator[list[str]]:
    """Yield each record text read by Python's csv module; raises ``FastPathFailed`` where it
    would not read it as one record."""
    try:
        for text in texts:
            rows = list(csv.reader([text], delimiter=delimiter))
            if len(rows) != 1:
                raise FastPathFailed("a record the csv module reads apart")
            yield rows[0]
    except csv.Error as exc:
        raise FastPathFailed(str(exc)) from exc


def _extra_values(
    records: pl.Series, cells: pl.Series, *, width: int, delimiter: str
) -> pl.Series | None:
    over = (cells > width).arg_true()
    if over.len() == 0:
        return None
    values: list[list[str] | None] = [None] * records.len()
    indexes = over.head(EXTRA_VALUES_LIMIT).to_list()
    rows = _csv_rows([records[index] for index in indexes], delimiter=delimiter)
    for index, row in zip(indexes, rows, strict=True):
        values[index] = row[width:]
    return pl.Series(EXTRA, values, dtype=pl.List(pl.String))

"""The exact CSV reader: Python's csv module, record by record.

The reference for what a CSV file holds (a ``"`` inside an unquoted cell is a character, a
quoted cell may hold line breaks). It loops in Python over every row, so the engine uses it only
when the fast reader cannot read a file faithfully (``csv_fast.FastPathFailed``), and tests use
it to check the fast reader, and it reads every file in a dialect that is not plain
(``CsvLayout.plain``): from the file's first record, numbering records from 1 as frictionless
does, leaving out the header and comment rows. Memory is bounded by a batch of rows plus one
record (16 MB).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import polars as pl

from lgrshare.domain.validation.csv_fast import BLOCK_BYTES, MAX_RECORD_BYTES
from lgrshare.domain.validation.csv_layout import CsvLayout
from lgrshare.domain.validation.encoding import TextDecoder
from lgrshare.domain.validation.frame import BLANK, CELLS, EXTRA, ROW, batch_frame, column
from lgrshare.domain.validation.unreadable import MAX_EXTRA_CELLS, format_error, too_wide

ROWS_PER_BATCH = 100_000
# A wide table's batches hold at most this many cells (a fraction of ``ROWS_PER_BATCH`` rows).
CELLS_PER_BATCH = 200_000


def exact_batches(
    handle: BinaryIO,
    *,
    layout: CsvLayout,
    decoder: TextDecoder,
    size: int,
    progress: Callable[[int], None] | None = None,
) -> Iterator[pl.DataFrame]:
    """Yield the data rows as batch frames, exactly as Python's csv module reads them.

    Raises ``Unreadable`` as ``exact_rows``.
    """
    for rows in exact_rows(handle, layout=layout, decoder=decoder, size=size, progress=progress):
        yield rows.frame()


def exact_rows(
    handle: BinaryIO,
    *,
    layout: CsvLayout,
    decoder: TextDecoder,
    size: int,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Rows]:
    """Yield the data rows as ``Rows``, exactly as Python's csv module reads them (a wide
    table's frames are made from them a slice of columns at a time).

    Raises ``Unreadable`` for an encoding error, a cell over 16 MB or a quote never closed.
    """
    width = len(layout.labels)
    batch_rows = max(1, min(ROWS_PER_BATCH, CELLS_PER_BATCH // max(width, 1)))
    lines = _lines(handle, layout=layout, decoder=decoder, size=size, progress=progress)
    options = layout.csv_options()
    reader = csv.reader(lines, **options)
    dialect = layout.dialect
    # A plain file's records are its data rows, from row 2; in another dialect, records are
    # numbered from the file's first, and some are left out (``numbers`` holds the others').
    numbered = not layout.plain
    first_data = dialect.header_rows[-1] + 1 if dialect.header_rows else 1
    record_number = 0
    next_row, last_row, last_text = 2, 0, [""]
    values: list[list[str | None]] = [[] for _ in range(width)]
    cells: list[int] = []
    extra: list[list[str] | None] = []
    numbers: list[int] = []
    while True:
        try:
            record = next(reader, None)
        except csv.Error as exc:
            row = record_number + 1 if numbered else next_row + len(cells)
            if "field larger than field limit" in str(exc):
                raise format_error(
                    f"Row {row:,} has a cell longer than {MAX_RECORD_BYTES // 1024 // 1024} MB, "
                    "the most a cell may hold (if a quote is never closed, the rest of the file "
                    "becomes one cell).",
                    row=row,
                ) from exc
            raise format_error(f"Row {row:,} cannot be read: {exc}.", row=row) from exc
        if record is None:
            break
        last_text = lines.take()
        if numbered:
            record_number += 1
            if record_number < first_data or dialect.is_comment(record_number, record):
                continue
            numbers.append(record_number)
            last_row = record_number
        else:
            last_row = next_row + len(cells)
        if len(record) > width + MAX_EXTRA_CELLS:
            raise too_wide(last_row, len(record), width=width)
        cells.append(len(record))
        for j in range(width):
            values[j].append(record[j] or None if j < len(record) else None)
        extra.append(record[width:] if len(record) > width else None)
        if len(cells) == batch_rows:
            yield Rows(values, cells, extra, first_row=next_row, numbers=numbers, last=False)
            next_row += len(cells)
            values, cells, extra, numbers = [[] for _ in range(width)], [], [], []
    # A quote left open runs its cell to the end of the file, so it is the last record's.
    if _quote_left_open("".join(last_text), options):
        raise format_error(
            f"Row {last_row:,} opens a quote that is never closed, so the rest of the file is "
            "one cell.",
            row=last_row,
        )
    if cells:
        yield Rows(values, cells, extra, first_row=next_row, numbers=numbers, last=True)


_JOINED = 4096


class _Lines:
    """The file's decoded lines, with ends kept, read block by block."""

    def __init__(self, blocks: Iterator[str]) -> None:
        self._blocks = blocks
        self._lines: Iterator[str] = iter(())
        self.finished = False
        # The lines handed out since ``take`` last cleared them: the current record's text.
        # A record of many lines (a quoted cell of 16 MB, or a quote never closed) would hold
        # millions of small strings, each 50 bytes more than its text: every ``_JOINED`` of
        # them become one, so the record costs about its length in memory.
        self._taken: list[str] = []
        self._joined: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def take(self) -> list[str]:
        """Return the lines handed out since the last call (runs of them joined)."""
        if self._joined:
            taken, self._joined, self._taken = [*self._joined, *self._taken], [], []
            return taken
        taken, self._taken = self._taken, []
        return taken

    def __next__(self) -> str:
        while True:
            line = next(self._lines, None)
            if line is not None:
                self._taken.append(line)
                if len(self._taken) == _JOINED:
                    self._joined.append("".join(self._taken))
                    self._taken = []
                return line
            block = next(self._blocks, None)
            if block is None:
                self.finished = True
                raise StopIteration
            self._lines = iter(io.StringIO(block, newline=""))


def _quote_left_open(text: str, options: dict[str, Any]) -> bool:
    """Return whether the record ``text`` (the file's last) ends inside a quoted cell, as the
    csv module in strict mode says; the lenient reading ran the cell to the end of the file."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), **options, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _lines(
    handle: BinaryIO,
    *,
    layout: CsvLayout,
    decoder: TextDecoder,
    size: int,
    progress: Callable[[int], None] | None,
) -> _Lines:
    eol = layout.eol.encode()

    def blocks() -> Iterator[str]:
        position, line = layout.data_start, 1 + layout.header_lines
        while position < size:
            handle.seek(position)
            block = handle.read(BLOCK_BYTES)
            cut = block.rfind(eol)
            if position + len(block) < size and cut >= 0:
                block = block[: cut + 1]
            yield decoder.to_utf8(block, offset=position, first_line=line).decode("utf-8")
            line += block.count(eol)
            position += len(block)
            if progress is not None:
                progress(position)

    return _Lines(blocks())


@dataclass(frozen=True, slots=True)
class Rows:
    """A batch of records as the csv module read them: each column's cells (``None`` where
    empty or absent), each record's number of cells and its cells past the header's width;
    numbered from ``first_row``, or by ``numbers`` where comment rows are left out."""

    values: list[list[str | None]]
    cells: list[int]
    extra: list[list[str] | None]
    first_row: int
    numbers: list[int]
    # Whether the file has no more rows (a full batch may be followed by none: then False).
    last: bool

    def frame(self) -> pl.DataFrame:
        """Return the batch frame (``frame.batch_frame``) of all the columns."""
        parsed = pl.DataFrame(
            {column(j): self.values[j] for j in range(len(self.values))},
            schema={column(j): pl.String for j in range(len(self.values))},
        )
        return batch_frame(
            parsed,
            cells=pl.Series(self.cells, dtype=pl.Int32),
            first_row=self.first_row,
            extra=pl.Series(EXTRA, self.extra, dtype=pl.List(pl.String)),
            rows=pl.Series(self.numbers, dtype=pl.Int64) if self.numbers else None,
        )

    def bookkeeping(self) -> list[pl.Series]:
        """Return the frame's row numbers, cell counts and extra cells."""
        height = len(self.cells)
        return [
            pl.Series(ROW, self.numbers, dtype=pl.Int64)
            if self.numbers
            else pl.int_range(self.first_row, self.first_row + height, eager=True).alias(ROW),
            pl.Series(CELLS, self.cells, dtype=pl.Int32),
            pl.Series(EXTRA, self.extra, dtype=pl.List(pl.String)),
        ]

    def columns(self, indexes: Iterable[int]) -> list[pl.Series]:
        """Return the frame's columns at ``indexes`` (0-based)."""
        return [pl.Series(column(j), self.values[j], dtype=pl.String) for j in indexes]

    def blank(self, missing: Collection[str]) -> pl.Series:
        """Return whether each record is blank (``checks.blank_flag``): no cells past the
        header's, each empty or one of the ``missing`` values."""
        width = len(self.values)
        others = {value for value in missing if value}
        if not others and any(None not in cells for cells in self.values):
            flags = [False] * len(self.cells)  # a column with no empty cell
        else:
            flags = [
                number <= width
                and all(cells[i] is None or cells[i] in others for cells in self.values)
                for i, number in enumerate(self.cells)
            ]
        return pl.Series(BLANK, flags, dtype=pl.Boolean)

"""A CSV file's layout: delimiter, line ending, encoding so far, and the header row.

Found from the first megabyte. Delimiters tried (unless the standard's dialect names one):
comma, semicolon, tab and pipe; the one that splits the first rows most consistently into more
than one cell wins (comma on a tie). A plain dialect (``Dialect.plain``) has its header on line
1 and its data after it; any other is read record by record from the file's start, as
frictionless reads it (``lgrshare.domain.standards.dialect``): comment rows left out, the labels
joined from the header rows, or the schema's field names when the file has no header.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from typing import Any, AnyStr, BinaryIO

from lgrshare.domain.standards.dialect import PLAIN, Dialect
from lgrshare.domain.validation.encoding import TextDecoder
from lgrshare.domain.validation.unreadable import format_error

BOM = b"\xef\xbb\xbf"
MAX_HEADER_BYTES = 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
_SNIFF_ROWS = 50
_TERMINATOR_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}


@dataclass(frozen=True, slots=True)
class CsvLayout:
    """Where the data starts and how it is written.

    ``eol`` is the byte that ends a line for the parser (``\\n`` also covers CRLF);
    ``line_terminator`` is what the file uses, for the report.
    """

    delimiter: str
    eol: str
    line_terminator: str
    bom: bool
    labels: tuple[str, ...]
    data_start: int
    header_lines: int
    dialect: Dialect = PLAIN

    @property
    def plain(self) -> bool:
        """Return whether the fast reader may read the file (``Dialect.plain``)."""
        return self.dialect.plain

    def csv_options(self) -> dict[str, Any]:
        """Return ``csv.reader``'s keyword arguments for the file."""
        return self.dialect.csv_options(self.delimiter)

    def describe(self, decoder: TextDecoder) -> dict[str, Any]:
        """Return the layout as the report's ``file`` entries."""
        encoding = decoder.encoding or "utf-8"
        described: dict[str, Any] = {
            "encoding": f"{encoding} (with BOM)" if self.bom else encoding,
            "delimiter": self.delimiter,
            "line_terminator": _TERMINATOR_NAMES[self.line_terminator],
            **decoder.describe(),
        }
        if self.dialect.to_json():
            described["dialect"] = self.dialect.to_json()
        # The header found below comment lines: said in words, not as a headerRows the standard
        # does not state.
        stated = self.dialect.header_rows_stated
        if self.dialect.header and not stated and (skipped := self.dialect.header_rows[0] - 1):
            described["lines_before_header"] = skipped
        if looks := self.other_delimiter():
            described["delimiter_looks"] = looks
        return described

    def other_delimiter(self) -> str | None:
        """Return the delimiter the file seems to use when the standard names another and the
        whole header was read as one label holding that one (``,`` for ``a,b,c`` read with
        ``;``), else None."""
        if not self.dialect.delimiter or len(self.labels) != 1:
            return None
        counts = {d: self.labels[0].count(d) for d in DELIMITERS if d != self.delimiter}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else None


def read_layout(
    handle: BinaryIO,
    *,
    size: int,
    decoder: TextDecoder,
    dialect: Dialect = PLAIN,
    names: tuple[str, ...] = (),
) -> CsvLayout:
    """Return the layout of the CSV file ``handle`` written in ``dialect``; raises
    ``Unreadable`` if it has no header. ``names`` (the standard's fields) are the labels of a
    file with no header row."""
    handle.seek(0)
    sample = handle.read(MAX_HEADER_BYTES + 1)
    bom = sample.startswith(BOM)
    start = len(BOM) if bom else 0
    sample = sample[start:]
    line_terminator = _line_terminator(sample)
    eol = "\r" if line_terminator == "\r" else "\n"
    complete = start + len(sample) >= size
    if not complete:
        # Decode whole lines only: a block never ends inside a character.
        cut = sample.rfind(eol.encode())
        if cut < 0:
            raise format_error(
                f"The first line is longer than {MAX_HEADER_BYTES // 1024 // 1024} MB, so it is "
                "not a header row: this is not a CSV file, or it has no line breaks.",
                row=1,
            )
        sample = sample[: cut + 1]
    text = decoder.to_utf8(sample, offset=start, first_line=1).decode("utf-8")
    # The sniffer reads the first lines only (a StringIO of a whole megabyte costs 4 MB), with
    # lines to spare for records with line breaks in quoted cells.
    delimiter = dialect.delimiter or _sniff_delimiter(
        text[: _offset_after_lines(text, eol, 4 * _SNIFF_ROWS)], dialect
    )
    if not dialect.plain:
        options = dialect.csv_options(delimiter)
        if dialect.header and not dialect.header_rows_stated:
            dialect = replace(dialect, header_rows=(_first_not_comment(text, options, dialect),))
        return CsvLayout(
            delimiter=delimiter,
            eol=eol,
            line_terminator=line_terminator,
            bom=bom,
            labels=_dialect_labels(text, options, dialect, names),
            data_start=start,
            header_lines=0,
            dialect=dialect,
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        labels = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise format_error(f"The header row cannot be read: {exc}.", row=1) from exc
    header_lines = reader.line_num
    data_start = start + _offset_after_lines(sample, eol.encode(), header_lines)
    unclosed = bool(labels) and labels[-1].endswith(("\n", "\r"))
    if unclosed and data_start >= start + len(sample):
        raise format_error(
            "The header row has a quote that is never closed, or is longer than 1 MB.", row=1
        )
    if not any(label.strip() for label in labels):
        raise format_error(
            "The first row is empty: a CSV file must start with its header row.", row=1
        )
    return CsvLayout(
        delimiter=delimiter,
        eol=eol,
        line_terminator=line_terminator,
        bom=bom,
        labels=tuple(labels),
        data_start=min(data_start, size),
        header_lines=header_lines,
        dialect=dialect,
    )


def _first_not_comment(text: str, options: dict[str, Any], dialect: Dialect) -> int:
    """Return the number of the first record that is not a comment (1 if there is none)."""
    reader = csv.reader(io.StringIO(text, newline=""), **options)
    try:
        for number, record in enumerate(reader, start=1):
            if not dialect.is_comment(number, record):
                return number
    except csv.Error as exc:
        raise format_error(f"The first rows cannot be read: {exc}.", row=1) from exc
    return 1


def _dialect_labels(
    text: str, options: dict[str, Any], dialect: Dialect, names: tuple[str, ...]
) -> tuple[str, ...]:
    """Return the labels of a file in a dialect that is not plain, as frictionless reads them:
    the header rows (comment rows left out) joined, a cell repeated from the row above (a merged
    cell) counted once."""
    if not dialect.header:
        return names
    last = dialect.header_rows[-1]
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), **options)
    try:
        for number, record in enumerate(reader, start=1):
            if dialect.is_comment(number, record):
                continue
            if number in dialect.header_rows:
                rows.append(record)
            if number >= last:
                break
    except csv.Error as exc:
        raise format_error(f"The header rows cannot be read: {exc}.", row=1) from exc
    labels: list[str] = []
    previous: dict[int, str] = {}
    for record in rows:
        for index, cell in enumerate(record):
            if previous.get(index) == cell:
                continue
            previous[index] = cell
            if len(labels) <= index:
                labels.append(cell)
            else:
                labels[index] = dialect.header_join.join([labels[index], cell])
    if not any(label.strip() for label in labels):
        where = ", ".join(str(number) for number in dialect.header_rows)
        raise format_error(
            f"The header (row {where}, as the standard's dialect says) is empty or not within "
            "the first megabyte of the file.",
            row=dialect.header_rows[0],
        )
    return tuple(labels)


def _line_terminator(sample: bytes) -> str:
    lf = sample.find(b"\n")
    cr = sample.find(b"\r")
    if cr >= 0 and (lf < 0 or cr < lf - 1):
        return "\r"
    if cr >= 0 and lf == cr + 1:
        return "\r\n"
    return "\n"


def _sniff_delimiter(text: str, dialect: Dialect) -> str:
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        if delimiter in (dialect.quote_char, dialect.escape_char):
            continue
        options = dialect.csv_options(delimiter)
        reader = csv.reader(io.StringIO(text, newline=""), **options)
        counts = []
        try:
            for row in reader:
                counts.append(len(row))
                if len(counts) >= _SNIFF_ROWS:
                    break
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        consistent = sum(count == counts[0] for count in counts) / len(counts)
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _offset_after_lines(sample: AnyStr, eol: AnyStr, lines: int) -> int:
    position = 0
    for _ in range(lines):
        found = sample.find(eol, position)
        if found < 0:
            return len(sample)
        position = found + 1
    return position

"""A CSV file's layout: delimiter, line ending, encoding so far, and the header row.

Found from the first megabyte. Delimiters tried: comma, semicolon, tab and pipe; the one that
splits the first rows most consistently into more than one cell wins (comma on a tie).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import AnyStr, BinaryIO

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

    def describe(self, decoder: TextDecoder) -> dict[str, str]:
        """Return the layout as the report's ``file`` entries."""
        encoding = decoder.encoding or "utf-8"
        return {
            "encoding": f"{encoding} (with BOM)" if self.bom else encoding,
            "delimiter": self.delimiter,
            "line_terminator": _TERMINATOR_NAMES[self.line_terminator],
        }


def read_layout(handle: BinaryIO, *, size: int, decoder: TextDecoder) -> CsvLayout:
    """Return the layout of the CSV file ``handle``; raises ``Unreadable`` if it has no header."""
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
    delimiter = _sniff_delimiter(text[: _offset_after_lines(text, eol, 4 * _SNIFF_ROWS)])
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
    )


def _line_terminator(sample: bytes) -> str:
    lf = sample.find(b"\n")
    cr = sample.find(b"\r")
    if cr >= 0 and (lf < 0 or cr < lf - 1):
        return "\r"
    if cr >= 0 and lf == cr + 1:
        return "\r\n"
    return "\n"


def _sniff_delimiter(text: str) -> str:
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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

"""The XLSX reader: the first (or a named) sheet, its real values, guarded against bombs.

Before any XML is parsed the ZIP's central directory is checked: more than 1 GB unpacked, or a
part that unpacks to over 200 times its packed size (and over 10 MB), is a ``format-error``; so
is a DOCTYPE (entity expansion) in the workbook's XML. Cells are read by fastexcel (calamine) as
text: numbers as Excel stores them (``12``, ``12.5``), dates and times as
``2024-05-01 00:00:00``, booleans as ``true``/``false``. A formula is read as the value Excel last
saved for it; a formula with no saved value (a file written by a program and never opened in
Excel) is a non-fatal ``format-error`` at its cell.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from lgrshare.domain.errors import LgrShareError
from lgrshare.domain.validation.errors import ValidationError
from lgrshare.domain.validation.frame import CELLS, EXTRA, batch_frame, column
from lgrshare.domain.validation.unreadable import format_error

MAX_UNPACKED_BYTES = 1024**3
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 10 * 1024 * 1024
ROWS_PER_BATCH = 200_000
_CELL_FORMULA = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]+)"[^>]*?>\s*<f\b[^>]*?(?:/>|>.*?</f>)\s*(<v>)?', re.S
)
_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"', re.S)
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"', re.S)


class SheetNotFound(LgrShareError):
    code = "sheet-not-found"
    title = "No such sheet"
    status = 400


@dataclass(frozen=True, slots=True)
class XlsxTable:
    """A sheet read into memory (XLSX sheets are at most 1,048,576 rows)."""

    sheet: str
    labels: tuple[str, ...]
    data: pl.DataFrame  # every column as text, header row removed
    findings: tuple[ValidationError, ...]
    formula_cells: int

    def batches(self) -> Iterator[pl.DataFrame]:
        """Yield the rows as batch frames (see ``frame``)."""
        width = len(self.labels)
        for offset in range(0, self.data.height, ROWS_PER_BATCH):
            yield _batch(self.data.slice(offset, ROWS_PER_BATCH), width, first_row=offset + 2)


def read_xlsx(path: Path, *, sheet: str | None) -> XlsxTable:
    """Return the sheet ``sheet`` (default: the first) of the workbook at ``path``.

    Raises ``Unreadable`` for a corrupt, unsafe or empty workbook and ``SheetNotFound`` for a
    sheet name the workbook does not have.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            _guard(archive)
            sheet_paths = _sheet_paths(archive)
            reader = fastexcel.read_excel(str(path))
            names = list(reader.sheet_names)
            if not names:
                raise format_error("The workbook has no sheets.")
            name = names[0] if sheet is None else sheet
            if name not in names:
                raise SheetNotFound(
                    f"The workbook has no sheet called {sheet!r}. Its sheets: {', '.join(names)}."
                )
            raw = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
            formulas = _formulas(archive, sheet_paths.get(name))
    except zipfile.BadZipFile as exc:
        raise format_error(f"The workbook is damaged and cannot be opened ({exc}).") from exc
    except (fastexcel.FastExcelError, OSError) as exc:
        if isinstance(exc, fastexcel.SheetNotFoundError):
            raise SheetNotFound(str(exc).splitlines()[0]) from exc
        raise format_error(f"The workbook cannot be read: {str(exc).splitlines()[0]}.") from exc
    if raw.height == 0 or raw.width == 0:
        raise format_error(f"Sheet {name!r} is empty: it has no header row and no data.")
    header = [value or "" for value in raw.row(0)]
    width = max((j + 1 for j, label in enumerate(header) if label.strip()), default=0)
    if width == 0:
        raise format_error(
            f"The first row of sheet {name!r} is empty: it must be the header row.", row=1
        )
    data = raw.slice(1).rename({old: column(j) for j, old in enumerate(raw.columns)})
    labels = tuple(header[:width])
    findings = tuple(
        ValidationError(
            code="format-error",
            message=f"Cell {letters}{row} holds a formula with no saved value, so its value is "
            "unknown. Open the file in Excel and save it, or paste the values in place of the "
            "formulas.",
            row=row,
            field=labels[index] if index < width else None,
            field_number=index + 1,
        )
        for letters, row, index, has_value in formulas
        if not has_value and row > 1
    )
    return XlsxTable(
        sheet=name, labels=labels, data=data, findings=findings, formula_cells=len(formulas)
    )


def _batch(data: pl.DataFrame, width: int, *, first_row: int) -> pl.DataFrame:
    present = data.width
    # In a sheet every cell within the header's width exists; an empty one is null.
    parsed = data.select(
        *[
            pl.when(pl.col(column(j)) != "").then(pl.col(column(j))).alias(column(j))
            for j in range(min(width, present))
        ],
        *[pl.lit(None, dtype=pl.String).alias(column(j)) for j in range(present, width)],
    )
    if present <= width:
        cells = pl.select(pl.repeat(width, data.height, dtype=pl.Int32)).to_series()
        return batch_frame(parsed, cells=cells, first_row=first_row)
    outside = [column(j) for j in range(width, present)]
    last = pl.max_horizontal(
        pl.when(pl.col(name).is_not_null()).then(pl.lit(j + 1, dtype=pl.Int32))
        for j, name in enumerate(outside, start=width)
    ).fill_null(width)
    extras = data.select(
        last.alias(CELLS),
        pl.when(last > width)
        .then(pl.concat_list(pl.col(outside).fill_null("")).list.head(last - width))
        .alias(EXTRA),
    )
    return batch_frame(
        parsed,
        cells=extras.get_column(CELLS),
        first_row=first_row,
        extra=extras.get_column(EXTRA),
    )


def excel_dates(frame: pl.DataFrame, types: dict[int, str]) -> pl.DataFrame:
    """Return ``frame`` with Excel's midnight date-times read as dates where a field wants one.

    Excel stores a typed date as a date-time; a ``date`` field gets ``2024-05-01`` from
    ``2024-05-01 00:00:00``, a ``yearmonth`` field ``2024-05`` from ``2024-05-01 00:00:00``.
    """
    patterns = {"date": (r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1"),
                "yearmonth": (r"^(\d{4}-\d{2})-01 00:00:00$", "$1")}  # fmt: skip
    changes = [
        pl.col(column(j)).str.replace(*patterns[kind]).alias(column(j))
        for j, kind in types.items()
        if kind in patterns
    ]
    return frame.with_columns(changes) if changes else frame


def _guard(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise format_error(
            "This is a ZIP archive but not an Excel workbook (.xlsx). Save the table as CSV "
            "(UTF-8) or XLSX and try again."
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise format_error(
            f"The workbook unpacks to {unpacked / 1024**3:.1f} GB, more than the 1 GB allowed. "
            "Split it, or send it as CSV."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise format_error(
                f"Part {member.filename} of the workbook expands {ratio:,.0f} times when "
                "unpacked: it looks like a ZIP bomb, so it was not read."
            )
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            with archive.open(member) as part:
                head = part.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise format_error(
                    f"Part {member.filename} of the workbook declares XML entities, which Excel "
                    "never writes and which can expand without limit: it was not read."
                )


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    workbook = archive.read("xl/workbook.xml")
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {rid: target for rid, target in _REL.findall(rels)}
    targets.update({rid: target for target, rid in _REL_REVERSED.findall(rels)})
    paths = {}
    for name, rid in _SHEET.findall(workbook):
        target = targets.get(rid, b"").decode()
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        paths[_unescape(name.decode())] = path
    return paths


def _unescape(text: str) -> str:
    for entity, char in (
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", '"'),
        ("&apos;", "'"),
        ("&amp;", "&"),
    ):
        text = text.replace(entity, char)
    return text


def _formulas(archive: zipfile.ZipFile, path: str | None) -> list[tuple[str, int, int, bool]]:
    """Return ``(column letters, row, column index, has saved value)`` per formula cell."""
    if path is None or path not in archive.namelist():
        return []
    found: list[tuple[str, int, int, bool]] = []
    tail = b""
    with archive.open(path) as part:
        while chunk := part.read(4 * 1024 * 1024):
            text = tail + chunk
            # Keep the last cell, which may be cut, for the next chunk.
            end = text.rfind(b"<c ")
            complete, tail = (text[:end], text[end:]) if end >= 0 else (b"", text)
            for letters, row, value in _CELL_FORMULA.findall(complete):
                name = letters.decode()
                found.append((name, int(row), _column_index(name), bool(value)))
        if tail:
            for letters, row, value in _CELL_FORMULA.findall(tail):
                name = letters.decode()
                found.append((name, int(row), _column_index(name), bool(value)))
    return found


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - 64)
    return index - 1

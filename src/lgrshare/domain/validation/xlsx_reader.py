"""The XLSX reader: the first (or a named) sheet, its real values, guarded against bombs.

Before any XML is parsed the ZIP's central directory is checked: more than 1 GB unpacked, or a
part that unpacks to over 200 times its packed size (and over 10 MB), is a ``format-error``; so
is a DOCTYPE (entity expansion) in the workbook's XML. Cells are read by fastexcel (calamine) as
text: numbers as Excel stores them (``12``, ``12.5``), dates and times as ``2024-05-01
00:00:00``, booleans as ``true``/``false``. A formula is read as the value Excel last saved for
it. A formula with no saved value (a file written by a program and never opened in Excel), and a
cell holding one of Excel's error values (``#N/A``, ``#DIV/0!``), are each a non-fatal ``format-
error`` at the cell, which is read as empty and marked as reported (``frame.REPORTED``), so that
nothing else is said of it. A table need not start at A1: its header is the first row holding a
value, unless a row among the sheet's first ``HEADER_SEARCH_ROWS`` holds clearly more of the
standard's field names or titles (title text above the table: ``title_rows`` rows of it), and its
rows are numbered as the sheet numbers them (the header is ``header_row``, row
1 only when the table starts there), so "row 59" is row 59 in Excel; fields are numbered from
the table's first column (``first_column``), which the officers' report turns back into the
sheet's column letters.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from lgrshare.domain.errors import LgrShareError
from lgrshare.domain.validation.errors import ValidationError, short
from lgrshare.domain.validation.frame import CELLS, EXTRA, REPORTED, ROW, batch_frame, column
from lgrshare.domain.validation.unreadable import Unreadable, format_error

MAX_UNPACKED_BYTES = 1024**3
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 10 * 1024 * 1024
ROWS_PER_BATCH = 200_000
HEADER_SEARCH_ROWS = 30
_CELL_FORMULA = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]+)"[^>]*?>\s*<f\b[^>]*?(?:/>|>.*?</f>)\s*(<v>)?', re.S
)
# A cell of type "e" (an error value), and its value: ``<c r="R2" t="e"><v>#DIV/0!</v></c>``.
_CELL_ERROR = re.compile(
    rb'<c\b(?=[^>]*?\bt="e")[^>]*?\br="([A-Z]{1,3})([0-9]+)"[^>]*>'
    rb"(?:\s*<f\b[^>]*?(?:/>|>.*?</f>))?\s*<v>([^<]*)</v>",
    re.S,
)
# The first cell holding a value (a ``<v>`` not empty, or an inline ``<is>``): the first row
# fastexcel reads.
_CELL_VALUED = re.compile(
    rb'<c\b[^>]*?\br="[A-Z]{1,3}([0-9]+)"[^>]*?(?<!/)>\s*(?:<f\b[^>]*?(?:/>|>.*?</f>)\s*)?'
    rb"(?:<v>[^<]|<is\b)",
    re.S,
)
# The error values fastexcel reads (as empty); a newer one (#SPILL!) stops it reading the sheet.
_CLASSIC_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})
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
    sheets: tuple[str, ...]  # all the workbook's sheets
    labels: tuple[str, ...]
    data: pl.DataFrame  # every column as text, header row removed
    findings: tuple[ValidationError, ...]
    formula_cells: int
    # The cells read as empty because they hold no value Excel saved, or an error value: (row,
    # column index), already reported in ``findings``.
    reported: frozenset[tuple[int, int]] = frozenset()
    # The table's top-left cell, as Excel names it: its row (the header's) and column index.
    origin: str = "A1"
    header_row: int = 1
    first_column: int = 0
    # The rows holding text above the header (a title, a date): not part of the table.
    title_rows: int = 0

    def batches(self) -> Iterator[pl.DataFrame]:
        """Yield the rows as batch frames (see ``frame``), with ``REPORTED`` when cells were
        reported."""
        width = len(self.labels)
        cells = pl.DataFrame(
            list(self.reported), schema={ROW: pl.Int64, REPORTED: pl.Int32}, orient="row"
        )
        marks = cells.group_by(ROW).agg(REPORTED)  # per row, its reported cells
        for offset in range(0, self.data.height, ROWS_PER_BATCH):
            batch = _batch(
                self.data.slice(offset, ROWS_PER_BATCH),
                width,
                first_row=self.header_row + 1 + offset,
            )
            if self.reported:
                batch = batch.join(marks, on=ROW, how="left", maintain_order="left")
            yield batch


def read_xlsx(path: Path, *, sheet: str | None, expected: Collection[str] = ()) -> XlsxTable:
    """Return the sheet ``sheet`` (default: the first) of the workbook at ``path``.

    ``expected`` are the labels the header may hold (the standard's field names and titles): a
    row below the first that holds more of them is the header, the rows above it title text.

    Raises ``Unreadable`` for a corrupt, unsafe or empty workbook and ``SheetNotFound`` for a
    sheet name the workbook does not have.
    """
    # Imported here, not with the module: a CSV file's validation need not hold it (4 MB).
    import fastexcel

    cells = _SheetCells(first_row=1, formulas=[], errors=[])
    try:
        with zipfile.ZipFile(path) as archive:
            _guard(archive)
            sheet_paths = _sheet_paths(archive)
            reader = fastexcel.read_excel(str(path))
            names = list(reader.sheet_names)
            if not names:
                raise format_error("The workbook has no sheets.")
            name = names[0] if sheet is None else _sheet_named(sheet, names)
            if name not in names:
                raise SheetNotFound(
                    f"The workbook has no sheet called {sheet!r}. Its sheets: {', '.join(names)}."
                )
            cells = _scan_cells(archive, sheet_paths.get(name))
            sheet_data = reader.load_sheet(name, header_row=None, dtypes="string")
            raw = sheet_data.to_polars()
            # The sheet's leading empty columns are left out: the first one read is this one.
            first_column = min(
                (info.absolute_index for info in sheet_data.available_columns()), default=0
            )
    except zipfile.BadZipFile as exc:
        raise format_error(f"The workbook is damaged and cannot be opened ({exc}).") from exc
    except (fastexcel.FastExcelError, OSError) as exc:
        if isinstance(exc, fastexcel.SheetNotFoundError):
            raise SheetNotFound(str(exc).splitlines()[0]) from exc
        if "error value" in str(exc):
            raise _unreadable_errors(name, cells) from exc
        raise format_error(f"The workbook cannot be read: {str(exc).splitlines()[0]}.") from exc
    # The header is the first row with a label: rows above it holding only spaces or an
    # error value are not part of the table (fastexcel leaves out only empty rows).
    labelled = raw.select(
        pl.any_horizontal(pl.all().str.strip_chars().str.len_chars() > 0).arg_true().first()
    ).item()
    if labelled is None:
        raise format_error(f"Sheet {name!r} is empty: it has no header row and no data.")
    first_labelled = labelled
    labelled = _header_among(raw, labelled, expected)
    title_rows = (
        raw.slice(first_labelled, labelled - first_labelled)
        .select(pl.any_horizontal(pl.all().str.strip_chars().str.len_chars() > 0).sum())
        .item()
    )
    # Columns left of the header with nothing below it either (a note above the table) are
    # not part of the table; one with cells is, and is reported as having no label.
    below = raw.slice(labelled + 1)
    header = [value or "" for value in raw.row(labelled)]
    filled = below.select(
        (pl.all().str.strip_chars().str.len_chars() > 0).any().fill_null(False)
    ).row(0)
    skip = 0
    while not header[skip].strip() and not filled[skip]:
        skip += 1
    header = header[skip:]
    width = max(j + 1 for j, label in enumerate(header) if label.strip())
    data = below.select(raw.columns[skip:]).rename(
        {old: column(j) for j, old in enumerate(raw.columns[skip:])}
    )
    labels = tuple(header[:width])
    # Excel's row and column of the header's first cell; errors count from there.
    top, left = cells.first_row + labelled, first_column + skip
    unread = [
        (letters, row, index, "holds a formula with no saved value, so its value is unknown. "
         "Open the file in Excel and save it, or paste the values in place of the formulas.")
        for letters, row, index, has_value in cells.formulas
        if not has_value
    ] + [
        (letters, row, index, f"holds Excel's error value {short(value)}, not a value. Correct "
         "the formula or the data it uses, or clear the cell.")
        for letters, row, index, value in cells.errors
    ]  # fmt: skip
    findings: list[ValidationError] = []
    reported: set[tuple[int, int]] = set()
    for letters, row, index, problem in sorted(unread, key=lambda cell: (cell[1], cell[2])):
        j = index - left
        if row <= top or j < 0:
            continue
        field = labels[j] if j < width else None
        findings.append(
            ValidationError(
                code="format-error",
                message=f"Row {row:,}, cell {letters}{row}: the cell {problem}",
                row=row,
                field=field,
                field_number=j + 1,
                cell="",
            )
        )
        if field is not None:
            reported.add((row, j))
    return XlsxTable(
        sheet=name,
        sheets=tuple(names),
        labels=labels,
        data=data,
        findings=tuple(findings),
        formula_cells=len(cells.formulas),
        reported=frozenset(reported),
        origin=f"{column_letters(left)}{top}",
        header_row=top,
        first_column=left,
        title_rows=int(title_rows or 0),
    )


def _header_among(raw: pl.DataFrame, first: int, names: Collection[str]) -> int:
    """Return the index in ``raw`` of the header row: ``first`` (the first row with a value),
    or the row among the sheet's first ``HEADER_SEARCH_ROWS`` holding the most of ``names``
    (stripped, in any case) when it holds at least two and more than ``first`` does."""
    wanted = {name.strip().casefold() for name in names if name.strip()}
    if not wanted:
        return first

    def matches(i: int) -> int:
        return sum(
            1 for value in raw.row(i) if value is not None and value.strip().casefold() in wanted
        )

    scores = [(matches(i), -i) for i in range(first, min(raw.height, HEADER_SEARCH_ROWS))]
    best, at = max(scores, default=(0, -first))
    return -at if best >= 2 and best > matches(first) else first


def _unreadable_errors(name: str, cells: _SheetCells) -> Unreadable:
    """Return the error for a sheet whose newer Excel error values fastexcel cannot read."""
    newer = [(f"{letters}{row}", value) for letters, row, _, value in cells.errors
             if value not in _CLASSIC_ERRORS]  # fmt: skip
    shown = ", ".join(f"{cell} ({value})" for cell, value in newer[:5])
    more = f" and {len(newer) - 5:,} more" if len(newer) > 5 else ""
    where = f": {shown}{more}" if newer else ""
    return format_error(
        f"Sheet {name!r} holds Excel error values this reader cannot read{where}. Correct those "
        "formulas, or paste values in their place, save the workbook and try again."
    )


def _sheet_named(sheet: str, names: list[str]) -> str:
    """Return the workbook's name for ``sheet``: Excel's sheet names differ by more than case,
    so ``data`` names the sheet ``Data``."""
    if sheet in names:
        return sheet
    return next((name for name in names if name.casefold() == sheet.casefold()), sheet)


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


@dataclass(frozen=True, slots=True)
class _SheetCells:
    """What the sheet's XML says that fastexcel does not: where the table starts, its formula
    cells ``(column letters, row, column index, has a saved value)`` and its error cells
    ``(column letters, row, column index, error value)``."""

    first_row: int
    formulas: list[tuple[str, int, int, bool]]
    errors: list[tuple[str, int, int, str]]


def _scan_cells(archive: zipfile.ZipFile, path: str | None) -> _SheetCells:
    """Return the formula and error cells of the sheet part at ``path``, and its first row."""
    cells = _SheetCells(first_row=0, formulas=[], errors=[])
    if path is None or path not in archive.namelist():
        return replace(cells, first_row=1)
    tail = b""
    with archive.open(path) as part:
        while chunk := part.read(4 * 1024 * 1024):
            text = tail + chunk
            # Keep the last cell, which may be cut, for the next chunk.
            end = text.rfind(b"<c ")
            complete, tail = (text[:end], text[end:]) if end >= 0 else (b"", text)
            cells = _add_cells(cells, complete)
        if tail:
            cells = _add_cells(cells, tail)
    return cells if cells.first_row else replace(cells, first_row=1)


def _add_cells(cells: _SheetCells, text: bytes) -> _SheetCells:
    if not cells.first_row and (first := _CELL_VALUED.search(text)) is not None:
        cells = replace(cells, first_row=int(first.group(1)))
    for letters, row, value in _CELL_FORMULA.findall(text):
        name = letters.decode()
        cells.formulas.append((name, int(row), column_index(name), bool(value)))
    if b't="e"' in text:
        for letters, row, value in _CELL_ERROR.findall(text):
            name = letters.decode()
            error = _unescape(value.decode("utf-8", "replace"))
            cells.errors.append((name, int(row), column_index(name), error))
    return cells


def column_letters(index: int) -> str:
    """Return Excel's letters for the 0-based column ``index`` (0: A, 26: AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - 64)
    return index - 1

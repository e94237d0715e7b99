"""A validation report as officers use it: findings grouped by kind with totals, in pages, in
plain words, and as a CSV or XLSX table to fix the file in Excel.

The report (``Report``) keeps the machine details (codes, constraint names, patterns) for the
API and its JSON; this view shows words. A repeated key, which the report lists once per
repeating row (as frictionless does), is one finding here naming every row that holds it.
In a workbook, rows are the sheet's own and a column is named with its letters too ("amount
(column D)"), wherever the table starts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from lgrshare.domain.exports import neutralise
from lgrshare.domain.validation.errors import CODES, ERROR_TYPES, ValidationError
from lgrshare.domain.validation.report import Report, read_as
from lgrshare.domain.validation.xlsx_reader import column_index, column_letters

PAGE_SIZE = 50
_KEYS = ("unique-error", "primary-key-error")
TABLE_HEADER = ("Row", "Column", "Value", "Problem", "Kind of error", "What to do")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to fix: the rows it is on, the column, the value, and what is wrong."""

    code: str
    rows: tuple[int, ...]
    field: str
    value: str
    problem: str

    @property
    def kind(self) -> str:
        return ERROR_TYPES.get(self.code, (self.code, ""))[0]

    @property
    def advice(self) -> str:
        return ERROR_TYPES.get(self.code, ("", ""))[1]

    @property
    def row_text(self) -> str:
        return ", ".join(f"{row:,}" for row in self.rows)


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of error: its code (for links), words, advice and how many the file has."""

    code: str
    title: str
    advice: str
    total: int
    listed: int


@dataclass(frozen=True, slots=True)
class Page:
    """One page of findings (``number`` from 1 of ``pages``), optionally of one kind."""

    findings: tuple[Finding, ...]
    number: int
    pages: int
    kind: str | None


def findings(report: Report) -> list[Finding]:
    """Return the report's listed errors as findings, in row order, a repeated key once."""
    result: list[Finding] = []
    keys: dict[tuple[str, str | None, str | None], list[ValidationError]] = {}
    for error in report.errors:
        if error.code in _KEYS:
            keys.setdefault((error.code, error.field, error.cell), []).append(error)
    merged: set[tuple[str, str | None, str | None]] = set()
    for error in report.errors:
        key = (error.code, error.field, error.cell)
        if error.code in _KEYS:
            if key in merged:
                continue
            merged.add(key)
            result.append(_key_finding(keys[key]))
            continue
        result.append(
            Finding(
                code=error.code,
                rows=(error.row,) if error.row is not None else (),
                field=_column(report, error),
                value=error.cell or "",
                problem=error.message,
            )
        )
    return result


def _column(report: Report, error: ValidationError) -> str:
    """Return the column an error is in: the field, and in a workbook the sheet's letters."""
    field = error.field or ""
    if report.file.get("format") != "xlsx" or error.field_number is None:
        return field
    corner = str(report.file.get("first_cell") or "A1")
    letters = column_letters(column_index(corner.rstrip("0123456789")) + error.field_number - 1)
    return f"{field} (column {letters})" if field else f"column {letters}"


def _key_finding(errors: list[ValidationError]) -> Finding:
    """One finding for the rows repeating a key: the first holder is named in each message
    ("row 3 has it too"), so it is among the rows too."""
    first = errors[0]
    rows = {error.row for error in errors if error.row is not None}
    for error in errors:
        rows.update(_first_holder(error.message))
    ordered = tuple(sorted(rows))
    what = f"{first.field} {first.cell!r}" if first.field else f"the key ({first.cell})"
    shown = ", ".join(f"{row:,}" for row in ordered)
    return Finding(
        code=first.code,
        rows=ordered,
        field=first.field or "",
        value=first.cell or "",
        problem=f"Rows {shown} all have {what}: each must be different.",
    )


def _first_holder(message: str) -> set[int]:
    """Return the earlier row a repeated-key message names ("... row 12 has it too", "... the
    same as row 12's")."""
    for marker in ("but row ", "the same as row "):
        if marker in message:
            digits = message.split(marker, 1)[1].split(" ", 1)[0].rstrip("'s.").replace(",", "")
            if digits.isdigit():
                return {int(digits)}
    return set()


def kinds(report: Report) -> list[Kind]:
    """Return each kind of error the file has, in the catalogue's order, with its total (every
    error counted) and how many are listed."""
    counts = dict(report.stats.get("counts", {}))
    listed: dict[str, int] = {}
    for error in report.errors:
        listed[error.code] = listed.get(error.code, 0) + 1
    order = [*CODES, *sorted(set(counts) - set(CODES))]
    return [
        Kind(
            code=code,
            title=ERROR_TYPES.get(code, (code, ""))[0],
            advice=ERROR_TYPES.get(code, ("", ""))[1],
            total=int(counts[code]),
            listed=listed.get(code, 0),
        )
        for code in order
        if counts.get(code)
    ]


def page(report: Report, *, number: int = 1, kind: str | None = None) -> Page:
    """Return page ``number`` (from 1; out of range is the nearest page) of the findings, of
    ``kind`` only when given."""
    found = [f for f in findings(report) if kind is None or f.code == kind]
    pages = max(1, -(-len(found) // PAGE_SIZE))
    number = min(max(number, 1), pages)
    start = (number - 1) * PAGE_SIZE
    return Page(tuple(found[start : start + PAGE_SIZE]), number, pages, kind)


def table_rows(report: Report) -> list[tuple[int | str, ...]]:
    """Return the findings as rows (``TABLE_HEADER``): the row a number when there is one (the
    rows of a repeated key as text, ``2, 3``), the rest text, cells neutralised so a value
    beginning ``=`` is not run as a formula in a spreadsheet."""
    return [
        (
            _row_cell(finding.rows),
            neutralise(finding.field),
            neutralise(finding.value),
            neutralise(finding.problem),
            finding.kind,
            finding.advice,
        )
        for finding in findings(report)
    ]


def _row_cell(rows: tuple[int, ...]) -> int | str:
    if len(rows) == 1:
        return rows[0]
    return ", ".join(str(row) for row in rows)


def read_line(report: Report) -> tuple[str, str]:
    """Return the file checked and how it was read, as the report's page says it: ``("Read
    as", "records.xlsx against council-tax-base 1.0.0: XLSX, sheet 'Data', table from cell
    B5")``."""
    file = dict(report.file)
    name = str(file.get("name") or "the file")
    described = read_as(file)
    return (
        "Read as",
        neutralise(f"{name} against {report.standard_name} {report.standard_version}: {described}"),
    )


def report_csv(report: Report) -> bytes:
    """Return the findings as a CSV table (UTF-8 with a byte order mark, for Excel), below a
    line saying how the file was read (``read_line``)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(read_line(report))
    writer.writerow(TABLE_HEADER)
    writer.writerows(table_rows(report))
    writer.writerows(_footnote(report))
    return out.getvalue().encode("utf-8-sig")


def report_xlsx(report: Report) -> bytes:
    """Return the findings as an XLSX workbook: a first sheet saying how the file was read,
    one of findings (open when the workbook is) and one of totals."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "File"
    about.append(read_line(report))
    about["A1"].font = Font(bold=True)
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 120
    sheet = book.create_sheet("Errors")
    book.active = sheet
    sheet.append(TABLE_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table_rows(report):
        sheet.append(list(row))
    for row in _footnote(report):
        sheet.append(list(row))
    widths = (12, 28, 30, 90, 40, 60)
    for letter, width in zip("ABCDEF", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    totals = book.create_sheet("Totals")
    totals.append(("Kind of error", "How many", "What to do"))
    for item in kinds(report):
        totals.append((item.title, item.total, item.advice))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _footnote(report: Report) -> Sequence[tuple[str, ...]]:
    if not report.stats.get("errors_capped"):
        return ()
    total = int(report.stats.get("error_count", 0))
    return [
        (),
        (
            "",
            "",
            "",
            f"The file has {total:,} errors; the first {len(report.errors):,} are listed. "
            "Fix these and check the file again to see the rest.",
        ),
    ]

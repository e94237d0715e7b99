"""XLSX positions (issue 19, item 4): errors give the sheet's own row, and the officers' report
its column letters ("row 59, column D"), wherever the table starts."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl

from lgrshare.domain.standards.model import parse_standard
from lgrshare.domain.validation import validate
from lgrshare.domain.validation.officers import findings
from lgrshare.domain.validation.report import read_as
from lgrshare.domain.validation.stored import read_as_submitted
from tests.conformance.reference import Verdict, side_by_side

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "name", "type": "string"},
        {"name": "amount", "type": "number", "constraints": {"minimum": 0}},
    ]
}
ROWS: list[list[Any]] = [
    ["id", "name", "amount"],
    [1, "a", 2],
    ["x", "b", 3],
    [None, None, None],
    [4, "d", -1],
]


def _workbook(rows: list[list[Any]], *, row: int = 1, column: int = 1) -> bytes:
    book = openpyxl.Workbook()
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            book.active.cell(row=row + i, column=column + j, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_table_at_a1_has_the_same_rows_on_both_sides(tmp_path: Path) -> None:
    got, expected = side_by_side(tmp_path, SCHEMA, _workbook(ROWS), suffix=".xlsx")

    assert got == expected
    assert got.findings == {("type-error", 3), ("blank-row", 4), ("constraint-error", 5)}


def table_found_below_and_right(theirs: Verdict) -> Verdict:
    """frictionless-py 5.21 takes a sheet's first row as the header even when the table starts
    lower down and further right (here at C6): it reports blank and extra labels and blank
    rows, and checks no cell. lgrshare finds the table at its first cell holding a value and
    reports the errors on the sheet's own rows (8, 9 and 10 here)."""
    assert ("blank-label", 1) in theirs.findings
    return Verdict(
        False, frozenset({("type-error", 8), ("blank-row", 9), ("constraint-error", 10)})
    )


def test_a_table_below_empty_rows_has_the_sheets_own_rows(tmp_path: Path) -> None:
    got, expected = side_by_side(
        tmp_path,
        SCHEMA,
        _workbook(ROWS, row=6, column=3),
        suffix=".xlsx",
        differences=table_found_below_and_right,
    )

    assert got == expected


def test_the_officers_report_names_the_sheets_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "offset.xlsx"
    path.write_bytes(_workbook([*ROWS, *[[n, "e", 1] for n in range(5, 58)], [59, "f", -5]],
                               row=4, column=2))  # fmt: skip

    report = validate(path, parse_standard({"schema": SCHEMA}, default_name="offset"))

    found = {(f.row_text, f.field) for f in findings(report) if f.code == "constraint-error"}
    # The header is row 4 and the table starts in column B, so "amount" is column D.
    assert found == {("8", "amount (column D)"), ("62", "amount (column D)")}
    assert report.file["first_cell"] == "B4"


def test_label_errors_are_on_the_header_row_of_the_sheet(tmp_path: Path) -> None:
    path = tmp_path / "offset.xlsx"
    path.write_bytes(_workbook([["id", "nom", "amount"], [1, "a", 2]], row=3))

    report = validate(path, parse_standard({"schema": SCHEMA}, default_name="offset"))

    assert [(e.code, e.row) for e in report.errors] == [("incorrect-label", 3)]


def _titled(rows: list[list[Any]], titles: list[str], *, row: int, column: int) -> bytes:
    book = openpyxl.Workbook()
    for i, title in enumerate(titles):
        book.active.cell(row=i + 1, column=1, value=title)
    for i, values in enumerate(rows):
        for j, value in enumerate(values):
            book.active.cell(row=row + i, column=column + j, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_title_text_above_the_table_is_not_taken_for_its_header(tmp_path: Path) -> None:
    """Title rows above a table (a council's name in A1, a date in A2, the table at B5): the
    header is the row holding the standard's labels, and errors keep the sheet's rows and
    columns. frictionless-py takes row 1 as the header (README, differences)."""
    path = tmp_path / "titled.xlsx"
    titles = ["Guildford Borough Council: council tax base return", "Prepared 2023"]
    path.write_bytes(_titled(ROWS, titles, row=5, column=2))

    report = validate(path, parse_standard({"schema": SCHEMA}, default_name="offset"))

    assert report.stats["rows"] == 4
    assert {(e.code, e.row) for e in report.errors} == {
        ("type-error", 7), ("blank-row", 8), ("constraint-error", 9)
    }  # fmt: skip
    assert report.file["first_cell"] == "B5"
    assert report.file["title_rows"] == 2
    assert "table from cell B5, below 2 rows of title text" in read_as(report.file)
    found = {(f.row_text, f.field) for f in findings(report) if f.code == "constraint-error"}
    assert found == {("9", "amount (column D)")}


def test_labels_are_matched_to_titles_whatever_their_case_and_spaces(tmp_path: Path) -> None:
    schema = {"fields": [{**spec, "title": spec["name"].upper() + " TITLE"}
                         for spec in SCHEMA["fields"]]}  # fmt: skip
    rows = [[" ID title", "name TITLE ", "amount"], *ROWS[1:]]
    path = tmp_path / "titled.xlsx"
    path.write_bytes(_titled(rows, ["A return"], row=3, column=1))

    report = validate(path, parse_standard({"schema": schema}, default_name="offset"))

    assert report.file["first_cell"] == "A3"
    assert report.file["title_rows"] == 1


def test_a_first_row_matching_as_well_as_a_later_one_stays_the_header(tmp_path: Path) -> None:
    # Row 1 holds two labels, a later row holds two as well: nothing clearly better, row 1.
    rows = [["id", "name", "other"], ["id", "name", "x"], [1, "a", 2]]
    path = tmp_path / "plain.xlsx"
    path.write_bytes(_workbook(rows))

    report = validate(path, parse_standard({"schema": SCHEMA}, default_name="offset"))

    assert "first_cell" not in report.file
    assert "title_rows" not in report.file
    assert next((e.code, e.row) for e in report.errors) == ("incorrect-label", 1)


def test_a_stored_workbook_is_read_back_from_the_header_found(tmp_path: Path) -> None:
    raw = _titled(ROWS, ["A council's return", "Prepared 2023"], row=5, column=2)
    path = tmp_path / "titled.xlsx"
    path.write_bytes(raw)
    report = validate(path, parse_standard({"schema": SCHEMA}, default_name="offset"))

    frame = read_as_submitted(raw, "xlsx", report.file)

    assert frame.columns == ["id", "name", "amount"]
    assert frame.get_column("id").to_list()[:2] == ["1", "x"]

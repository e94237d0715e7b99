"""The report as officers use it: kinds with totals, pages, plain words, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook, load_workbook

from lgrshare.domain.standards.model import parse_standard
from lgrshare.domain.validation import validate
from lgrshare.domain.validation.officers import (
    PAGE_SIZE,
    findings,
    kinds,
    page,
    report_csv,
    report_xlsx,
)

STANDARD = parse_standard(
    {
        "schema": {
            "fields": [
                {"name": "gss_code", "type": "string", "example": "E07000209",
                 "constraints": {"pattern": "E0[6-9][0-9]{6}", "unique": True}},
                {"name": "band_d", "type": "number", "title": "Band D"},
            ]
        }
    },
    default_name="officers",
)  # fmt: skip


def _report(tmp_path: Path, rows: list[str]):
    path = tmp_path / "file.csv"
    path.write_text("gss_code,band_d\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return validate(path, STANDARD)


def test_a_repeated_key_is_one_finding_naming_every_row(tmp_path: Path) -> None:
    report = _report(
        tmp_path, ["E07000209,1", "E07000210,2", "E07000209,3", "E07000209,4", "E07000210,5"]
    )

    assert report.stats["counts"] == {"unique-error": 3}
    assert [(f.code, f.rows, f.value) for f in findings(report)] == [
        ("unique-error", (2, 4, 5), "E07000209"),
        ("unique-error", (3, 6), "E07000210"),
    ]
    assert findings(report)[0].problem == (
        "Rows 2, 4, 5 all have gss_code 'E07000209': each must be different."
    )


def test_kinds_have_totals_and_every_error_is_on_a_page(tmp_path: Path) -> None:
    rows = [f'E07{i:06d},"£2,2l4.77"' for i in range(120)] + ["X1,1"]
    report = _report(tmp_path, rows)

    assert [(k.code, k.total) for k in kinds(report)] == [
        ("type-error", 120), ("constraint-error", 1),
    ]  # fmt: skip
    first, last = page(report, number=1), page(report, number=99)
    assert (first.pages, len(first.findings), last.number) == (3, PAGE_SIZE, 3)
    shown = [f for n in (1, 2, 3) for f in page(report, number=n).findings]
    assert len(shown) == 121
    assert page(report, kind="constraint-error").findings[0].rows == (122,)


def test_messages_are_in_words_without_regular_expressions(tmp_path: Path) -> None:
    report = _report(tmp_path, ['E07000209,"£2,2l4.77"', "E7,1"])

    problems = [f.problem for f in findings(report)]
    assert problems == [
        "Row 2, band_d: '£2,2l4.77' is not a number.",
        "Row 3, gss_code: 'E7' is not in the form gss_code takes (for example 'E07000209').",
    ]
    assert not any("[0-9]" in problem for problem in problems)
    # The machine details stay in the report's JSON.
    assert report.to_json()["errors"][1]["constraint"] == "pattern"


def test_the_csv_and_xlsx_tables_list_every_finding(tmp_path: Path) -> None:
    report = _report(tmp_path, ["E07000209,=1+1", "E07000209,2"])

    rows = list(csv.reader(io.StringIO(report_csv(report).decode("utf-8-sig"))))
    assert rows[1] == ["Row", "Column", "Value", "Problem", "Kind of error", "What to do"]
    assert [row[:3] for row in rows[2:]] == [
        ["2", "band_d", "'=1+1"],
        ["2, 3", "gss_code", "E07000209"],
    ]
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    # The row is a number (the rows of a repeated key, text).
    assert [row[0] for row in book["Errors"].iter_rows(min_row=2, values_only=True)] == [
        2, "2, 3",
    ]  # fmt: skip
    assert next(book["Totals"].iter_rows(min_row=2, values_only=True))[:2] == (
        "A cell is not of the field's type", 1,
    )  # fmt: skip


def test_the_downloads_say_how_the_file_was_read(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Return"
    sheet["A1"] = "Guildford Borough Council: council tax base return"
    sheet["A2"] = "Prepared 2023"
    for j, value in enumerate(("gss_code", "band_d")):
        sheet.cell(row=5, column=2 + j, value=value)
    sheet.cell(row=6, column=2, value="E07000209")
    sheet.cell(row=6, column=3, value="2,2l4.77")
    path = tmp_path / "titled.xlsx"
    book.save(path)
    report = validate(path, STANDARD)
    said = (
        "titled.xlsx against officers 1.0.0: XLSX, sheet 'Return', table from cell B5, below 2 "
        "rows of title text"
    )

    rows = list(csv.reader(io.StringIO(report_csv(report).decode("utf-8-sig"))))
    errors = load_workbook(io.BytesIO(report_xlsx(report)))

    assert rows[0] == ["Read as", said]
    assert rows[2][:2] == ["6", "band_d (column C)"]
    assert errors.sheetnames == ["File", "Errors", "Totals"]
    assert next(errors["File"].iter_rows(values_only=True)) == ("Read as", said)
    assert next(errors["Errors"].iter_rows(min_row=2, values_only=True))[:2] == (
        6, "band_d (column C)",
    )  # fmt: skip

"""Readers: CSV encodings, delimiters and line endings; XLSX values and sheets; streams."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from validation_helpers import GOOD_ROW, HEADER, found, read_record_by_record, workbook

from lgrshare.domain.standards.model import Standard, parse_standard
from lgrshare.domain.validation import (
    Report,
    SheetNotFound,
    csv_exact,
    csv_fast,
    engine,
    validate,
)

Check = Callable[..., Report]
POUND_ROW = "L002,E07000209,1,1,,,,b"


def test_utf8_with_and_without_bom(check: Check) -> None:
    text = f"{HEADER}\n{GOOD_ROW}\n{POUND_ROW}\n"
    plain = check(text.encode("utf-8"))
    bom = check(b"\xef\xbb\xbf" + text.encode("utf-8"))

    assert plain.valid, plain.errors
    assert bom.valid, bom.errors
    assert plain.file["encoding"] == "utf-8"
    assert bom.file["encoding"] == "utf-8 (with BOM)"


def test_windows_1252_pound_sign_is_read_not_an_error(check: Check) -> None:
    text = f"{HEADER}\n{GOOD_ROW}\nL002,E07000209,£5,1,,,,b\n"
    report = check(text.encode("cp1252"))

    assert report.file["encoding"] == "windows-1252"
    assert [(e.code, e.cell) for e in report.errors] == [("type-error", "£5")]


def test_bytes_not_in_the_standards_encoding_are_an_encoding_error_with_the_offset(
    standard: Standard, tmp_path: Path
) -> None:
    data = f"{HEADER}\n{GOOD_ROW}\n".encode() + b"L002,E07000209,1,1,,,,\x81\n"
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    declared = parse_standard(
        {**standard.to_json(), "encoding": "windows-1252"}, default_name="declared"
    )
    report = validate(path, declared)

    assert not report.readable
    assert not report.valid
    (error,) = report.errors
    assert error.code == "encoding-error"
    assert error.row == 3
    assert f"Byte {len(data) - 2:,}" in error.message


def test_a_file_mixing_utf8_and_windows_1252_is_an_encoding_error(check: Check) -> None:
    data = f"{HEADER}\nL001,E07000209,1,1,,,,£\n".encode() + b"L002,E07000209,1,1,,,,\xa3\n"
    report = check(data)

    assert [e.code for e in report.errors] == ["encoding-error"]
    assert "mixes two encodings" in report.errors[0].message


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_common_delimiters_are_detected(check: Check, delimiter: str) -> None:
    rows = [HEADER, GOOD_ROW, POUND_ROW]
    report = check("\n".join(row.replace(",", delimiter) for row in rows) + "\n")

    assert report.valid, report.errors
    assert report.file["delimiter"] == delimiter


@pytest.mark.parametrize(("ending", "name"), [("\r\n", "CRLF"), ("\n", "LF"), ("\r", "CR")])
def test_line_endings(check: Check, ending: str, name: str) -> None:
    rows = [HEADER, GOOD_ROW, POUND_ROW.replace("1,1", "x,1")]
    report = check(ending.join(rows) + ending)

    assert report.file["line_terminator"] == name
    assert found(report) == {("type-error", 3, "amount")}


def test_quoted_cells_may_hold_delimiters_quotes_and_line_breaks(check: Check) -> None:
    report = check(
        f'{HEADER}\n"L001","E07000209","1,000",1,,,,"a"\r\n'
        'L002,E07000209,1,1,,,,"b, ""quoted""\r\nover two lines"\n'
        "L003,E07000209,1,1,,,,c\n"
    )

    assert [(e.row, e.field, e.constraint) for e in report.errors] == [
        (3, "kind", "maxLength"),
        (3, "kind", "enum"),
        (4, "kind", "enum"),
    ]


TRICKY = [
    # a quote inside an unquoted cell is a character (Python's csv module), not quoting
    f'{HEADER}\nL001,E07000209,1,1,,,,a"b\nL002,E07000209,x,1,,,,a\n',
    f'{HEADER}\n"L001"x,E07000209,1,1,,,,a\nL002,E07000209,1,1,,,\n',
    f'{HEADER}\nL001,E07000209,1,1,,,,"a\n\nb"\n\nL002,E07000209,1,1,,,,a,extra\n',
    f"{HEADER}\r\n\r\n{GOOD_ROW}\r\n,,,\r\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_and_exact_readers_agree(
    check: Check, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    fast = check(text)

    monkeypatch.setattr(engine, "fast_batches", read_record_by_record)
    exact = check(text)

    assert fast.errors == exact.errors
    assert fast.stats["rows"] == exact.stats["rows"]


def test_progress_never_goes_back_when_the_fast_reader_gives_up(
    check: Check, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_fast, "BLOCK_BYTES", 64)
    monkeypatch.setattr(csv_exact, "BLOCK_BYTES", 64)
    rows = [GOOD_ROW.replace("L001", f"L{n:03d}") for n in range(2, 32)]
    # A carriage return alone, in a quoted cell near the end: Python's csv module and Polars
    # break lines apart differently there, so the fast reader gives up and the exact reader
    # reads the file again from the start.
    text = "\n".join([HEADER, *rows, 'L032,E07000209,12.50,3,2024-05-01,2024-05,Yes,"a\rb"', ""])
    seen: list[int] = []

    report = check(text, progress=seen.append)

    assert report.stats["rows"] == 31
    assert found(report) == {("constraint-error", 32, "kind")}
    assert seen == sorted(seen)
    assert seen[0] < len(text) // 2
    assert seen[-1] == len(text.encode())


def test_a_stream_validates_like_a_file(standard: Standard) -> None:
    stream = io.BytesIO(f"{HEADER}\n{GOOD_ROW}\n".encode())

    report = validate(stream, standard, file_name="upload.csv")

    assert report.valid
    assert report.file["name"] == "upload.csv"


XLSX_ROWS: list[list[object]] = [
    HEADER.split(","),
    ["L001", "E07000209", 12.5, 3, dt.datetime(2024, 5, 1), "2024-05", "Yes", "a"],
    ["L002", "E07000217", 1000, 0, dt.date(2024, 6, 30), dt.datetime(2024, 6, 1), "No", None],
    ["L003", "E07000217", "N/A", 2.0, None, None, None, None],
]


def test_xlsx_real_numbers_and_dates_are_read(tmp_path: Path, standard: Standard) -> None:
    report = validate(workbook(tmp_path / "data.xlsx", XLSX_ROWS), standard)

    assert [(e.code, e.row, e.field, e.cell) for e in report.errors] == [
        ("type-error", 4, "amount", "N/A")
    ]
    assert report.file["format"] == "xlsx"
    assert report.file["sheet"] == "Data"
    when = next(profile for profile in report.profile if profile.name == "when")
    assert (when.min, when.max) == ("2024-05-01", "2024-06-30")


def test_xlsx_named_sheet_and_unknown_sheet(tmp_path: Path, standard: Standard) -> None:
    path = workbook(tmp_path / "data.xlsx", XLSX_ROWS[:2], sheets=("Cover", "Data"))
    book = openpyxl.load_workbook(path)
    book.move_sheet("Data", offset=-1)
    book.save(path)

    assert validate(path, standard, sheet="Data").valid is False  # "Cover" has the data here
    # Excel's sheet names differ by more than case: "data" is "Data".
    assert validate(path, standard, sheet="data").file["sheet"] == "Data"
    with pytest.raises(SheetNotFound) as raised:
        validate(path, standard, sheet="Nope")
    assert raised.value.code == "sheet-not-found"
    assert "Cover" in raised.value.message


def test_an_xlsx_renamed_csv_is_read_as_xlsx(tmp_path: Path, standard: Standard) -> None:
    path = workbook(tmp_path / "data.xlsx", XLSX_ROWS[:2])

    report = validate(path.rename(tmp_path / "data.csv"), standard)

    assert report.valid, report.errors
    assert report.file["format"] == "xlsx"

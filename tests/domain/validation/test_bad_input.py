"""Bad input: each a clear code and message, in bounded memory and time, never a crash."""

from __future__ import annotations

import resource
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from validation_helpers import GOOD_ROW, HEADER, edit_part, workbook

from lgrshare.domain.standards.model import Standard
from lgrshare.domain.validation import Report, SourceNotFound, officers, validate

Check = Callable[..., Report]


def _fatal(report: Report) -> tuple[str, str]:
    assert not report.valid
    assert not report.readable
    (error,) = report.errors
    return error.code, error.message


def _edit_sheet(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` with ``new`` in the first sheet's XML, where it must be."""

    def replace(xml: bytes) -> bytes:
        assert old in xml
        return xml.replace(old, new, 1)

    edit_part(path, "xl/worksheets/sheet1.xml", replace)


def test_an_empty_file(check: Check) -> None:
    code, message = _fatal(check(b""))

    assert code == "format-error"
    assert "empty" in message


def test_a_file_of_blank_lines(check: Check) -> None:
    assert _fatal(check(b"\r\n\r\n"))[0] == "format-error"


@pytest.mark.parametrize("ending", ["\n", ""])
def test_a_header_only_file_is_an_error_that_says_so(check: Check, ending: str) -> None:
    report = check(f"{HEADER}{ending}")

    assert [(e.code, e.row) for e in report.errors] == [("no-rows", None)]
    assert "no data rows" in report.errors[0].message
    assert report.stats["rows"] == 0
    # The header was read and checked: the file is readable, only not valid.
    assert report.readable
    assert not report.valid


def test_a_header_only_workbook_is_an_error_that_says_so(
    tmp_path: Path, standard: Standard
) -> None:
    path = workbook(tmp_path / "header.xlsx", [HEADER.split(",")])

    report = validate(path, standard)

    assert [(e.code, e.row) for e in report.errors] == [("no-rows", None)]
    assert "no data rows" in report.errors[0].message


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (bytes(range(256)) * 64, "binary"),
        # A program: NUL bytes at odd and even places alike, unlike UTF-16 text.
        (Path(sys.executable).resolve().read_bytes()[:5000], "binary"),
    ],
)
def test_a_binary_file_renamed_csv(check: Check, content: bytes, what: str) -> None:
    code, message = _fatal(check(content))

    assert code == "format-error"
    assert what in message


@pytest.mark.parametrize(
    ("encoding", "named"),
    [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32")],
)
def test_utf16_and_utf32_text_are_an_encoding_error(
    check: Check, encoding: str, named: str
) -> None:
    code, message = _fatal(check(f"{HEADER}\n{GOOD_ROW}\n".encode(encoding)))

    assert code == "encoding-error"
    assert named in message


def test_a_nul_byte_is_an_encoding_error_at_its_line(check: Check) -> None:
    rows = "\n".join([HEADER] + [GOOD_ROW.replace("L001", f"L{i:03d}") for i in range(300)])
    data = rows.encode() + b"\nL999,E07000209,1\x00,1,,,,a\n"
    code, message = _fatal(check(data))

    assert code == "encoding-error"
    assert "NUL" in message
    assert "line 302" in message


def test_a_zip_that_is_not_a_workbook(check: Check, tmp_path: Path) -> None:
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")

    code, message = _fatal(check(path.read_bytes(), name="data.xlsx"))

    assert code == "format-error"
    assert "not an Excel workbook" in message


def test_a_corrupt_workbook(check: Check, tmp_path: Path) -> None:
    data = workbook(tmp_path / "good.xlsx", [HEADER.split(",")]).read_bytes()

    code, message = _fatal(check(data[: len(data) // 2], name="data.xlsx"))

    assert code == "format-error"
    assert "damaged" in message


def test_a_password_protected_workbook(check: Check) -> None:
    # What Excel writes for a workbook with a password: an OLE2 container with an
    # "EncryptionInfo" stream (MS-OFFCRYPTO). A minimal synthetic one: header + directory name.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50
    code, message = _fatal(check(header + directory + b"\x00" * 4096, name="data.xlsx"))

    assert code == "format-error"
    assert "password-protected" in message


def test_a_workbook_that_expands_enormously_is_refused_unread(check: Check, tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<c/>" * (40 * 1024 * 1024 // 4))

    code, message = _fatal(check(path.read_bytes(), name="data.xlsx"))

    assert code == "format-error"
    assert "ZIP bomb" in message


def test_xml_entities_in_a_workbook_are_refused(check: Check, tmp_path: Path) -> None:
    path = workbook(tmp_path / "laughs.xlsx", [HEADER.split(",")])
    edit_part(
        path,
        "xl/sharedStrings.xml",
        lambda _: (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><sst>&lol2;</sst>'
        ),
    )

    code, message = _fatal(check(path.read_bytes(), name="data.xlsx"))

    assert code == "format-error"
    assert "entities" in message


def test_formula_cells_read_their_saved_value_and_one_without_is_an_error(
    tmp_path: Path, standard: Standard
) -> None:
    rows = [
        HEADER.split(","),
        ["L001", "E07000209", "=1+2", 3, None, None, None, None],
        ["L002", "E07000209", "=2*2", 1, None, None, None, None],
    ]
    path = workbook(tmp_path / "formulas.xlsx", rows)
    # openpyxl saves no value for a formula; give the first one the value Excel would save.
    _edit_sheet(path, b"<f>1+2</f><v />", b"<f>1+2</f><v>3</v>")

    report = validate(path, standard)

    assert [(e.code, e.row, e.field, e.field_number) for e in report.errors] == [
        ("format-error", 3, "amount", 3)
    ]
    assert "formula" in report.errors[0].message
    assert report.readable
    assert report.file["formula_cells"] == 2
    amount = next(profile for profile in report.profile if profile.name == "amount")
    assert amount.max == 3


def test_excel_error_values_are_errors_at_their_cells_and_nothing_else(
    tmp_path: Path, standard: Standard
) -> None:
    # A VLOOKUP's #N/A in a required field, a #DIV/0! in an optional one.
    rows = [
        HEADER.split(","),
        ["L001", "E07000209", "#DIV/0!", "#N/A", None, None, None, None],
        ["L002", "E07000209", 5, 2, None, None, None, None],
    ]
    path = workbook(tmp_path / "errors.xlsx", rows)
    assert openpyxl.load_workbook(path).active["D2"].data_type == "e"

    report = validate(path, standard)

    assert [(e.code, e.row, e.field, e.field_number) for e in report.errors] == [
        ("format-error", 2, "amount", 3),
        ("format-error", 2, "count", 4),
    ]
    assert "#DIV/0!" in report.errors[0].message
    assert "#N/A" in report.errors[1].message
    # The cell is not also "required, but empty".
    assert report.stats["counts"] == {"format-error": 2}
    assert report.readable
    assert not report.valid


def test_a_table_not_at_a1_gives_the_sheets_rows_and_counts_fields_from_its_first_column(
    tmp_path: Path, standard: Standard
) -> None:
    path = tmp_path / "offset.xlsx"
    book = openpyxl.Workbook()
    rows = [
        HEADER.split(","),
        ["L001", "E07000209", 1, 3, None, None, None, "c"],
        ["L002", "E07000209", "=1+2", 1, None, None, None, None],
    ]
    # The header in C3: two empty rows above, two empty columns to the left.
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            book.active.cell(row=3 + i, column=3 + j, value=value)
    book.save(path)

    report = validate(path, standard)

    assert [(e.code, e.row, e.field, e.field_number) for e in report.errors] == [
        ("constraint-error", 4, "kind", 8),
        ("format-error", 5, "amount", 3),
    ]
    assert "cell E5" in report.errors[1].message
    assert report.file["first_cell"] == "C3"
    # The officers' table names the sheet's columns: field 8 from column C is column J.
    assert [(f.row_text, f.field) for f in officers.findings(report)] == [
        ("4", "kind (column J)"),
        ("5", "amount (column E)"),
    ]


def test_a_single_100_mb_line_is_refused_in_bounded_memory(
    tmp_path: Path, standard: Standard
) -> None:
    path = tmp_path / "long.csv"
    with path.open("wb") as handle:
        handle.write(f"{HEADER}\n".encode())
        chunk = b"x" * (1024 * 1024)
        for _ in range(100):
            handle.write(chunk)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    report = validate(path, standard)

    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert [e.code for e in report.errors] == ["format-error"]
    assert "longer than 16 MB" in report.errors[0].message
    assert grown_mb < 300


def test_a_newer_excel_error_value_names_its_cell(tmp_path: Path, standard: Standard) -> None:
    rows = [HEADER.split(","), ["L001", "E07000209", "=SEQUENCE(2)", 1, None, None, None, None]]
    path = workbook(tmp_path / "spill.xlsx", rows)
    # Excel 365 saves a spilled formula's error as the value #SPILL!, which fastexcel refuses.
    _edit_sheet(path, b'<c r="C2">', b'<c r="C2" t="e">')
    _edit_sheet(path, b"<f>SEQUENCE(2)</f><v />", b"<f>SEQUENCE(2)</f><v>#SPILL!</v>")

    code, message = _fatal(validate(path, standard))

    assert code == "format-error"
    assert "C2 (#SPILL!)" in message


def test_rows_above_the_header_with_no_label_are_not_the_table(
    tmp_path: Path, standard: Standard
) -> None:
    path = tmp_path / "above.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = " "  # a space: not a label
    book.active["A2"] = "=1+1"  # a formula never calculated: no value at all
    for i, row in enumerate(
        [
            HEADER.split(","),
            ["L001", "E07000209", "#N/A", 3, *[None] * 4],
            ["L002", "E07000209", 1, 1, None, None, None, "c"],
        ]
    ):
        for j, value in enumerate(row):
            book.active.cell(row=4 + i, column=2 + j, value=value)
    book.save(path)

    report = validate(path, standard)

    # The sheet's own rows: the header is row 4.
    assert [(e.code, e.row, e.field) for e in report.errors] == [
        ("format-error", 5, "amount"),
        ("constraint-error", 6, "kind"),
    ]
    assert "cell D5" in report.errors[0].message
    assert report.file["first_cell"] == "B4"


def test_a_row_of_error_values_is_not_also_a_blank_row(tmp_path: Path, standard: Standard) -> None:
    rows = [HEADER.split(","), ["L001", "E07000209", 1, 1, *[None] * 4], ["#N/A"] * 8]
    path = workbook(tmp_path / "all-na.xlsx", rows)

    report = validate(path, standard)

    assert {e.code for e in report.errors} == {"format-error"}
    assert report.stats["counts"] == {"format-error": 8}


def test_a_long_label_is_shown_cut(check: Check) -> None:
    label = "z" * 5_000
    report = check(f"{HEADER},{label}\n{GOOD_ROW},1\n")

    (extra,) = [e for e in report.errors if e.code == "extra-label"]
    assert extra.field == "z" * 999 + "…"
    assert extra.cell == extra.field


def test_a_header_only_sheet_names_the_workbooks_other_sheets(
    tmp_path: Path, standard: Standard
) -> None:
    path = tmp_path / "cover.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.active.append(HEADER.split(","))
    book.create_sheet("Assets").append(HEADER.split(","))
    book.save(path)

    report = validate(path, standard)

    (error,) = report.errors
    assert "no data rows" in error.message
    assert "other sheets: Assets)" in error.message
    assert report.file["sheets"] == ["Cover", "Assets"]


@pytest.mark.parametrize(("megabytes", "refused"), [(15, False), (17, True)])
def test_the_16_mb_record_limit_is_the_one_the_message_gives(
    tmp_path: Path, standard: Standard, megabytes: int, refused: bool
) -> None:
    path = tmp_path / "long.csv"
    rows = "\n".join(GOOD_ROW.replace("L001", f"L{i:03d}") for i in range(2, 100))
    long_kind = "x" * (megabytes * 1024 * 1024)
    path.write_text(f"{HEADER}\n{GOOD_ROW}\nL100,,,1,,,,{long_kind}\n{rows}\n", encoding="utf-8")

    report = validate(path, standard)

    if refused:
        assert [(e.code, e.row) for e in report.errors] == [("format-error", 3)]
        assert "longer than 16 MB" in report.errors[0].message
    else:
        assert report.stats["rows"] == 100
        assert [(e.row, e.field, e.constraint) for e in report.errors] == [
            (3, "kind", "maxLength"),
            (3, "kind", "enum"),
        ]


def test_a_cell_is_shown_cut_in_the_report_but_measured_whole(
    tmp_path: Path, standard: Standard
) -> None:
    path = tmp_path / "long-cell.csv"
    long_kind = "y" * 5_000
    path.write_text(f"{HEADER}\n{GOOD_ROW}\nL002,,,1,,,,{long_kind}\n", encoding="utf-8")

    report = validate(path, standard)

    lengths = [e for e in report.errors if e.constraint == "maxLength"]
    assert len(lengths) == 1
    assert lengths[0].cell == "y" * 999 + "…"
    assert "(5,000 characters)" in lengths[0].message
    kind = next(profile for profile in report.profile if profile.name == "kind")
    assert all(len(value) <= 1_000 for value, _ in kind.most_common)


def test_a_quote_never_closed_that_swallows_16_mb_is_a_clear_format_error(
    tmp_path: Path, standard: Standard
) -> None:
    path = tmp_path / "open-quote.csv"
    line = GOOD_ROW.replace("L001", "L002") + "\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(f"{HEADER}\n{GOOD_ROW}\n" + 'L003,,,1,,,,"open\n')
        handle.write(line * (17 * 1024 * 1024 // len(line)))

    report = validate(path, standard)

    assert [e.code for e in report.errors] == ["format-error"]
    assert "quote" in report.errors[0].message
    assert "field limit" not in report.errors[0].message


def test_a_100_mb_header_line_is_refused(tmp_path: Path, standard: Standard) -> None:
    path = tmp_path / "long-header.csv"
    with path.open("wb") as handle:
        for _ in range(100):
            handle.write(b"y" * (1024 * 1024))

    report = validate(path, standard)

    assert [e.code for e in report.errors] == ["format-error"]
    assert "first line" in report.errors[0].message


def test_a_quote_never_closed_is_a_format_error(check: Check) -> None:
    rows = "\n".join(GOOD_ROW.replace("L001", f"L{i:03d}") for i in range(5))
    report = check(f'{HEADER}\n{rows}\nL900,E07000209,1,1,,,,"never closed\n{rows}\n')

    assert [(e.code, e.row) for e in report.errors] == [("format-error", 7)]


@pytest.mark.parametrize("rows", [0, 1, 300])
@pytest.mark.parametrize("ending", ["\n", ""])
def test_a_quote_never_closed_on_the_last_line_is_a_format_error(
    check: Check, rows: int, ending: str
) -> None:
    before = "".join(f"{GOOD_ROW.replace('L001', f'L{i:03d}')}\n" for i in range(rows))
    report = check(f'{HEADER}\n{before}L900,E07000209,1,1,,,,"never closed{ending}')

    assert [(e.code, e.row) for e in report.errors] == [("format-error", rows + 2)]
    assert "never closed" in report.errors[0].message


def test_a_quote_inside_an_unquoted_last_cell_is_text(check: Check) -> None:
    # As the csv module reads it (and frictionless): no quote is left open here.
    report = check(f'{HEADER}\n{GOOD_ROW}\nL002,E07000209,1,1,,,,a"\n')

    assert [(e.code, e.row, e.cell) for e in report.errors] == [
        ("constraint-error", 3, 'a"'),
        ("constraint-error", 3, 'a"'),
    ]


def test_a_missing_file_raises_because_nothing_can_be_validated(standard: Standard) -> None:
    with pytest.raises(SourceNotFound) as raised:
        validate(Path("/no/such/file.csv"), standard)

    assert raised.value.code == "source-not-found"


def test_a_quote_never_closed_over_thousands_of_lines_is_found_at_the_end(check: Check) -> None:
    # The record's lines are kept joined in runs (csv_exact._JOINED) while it is read: the
    # check at the end sees them all, in order.
    tail = "".join(f"line {i}\n" for i in range(10_000))
    report = check(f'{HEADER}\n{GOOD_ROW}\nL900,E07000209,1,1,,,,"never closed\n{tail}')

    assert [(e.code, e.row) for e in report.errors] == [("format-error", 3)]
    assert "never closed" in report.errors[0].message


def test_a_quoted_cell_of_thousands_of_lines_is_one_cell(check: Check) -> None:
    lines = "".join(f"line {i}\n" for i in range(10_000))
    report = check(f'{HEADER}\n{GOOD_ROW}\nL002,E07000209,1,1,,,,"{lines}"\n{GOOD_ROW}\n')

    kind = [e for e in report.errors if e.field == "kind"]
    assert {e.row for e in kind} == {3}
    assert kind[0].cell.startswith("line 0\nline 1\n")
    assert report.stats["rows"] == 3

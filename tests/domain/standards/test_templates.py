"""Templates: what a data officer gets when they download a blank file for a standard."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from lgrshare.domain.standards.model import FieldSpec, Standard, builtin_standards, load_standard
from lgrshare.domain.standards.templates import (
    GUIDANCE_HEADER,
    TemplateFormatError,
    TemplateWriteError,
    example_row,
    template_bytes,
    write_template,
)
from lgrshare.domain.validation import validate

NAMES = sorted(standard.name for standard in builtin_standards())


def _xlsx(tmp_path: Path, name: str) -> tuple[Standard, openpyxl.Workbook]:
    standard = load_standard(name)
    path = tmp_path / f"{name}.xlsx"
    write_template(standard, fmt="xlsx", path=path)
    return standard, openpyxl.load_workbook(path)


def _sheet(workbook: openpyxl.Workbook, title: str) -> Worksheet:
    sheet = workbook[title]
    assert isinstance(sheet, Worksheet)
    return sheet


def _validation_for(sheet: Worksheet, column: str) -> DataValidation | None:
    for validation in sheet.data_validations.dataValidation:
        if any(str(r).startswith(f"{column}2:{column}") for r in validation.sqref.ranges):
            return validation
    return None


def _list_values(workbook: openpyxl.Workbook, formula: str) -> list[Any]:
    sheet_part, cells = formula.lstrip("=").split("!")
    sheet = _sheet(workbook, sheet_part.strip("'"))
    return [row[0].value for row in sheet[cells.replace("$", "")]]


@pytest.mark.parametrize("name", NAMES)
def test_csv_template_is_the_header_row_in_utf8(name: str, tmp_path: Path) -> None:
    standard = load_standard(name)
    path = tmp_path / "template.csv"

    write_template(standard, fmt="csv", path=path)

    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    assert rows == [[field.name for field in standard.fields]]


@pytest.mark.parametrize("name", NAMES)
def test_csv_template_with_the_example_row_validates_cleanly(name: str, tmp_path: Path) -> None:
    standard = load_standard(name)
    path = tmp_path / "filled.csv"
    write_template(standard, fmt="csv", path=path)

    with path.open("a", encoding="utf-8", newline="") as out:
        csv.writer(out).writerow(example_row(standard))
    report = validate(path, standard)

    assert report.valid, [(e.code, e.field, e.cell, e.message) for e in report.errors]


@pytest.mark.parametrize("name", NAMES)
def test_xlsx_template_filled_in_as_excel_would_validate_cleanly(name: str, tmp_path: Path) -> None:
    # Excel stores what the officer types as real numbers and dates, except in the columns the
    # template formats as text; the validator must accept the workbook as the template leaves it.
    standard, workbook = _xlsx(tmp_path, name)
    data = _sheet(workbook, "Data")
    for column, (field, text) in enumerate(
        zip(standard.fields, example_row(standard), strict=True), start=1
    ):
        data.cell(row=2, column=column, value=_as_excel_stores(field, text))
    path = tmp_path / "filled.xlsx"
    workbook.save(path)

    report = validate(path, standard)

    assert report.valid, [(e.code, e.field, e.cell, e.message) for e in report.errors]


def _as_excel_stores(field: FieldSpec, text: str) -> Any:
    if text == "":
        return None
    if field.type in {"integer", "year"}:
        return int(text)
    if field.type == "number":
        return float(text)
    if field.type == "date":
        return dt.date.fromisoformat(text)
    return text


@pytest.mark.parametrize("name", NAMES)
def test_xlsx_data_sheet_comes_first_with_a_bold_frozen_header(name: str, tmp_path: Path) -> None:
    standard, workbook = _xlsx(tmp_path, name)

    assert workbook.sheetnames[0] == "Data"
    data = _sheet(workbook, "Data")
    header = [cell.value for cell in data[1]]
    assert header == [field.name for field in standard.fields]
    assert all(cell.font.bold for cell in data[1])
    assert data.freeze_panes == "A2"
    widths = [data.column_dimensions[cell.column_letter].width for cell in data[1]]
    assert all(width >= 12 for width in widths)


@pytest.mark.parametrize("name", NAMES)
def test_every_enum_field_has_a_dropdown_of_exactly_its_values(name: str, tmp_path: Path) -> None:
    standard, workbook = _xlsx(tmp_path, name)
    data = _sheet(workbook, "Data")
    columns = {cell.value: cell.column_letter for cell in data[1]}
    enum_fields = [field for field in standard.fields if field.constraints.get("enum")]

    for field in enum_fields:
        validation = _validation_for(data, columns[field.name])
        assert validation is not None, field.name
        assert validation.type == "list"
        assert validation.formula1 is not None
        assert _list_values(workbook, validation.formula1) == field.constraints["enum"]
    assert _sheet(workbook, "Lists").sheet_state == "hidden"


def test_a_dropdown_longer_than_excel_inline_limit_keeps_every_value(tmp_path: Path) -> None:
    # Excel caps an inline list at 255 characters; the finance lines are far longer than that.
    standard, workbook = _xlsx(tmp_path, "council-finance-summary")
    line = next(field for field in standard.fields if field.name == "line")
    assert len(",".join(line.constraints["enum"])) > 255

    validation = _validation_for(_sheet(workbook, "Data"), "E")

    assert validation is not None
    assert validation.formula1 is not None
    # A range on the hidden sheet, not an inline '"a,b,c"' list.
    assert validation.formula1.startswith(("Lists!$", "'Lists'!$"))
    assert _list_values(workbook, validation.formula1) == line.constraints["enum"]


def test_boolean_fields_offer_yes_and_no(tmp_path: Path) -> None:
    _, workbook = _xlsx(tmp_path, "contracts-register")
    data = _sheet(workbook, "Data")
    columns = {cell.value: cell.column_letter for cell in data[1]}

    for name in ("sme", "vcse", "supplier_processes_personal_data"):
        validation = _validation_for(data, columns[name])
        assert validation is not None, name
        assert validation.formula1 is not None, name
        assert _list_values(workbook, validation.formula1) == ["Yes", "No"]


def test_code_columns_are_text_so_excel_keeps_leading_zeros(tmp_path: Path) -> None:
    _, workbook = _xlsx(tmp_path, "contracts-register")
    data = _sheet(workbook, "Data")
    columns = {cell.value: cell.column_letter for cell in data[1]}

    assert data.column_dimensions[columns["supplier_company_number"]].number_format == "@"
    assert data.column_dimensions[columns["start_date"]].number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("name", NAMES)
def test_guidance_sheet_describes_every_field(name: str, tmp_path: Path) -> None:
    standard, workbook = _xlsx(tmp_path, name)
    rows = list(_sheet(workbook, "Guidance").iter_rows(values_only=True))

    assert rows[0] == GUIDANCE_HEADER
    by_name = {row[0]: dict(zip(GUIDANCE_HEADER, row, strict=True)) for row in rows[1:]}
    assert list(by_name) == [field.name for field in standard.fields]
    for field in standard.fields:
        guidance = by_name[field.name]
        assert guidance["Title"] == field.title
        assert guidance["Description"] == field.description
        assert guidance["Required"] == ("Yes" if field.constraints.get("required") else "No")
        assert (guidance["Unit"] or None) == (field.unit or None)
        assert str(guidance["Example"]) == str(field.example)


def test_guidance_spells_out_constraints_and_code_lists(tmp_path: Path) -> None:
    _, workbook = _xlsx(tmp_path, "population-geography")
    rows = list(_sheet(workbook, "Guidance").iter_rows(values_only=True))
    gss = dict(zip(GUIDANCE_HEADER, rows[1], strict=True))

    assert gss["Field"] == "gss_code"
    assert gss["Code list"] == "gss:lad"
    assert gss["Constraints"] == "required; matches ^E0[6-9][0-9]{6}$; in code list gss:lad"


def test_about_sheet_and_page_headers_carry_the_protective_marking(tmp_path: Path) -> None:
    _, workbook = _xlsx(tmp_path, "contracts-register")
    about = dict(_sheet(workbook, "About").iter_rows(values_only=True))

    assert about["Name"] == "contracts-register"
    assert about["Sensitivity"] == "OFFICIAL-SENSITIVE"
    assert "lgrshare validate FILE --standard contracts-register" in str(about["How to fill it in"])
    for title in ("Data", "Guidance", "About"):
        assert _sheet(workbook, title).oddHeader.center.text == "OFFICIAL-SENSITIVE"


def test_template_bytes_match_the_written_file(tmp_path: Path) -> None:
    standard = load_standard("council-tax-base")
    path = tmp_path / "t.csv"
    write_template(standard, fmt="csv", path=path)

    assert template_bytes(standard, fmt="csv") == path.read_bytes()
    assert template_bytes(standard, fmt="xlsx")[:2] == b"PK"


def test_writing_over_an_existing_file_replaces_it_and_leaves_no_temporary_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"old")

    write_template(load_standard("council-tax-base"), fmt="xlsx", path=path)

    assert path.read_bytes()[:2] == b"PK"
    assert os.listdir(tmp_path) == ["t.xlsx"]


def test_an_unwritable_destination_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "no-such-folder" / "t.csv"

    with pytest.raises(TemplateWriteError) as caught:
        write_template(load_standard("council-tax-base"), fmt="csv", path=path)

    assert caught.value.code == "template-not-written"
    assert not path.parent.exists()


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(TemplateFormatError) as caught:
        template_bytes(load_standard("council-tax-base"), fmt="ods")  # type: ignore[arg-type]

    assert caught.value.code == "template-format-unknown"

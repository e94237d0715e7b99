"""Blank templates for a standard, for data officers to fill in.

CSV: the header row only, UTF-8. XLSX: a ``Data`` sheet (first, so validators read it by default)
with the header in bold and frozen, columns sized and formatted so Excel keeps codes with leading
zeros as text, and a drop-down list on every enum and boolean field; a ``Guidance`` sheet with one
row per field; an ``About`` sheet describing the standard; and a hidden ``Lists`` sheet holding the
drop-down values (a list typed into the validation itself is capped at 255 characters).
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from lgrshare.domain.errors import LgrShareError
from lgrshare.domain.standards.model import FieldSpec, Standard

TemplateFormat = Literal["csv", "xlsx"]
TEMPLATE_FORMATS: tuple[TemplateFormat, ...] = ("csv", "xlsx")
MEDIA_TYPES: Mapping[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

DATA_SHEET = "Data"
GUIDANCE_SHEET = "Guidance"
ABOUT_SHEET = "About"
LISTS_SHEET = "Lists"
GUIDANCE_HEADER = (
    "Field",
    "Title",
    "Type",
    "Required",
    "Unit",
    "Constraints",
    "Code list",
    "Description",
    "Example",
)
# Drop-downs cover every row Excel allows, so they still work after a paste of many rows.
_LAST_EXCEL_ROW = 1_048_576
# Typed into Excel, "00445790" becomes 445790 and "2024-04" becomes a date: text columns stop both.
_NUMBER_FORMATS = {
    "string": "@",
    "yearmonth": "@",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
}
_CONSTRAINT_WORDS = {
    "minimum": "minimum {}",
    "maximum": "maximum {}",
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
}
# The built-in standards' patterns in words, for people (the regular expression stays in the
# Table Schema JSON, the API and the command line). A pattern not listed here reads as "in the
# format of the example".
PATTERN_WORDS = {
    "^E(0[6-9]|10)[0-9]{6}$": "a council's nine-character GSS code, such as E07000209",
    "^E0[6-9][0-9]{6}$": "a district, unitary, metropolitan or London borough's GSS code, "
    "such as E07000209",
    "^E10[0-9]{6}$": "a county council's GSS code, such as E10000030",
    "^E12[0-9]{6}$": "a region's GSS code, such as E12000008",
    "^E01[0-9]{6}$": "a Lower layer Super Output Area's (LSOA) code, such as E01030413",
    "^E(0[6-9]|10)[0-9]{6}( ?; ?E(0[6-9]|10)[0-9]{6})*$": "one or more councils' GSS codes "
    "separated by semicolons, such as E07000209;E07000217",
    "^20[0-9]{2}-[0-9]{2}$": "a financial year written like 2023-24",
    "^https?://[^\\s]+$": "a web address starting http:// or https://",
    "^[a-z0-9]+(-[a-z0-9]+)*$": "lower-case letters and numbers, words joined by hyphens",
    "^[A-Z]{1,2}[0-9][A-Z0-9]?( [0-9][A-Z]{2})?$": "a postcode or its first half, in capitals, "
    "such as GU1 4LH or GU1",
    "^[0-9]{1,12}$": "a whole number of up to 12 digits (a UPRN)",
    "^([0-9]{8}|[A-Z]{2}[0-9]{6})$": "a Companies House number: eight digits, or two letters "
    "and six digits",
    "^([0-9]{6,7}|SC[0-9]{6})$": "a charity number: six or seven digits, or SC and six digits",
}
_BOLD = Font(bold=True)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


class TemplateFormatError(LgrShareError):
    code = "template-format-unknown"
    title = "Templates can be made as csv or xlsx only"
    status = 400


class TemplateWriteError(LgrShareError):
    code = "template-not-written"
    title = "The template file could not be written"
    status = 500


def template_filename(standard: Standard, *, fmt: TemplateFormat) -> str:
    """Return the file name a template is offered under, e.g. ``council-tax-base.xlsx``."""
    return f"{standard.name}.{fmt}"


def template_bytes(standard: Standard, *, fmt: TemplateFormat) -> bytes:
    """Return the template for ``standard`` as file content; raises ``TemplateFormatError``."""
    if fmt == "csv":
        return _csv_bytes(standard)
    if fmt == "xlsx":
        return _xlsx_bytes(standard)
    raise TemplateFormatError(f"Unknown template format {fmt!r}: use csv or xlsx.")


def write_template(standard: Standard, *, fmt: TemplateFormat, path: Path) -> None:
    """Write the template to ``path``, replacing any file there, all or nothing.

    Raises ``TemplateFormatError`` for an unknown format and ``TemplateWriteError`` when the file
    cannot be written (missing folder, no permission); a failed write leaves no partial file.
    """
    content = template_bytes(standard, fmt=fmt)
    # A sibling temporary file, renamed over the target: readers never see half a workbook. Made
    # with open(), not mkstemp, so it gets the user's usual permissions rather than 0600.
    temp_path = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(temp_path, "xb") as out:
            out.write(content)
        os.replace(temp_path, path)
    except OSError as exc:
        temp_path.unlink(missing_ok=True)
        raise TemplateWriteError(f"Cannot write {path}: {exc.strerror or exc}.") from exc


def constraint_summary(
    field: FieldSpec, *, required: bool = True, pattern_in_words: bool = False
) -> str:
    """Return the field's constraints in words, e.g. ``required; unique; minimum 0`` (without
    ``required`` when ``required`` is false, for a page that says it apart). A pattern is its
    regular expression, or with ``pattern_in_words`` (for pages) a plain description."""
    constraints = field.constraints
    parts: list[str] = []
    if field.required and required:
        parts.append("required")
    if constraints.get("unique"):
        parts.append("unique")
    for key, label in _CONSTRAINT_WORDS.items():
        if key in constraints:
            parts.append(label.format(constraints[key]))
    if "pattern" in constraints and pattern_in_words:
        pattern = str(constraints["pattern"])
        parts.append(PATTERN_WORDS.get(pattern, "in the format of the example"))
    elif "pattern" in constraints:
        parts.append(f"matches {constraints['pattern']}")
    if "enum" in constraints:
        parts.append("one of: " + ", ".join(str(v) for v in constraints["enum"]))
    if field.code_list:
        parts.append(f"in code list {field.code_list}")
    return "; ".join(parts)


def example_row(standard: Standard) -> list[str]:
    """Return one row of cells built from each field's example, as they would be typed."""
    return [field.example for field in standard.fields]


def dropdown_values(field: FieldSpec) -> list[str]:
    """Return the values offered in the field's drop-down, or ``[]`` if it has none.

    Enum fields offer their values; boolean fields offer the first true and false spellings the
    standard accepts (``Yes``/``No`` in the built-in standards).
    """
    enum = field.constraints.get("enum")
    if enum:
        return [str(value) for value in enum]
    if field.type == "boolean":
        return [field.true_values[0], field.false_values[0]]
    return []


def _csv_bytes(standard: Standard) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([field.name for field in standard.fields])
    return buffer.getvalue().encode("utf-8")


def _xlsx_bytes(standard: Standard) -> bytes:
    workbook = Workbook()
    data = workbook.active
    assert data is not None  # a new Workbook always has one sheet
    data.title = DATA_SHEET
    guidance = workbook.create_sheet(GUIDANCE_SHEET)
    about = workbook.create_sheet(ABOUT_SHEET)
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"

    _fill_data_sheet(standard, data, lists)
    _fill_guidance_sheet(standard, guidance)
    _fill_about_sheet(standard, about)
    for sheet in (data, guidance, about):
        # Government Security Classifications: mark every printed page.
        sheet.oddHeader.center.text = standard.sensitivity
        sheet.oddFooter.center.text = standard.sensitivity

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill_data_sheet(standard: Standard, data: Worksheet, lists: Worksheet) -> None:
    list_column = 0
    for index, field in enumerate(standard.fields, start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=1, column=index, value=field.name)
        cell.font = _BOLD
        note = f"{field.title or field.name}\n\n{field.description}".strip()
        cell.comment = Comment(note, "LGR Share", width=360, height=220)
        width = max(len(field.name), len(field.example)) + 3
        data.column_dimensions[letter].width = min(max(width, 12), 50)
        number_format = _NUMBER_FORMATS.get(field.type)
        if number_format:
            data.column_dimensions[letter].number_format = number_format

        values = dropdown_values(field)
        if not values:
            continue
        list_column += 1
        list_letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=field.name).font = _BOLD
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=list_column, value=value)
        source = f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$2:${list_letter}${len(values) + 1}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Not in the list",
            error=f"{field.name}: choose one of the values in the drop-down list.",
        )
        validation.add(f"{letter}2:{letter}{_LAST_EXCEL_ROW}")
        data.add_data_validation(validation)
    data.freeze_panes = "A2"


def _fill_guidance_sheet(standard: Standard, guidance: Worksheet) -> None:
    guidance.append(list(GUIDANCE_HEADER))
    for cell in guidance[1]:
        cell.font = _BOLD
    for field in standard.fields:
        guidance.append(
            [
                field.name,
                field.title,
                _type_label(field),
                "Yes" if field.required else "No",
                field.unit,
                constraint_summary(field),
                field.code_list or "",
                field.description,
                field.example,
            ]
        )
    widths = (28, 30, 12, 10, 18, 40, 14, 90, 24)
    for index, width in enumerate(widths, start=1):
        guidance.column_dimensions[get_column_letter(index)].width = width
    for row in guidance.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = _WRAP_TOP
    guidance.freeze_panes = "B2"


def _fill_about_sheet(standard: Standard, about: Worksheet) -> None:
    blanks = ", ".join(f'"{value}"' for value in standard.missing_values) or '""'
    rows: Sequence[tuple[str, Any]] = (
        ("Standard", standard.title),
        ("Name", standard.name),
        ("Version", standard.version),
        ("Description", standard.description),
        ("Geography level", standard.geography_level),
        ("Personal data", standard.personal_data),
        ("Sensitivity", standard.sensitivity),
        ("Primary key", ", ".join(standard.primary_key)),
        ("Values read as blank", blanks),
        (
            "How to fill it in",
            "Enter one row per record on the Data sheet, starting at row 2. Keep the header row "
            "exactly as it is. The Guidance sheet explains every column. Save as .xlsx or CSV and "
            f"check the file before you send it: lgrshare validate FILE --standard {standard.name}",
        ),
    )
    for label, value in rows:
        about.append([label, value])
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 100
    for label_cell, value_cell in about.iter_rows():
        label_cell.font = _BOLD
        label_cell.alignment = _WRAP_TOP
        value_cell.alignment = _WRAP_TOP


def _type_label(field: FieldSpec) -> str:
    return field.type if field.format == "default" else f"{field.type} ({field.format})"

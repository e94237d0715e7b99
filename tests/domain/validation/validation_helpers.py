"""Constants and helpers shared by the validator's tests (imported by module name)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl

from lgrshare.domain.validation import Report
from lgrshare.domain.validation.csv_fast import FastPathFailed

# Every type and constraint, small enough to read: one row per council service line.
SCHEMA: dict[str, Any] = {
    "name": "test-lines",
    "title": "Test lines",
    "version": "1.0.0",
    "geography_level": "council",
    "personal_data": "none",
    "sensitivity": "OFFICIAL",
    "schema": {
        "fields": [
            {"name": "id", "type": "string", "constraints": {"required": True, "unique": True,
                                                            "pattern": "L[0-9]{3}"}},
            {"name": "lad", "type": "string", "codeList": "gss:lad"},
            {"name": "amount", "type": "number", "groupChar": ",",
             "constraints": {"minimum": 0, "maximum": 1000}},
            {"name": "count", "type": "integer", "constraints": {"required": True, "minimum": 0}},
            {"name": "when", "type": "date"},
            {"name": "period", "type": "yearmonth"},
            {"name": "flag", "type": "boolean", "trueValues": ["Yes"], "falseValues": ["No"]},
            {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"],
                                                              "maxLength": 1}},
        ],
        "missingValues": ["", "[x]"],
    },
}  # fmt: skip
HEADER = "id,lad,amount,count,when,period,flag,kind"
GOOD_ROW = "L001,E07000209,12.50,3,2024-05-01,2024-05,Yes,a"


def found(report: Report) -> set[tuple[str, int | None, str | None]]:
    """Return the report's errors as ``(code, row, field)``."""
    return {(error.code, error.row, error.field) for error in report.errors}


def read_record_by_record(*args: object, **kwargs: object) -> Iterator[object]:
    """Stand in for the fast reader (``engine.fast_batches``): the engine then reads the file
    with the exact one, record by record."""
    raise FastPathFailed("test: read record by record")
    yield


def workbook(path: Path, rows: list[list[object]], *, sheets: tuple[str, ...] = ("Data",)) -> Path:
    """Write ``rows`` to the first sheet of a new workbook at ``path`` (more ``sheets`` hold
    something else) and return ``path``."""
    book = openpyxl.Workbook()
    book.active.title = sheets[0]
    for row in rows:
        book.active.append(row)
    for name in sheets[1:]:
        book.create_sheet(name).append(["nothing", "here"])
    book.save(path)
    return path


def edit_part(path: Path, name: str, edit: Callable[[bytes], bytes]) -> None:
    """Rewrite part ``name`` of the workbook at ``path`` with ``edit`` (given ``b""`` for a new
    part), for what openpyxl cannot write."""
    with zipfile.ZipFile(path) as archive:
        parts = {part: archive.read(part) for part in archive.namelist()}
    parts[name] = edit(parts.get(name, b""))
    with zipfile.ZipFile(path, "w") as archive:
        for part, data in parts.items():
            archive.writestr(part, data)

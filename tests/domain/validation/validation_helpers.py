"""Constants and helpers shared by the validator's tests (imported by module name)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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

"""A wide table is checked a slice of fields at a time (``engine._Sliced``): what a user sees of
it is what they would see of the same table checked whole. (Side by side with frictionless-py:
``tests/conformance/test_wide.py``.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lgrshare.domain.standards.model import Standard, parse_standard
from lgrshare.domain.validation import profile as profile_module
from lgrshare.domain.validation import validate
from lgrshare.domain.validation.engine import WIDE_READ, WIDE_SLICE
from lgrshare.domain.validation.profile import EXACT_DISTINCT, profilers_for
from tests.domain.validation.validation_helpers import workbook

COLUMNS = 600  # three slices, read by Polars
VERY_WIDE = WIDE_READ + 52  # nine slices, read by the csv module


def _standard(columns: int, **schema: Any) -> Standard:
    fields = [{"name": f"c{j}", "type": "integer" if j % 2 else "string"} for j in range(columns)]
    return parse_standard({"schema": {"fields": fields, **schema}}, default_name="wide")


def _cells(i: int, columns: int) -> list[str]:
    return [str(i * 10 + j) if j % 2 else f"t{i}" for j in range(columns)]


def _write(tmp_path: Path, columns: int, rows: list[list[str]]) -> Path:
    path = tmp_path / "wide.csv"
    lines = [",".join(f"c{j}" for j in range(columns)), *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_widths_cross_both_thresholds() -> None:
    assert WIDE_SLICE < COLUMNS < WIDE_READ < VERY_WIDE


def test_row_errors_are_counted_once_however_many_slices(tmp_path: Path) -> None:
    for columns in (COLUMNS, VERY_WIDE):
        rows = [
            _cells(1, columns),
            [""] * columns,  # blank
            _cells(3, columns)[:-4],  # four cells short
            [*_cells(4, columns), "over"],  # one cell over
        ]

        report = validate(_write(tmp_path, columns, rows), _standard(columns))

        assert report.stats["counts"] == {"blank-row": 1, "missing-cell": 4, "extra-cell": 1}
        missing = [error.field for error in report.errors if error.code == "missing-cell"]
        assert missing == [f"c{j}" for j in range(columns - 4, columns)]


def test_a_missing_cell_past_the_first_slice_names_its_field(tmp_path: Path) -> None:
    labels = [f"c{j}" for j in range(COLUMNS)]
    labels[COLUMNS - 10] = "wrong_far"  # matched by its place: checked as the field
    path = tmp_path / "wide.csv"
    short = _cells(2, COLUMNS)[: COLUMNS - 12]
    path.write_text(f"{','.join(labels)}\n{','.join(short)}\n", encoding="utf-8")

    report = validate(path, _standard(COLUMNS))

    missing = [(e.field, e.field_number) for e in report.errors if e.code == "missing-cell"]
    assert missing[2] == (f"c{COLUMNS - 10}", COLUMNS - 9)
    assert report.errors[0].code == "incorrect-label"
    assert f"Row 2 has {COLUMNS - 12} cells, not {COLUMNS}" in report.errors[1].message


def test_errors_listed_are_the_first_by_row_across_slices(tmp_path: Path) -> None:
    rows = [_cells(i, VERY_WIDE) for i in range(1, 6)]
    rows[3][VERY_WIDE - 1] = "late"  # row 5, the last slice
    rows[1][1] = "early"  # row 3, the first slice
    rows[2][1001] = "middle"  # row 4, a middle slice
    rows[0][1] = "first"  # row 2

    report = validate(_write(tmp_path, VERY_WIDE, rows), _standard(VERY_WIDE), max_errors=3)

    assert report.stats["error_count"] == 4
    assert [(e.row, e.field, e.cell) for e in report.errors] == [
        (2, "c1", "first"),
        (3, "c1", "early"),
        (4, "c1001", "middle"),
    ]
    assert report.stats["errors_capped"]


def test_a_rule_across_the_first_and_last_fields(tmp_path: Path) -> None:
    # c1 and the last field are far apart: the rule puts both in the first slice.
    last = f"c{VERY_WIDE - 1}"
    rule = {"type": "compare", "id": "last-above-first", "field": last, "operator": ">",
            "other": "c1"}  # fmt: skip
    standard = _standard(VERY_WIDE, **{"lgrshare:rules": [rule]})
    rows = [_cells(1, VERY_WIDE), _cells(2, VERY_WIDE)]
    rows[1][VERY_WIDE - 1] = "0"

    report = validate(_write(tmp_path, VERY_WIDE, rows), standard)

    assert [(e.code, e.row, e.constraint, dict(e.values)) for e in report.errors] == [
        ("row-rule-error", 3, "last-above-first", {last: "0", "c1": "21"})
    ]


def test_a_far_fields_profile_is_its_own(tmp_path: Path) -> None:
    rows = [_cells(i, COLUMNS) for i in range(1, 5)]
    rows[3][COLUMNS - 1] = ""
    rows[2][COLUMNS - 1] = rows[0][COLUMNS - 1]

    report = validate(_write(tmp_path, COLUMNS, rows), _standard(COLUMNS))

    profile = {p.name: p for p in report.profile}[f"c{COLUMNS - 1}"]
    assert (profile.filled, profile.distinct, profile.min, profile.max) == (3, 2, 609, 619)
    assert profile.most_common == (("609", 2), ("619", 1))
    assert [p.name for p in report.profile] == [f"c{j}" for j in range(COLUMNS)]


def test_a_wide_workbook_names_the_sheets_own_cell(tmp_path: Path) -> None:
    columns = COLUMNS
    rows: list[list[object]] = [[f"c{j}" for j in range(columns)]]
    rows += [[int(c) if j % 2 else c for j, c in enumerate(_cells(i, columns))] for i in (1, 2)]
    rows[2][columns - 1] = "nope"  # column 600 (WB)
    rows.insert(2, [None] * columns)  # a blank row: the sheet's rows keep their numbers
    path = workbook(tmp_path / "wide.xlsx", rows)

    report = validate(path, _standard(columns))

    assert [(e.code, e.row, e.field, e.field_number) for e in report.errors] == [
        ("blank-row", 3, None, None),
        ("type-error", 4, f"c{columns - 1}", columns),
    ]


def test_a_wide_tables_profiles_share_a_budget() -> None:
    narrow = profilers_for(_standard(12).fields)
    wide = profilers_for(_standard(4_000).fields)

    assert {(p.exact, p.keep) for p in narrow} == {(EXACT_DISTINCT, 10_000)}
    assert {(p.exact, p.keep) for p in wide} == {(1_048, 62)}


def test_a_wide_tables_distinct_count_is_an_estimate_past_its_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The smallest share (1,024 hashes a field) without a table of a hundred thousand fields.
    monkeypatch.setattr(profile_module, "TABLE_HASHES", 1)
    rows = [[str(i) if j == 1 else "" for j in range(COLUMNS)] for i in range(2_000)]

    report = validate(_write(tmp_path, COLUMNS, rows), _standard(COLUMNS))

    profile = {p.name: p for p in report.profile}["c1"]
    assert not profile.distinct_exact
    assert 1_800 < profile.distinct < 2_200
    assert {p.name: p for p in report.profile}["c3"].distinct_exact

"""A wide table (thousands of columns, a few rows) is read and checked as frictionless-py reads
it. Its time and memory are measured by ``bench/validate.py --wide`` (no timing here).

A table of more than 256 columns is checked 256 fields at a time, and one of more than 2,048 is
read by Python's csv module (``engine.WIDE_SLICE``, ``WIDE_READ``): each width below crosses one
or both, so errors in the first slice, a middle one and the last, a blank row, missing and extra
cells (counted once, not once per slice), quoted cells and a key on a far field are all compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.reference import side_by_side

COLUMNS = 3_000


def _schema(columns: int = COLUMNS) -> dict[str, object]:
    return {
        "fields": [
            {"name": f"c{j}", "type": "integer" if j % 2 else "string"} for j in range(columns)
        ]
        + [{"name": "id", "type": "integer", "constraints": {"unique": True, "maximum": 9}}]
    }


def _row(i: int, *, bad: int | None = None, columns: int = COLUMNS) -> str:
    cells = ["x" if j == bad else (str(i + j) if j % 2 else f"t{i}") for j in range(columns)]
    return ",".join([*cells, str(i)])


def test_a_wide_table_is_checked_as_frictionless_checks_it(tmp_path: Path) -> None:
    header = ",".join([*(f"c{j}" for j in range(COLUMNS)), "id"])
    rows = [_row(1), _row(2, bad=2_999), _row(1), _row(10, bad=1)]
    content = "\n".join([header, *rows]) + "\n"

    got, expected = side_by_side(tmp_path, _schema(), content)

    assert got == expected
    assert got.findings == {
        ("type-error", 3),
        ("unique-error", 4),
        ("type-error", 5),
        ("constraint-error", 5),
    }


@pytest.mark.parametrize("columns", [300, 2_100])
def test_every_slice_of_a_wide_table_is_checked_and_row_errors_counted_once(
    tmp_path: Path, columns: int
) -> None:
    header = ",".join([*(f"c{j}" for j in range(columns)), "id"])
    width = columns + 1
    rows = [
        _row(1, bad=1, columns=columns),  # the first slice
        _row(2, bad=columns // 2 + 1, columns=columns),  # a middle one
        "," * (width - 1),  # a blank row
        _row(4, bad=columns - 1, columns=columns),  # the last slice
        ",".join(_row(5, columns=columns).split(",")[: width - 3]),  # three cells short
        _row(6, columns=columns) + ",extra,more",  # two cells over
        _row(7, columns=columns).replace("t7", '"t,7"', 1),  # a quoted cell with a comma
        _row(4, columns=columns),  # the key of row 5 again
    ]
    content = "\n".join([header, *rows]) + "\n"

    got, expected = side_by_side(tmp_path, _schema(columns), content)

    assert got == expected
    assert {code for code, _ in got.findings} == {
        "type-error", "blank-row", "missing-cell", "extra-cell", "unique-error",
    }  # fmt: skip


def test_a_primary_key_on_a_far_field_of_a_very_wide_table(tmp_path: Path) -> None:
    columns = 2_100
    schema = _schema(columns)
    schema["primaryKey"] = ["c2099"]
    header = ",".join([*(f"c{j}" for j in range(columns)), "id"])
    rows = [_row(1, columns=columns), _row(2, columns=columns), _row(1, columns=columns)]
    rows[2] = rows[2][: rows[2].rfind(",")] + ",3"  # the id differs; the key c2099 repeats

    got, expected = side_by_side(tmp_path, schema, "\n".join([header, *rows]) + "\n")

    assert got == expected
    assert got.findings == {("primary-key", 4)}

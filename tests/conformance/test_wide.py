"""A wide table (thousands of columns, a few rows) is read and checked as frictionless-py reads
it. Its time and memory are measured by ``bench/validate.py --wide`` (no timing here)."""

from __future__ import annotations

from pathlib import Path

from tests.conformance.reference import side_by_side

COLUMNS = 3_000


def _schema() -> dict[str, object]:
    return {
        "fields": [
            {"name": f"c{j}", "type": "integer" if j % 2 else "string"} for j in range(COLUMNS)
        ]
        + [{"name": "id", "type": "integer", "constraints": {"unique": True, "maximum": 9}}]
    }


def _row(i: int, *, bad: int | None = None) -> str:
    cells = ["x" if j == bad else (str(i + j) if j % 2 else f"t{i}") for j in range(COLUMNS)]
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

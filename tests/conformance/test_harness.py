"""The harness itself: both validators agree on the cases they already read the same way."""

from __future__ import annotations

from pathlib import Path

from tests.conformance.reference import side_by_side

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "amount", "type": "number", "constraints": {"minimum": 0}},
        {"name": "name", "type": "string", "constraints": {"maxLength": 5}},
    ],
    "primaryKey": ["id"],
}


def test_a_clean_table_is_valid_on_both_sides(tmp_path: Path) -> None:
    got, expected = side_by_side(tmp_path, SCHEMA, "id,amount,name\n1,0.5,a\n2,3,b\n")

    assert got == expected
    assert got.valid


def test_type_and_constraint_errors_land_on_the_same_rows(tmp_path: Path) -> None:
    got, expected = side_by_side(tmp_path, SCHEMA, "id,amount,name\n1,x,a\n2,-1,b\n3,4,toolong\n")

    assert got == expected
    assert ("type-error", 2) in got.findings
    assert ("constraint-error", 3) in got.findings
    assert ("constraint-error", 4) in got.findings

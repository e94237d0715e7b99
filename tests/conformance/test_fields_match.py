"""``fieldsMatch`` (issue 19, item 6; Table Schema v2): columns are matched to fields by name
whatever their order unless a standard asks otherwise; when it does, each mode is checked as
frictionless-py 5.21 checks it, and a column out of place is reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lgrshare.domain.standards.model import parse_standard
from lgrshare.domain.standards.problems import StandardInvalid
from lgrshare.domain.validation import validate
from tests.conformance.reference import Verdict, side_by_side

FIELDS: list[dict[str, Any]] = [
    {"name": "id", "type": "integer", "constraints": {"required": True}},
    {"name": "name", "type": "string"},
    {"name": "amount", "type": "number"},
]
# (mode, content): each a header that one mode or another accepts, and a type error on row 3.
CASES = {
    ("exact", "in order"): "id,name,amount\n1,a,2\nx,b,3\n",
    ("exact", "out of order"): "name,id,amount\na,1,2\nb,x,3\n",
    ("exact", "extra column"): "id,name,amount,note\n1,a,2,n\nx,b,3,n\n",
    ("exact", "missing column"): "id,name\n1,a\nx,b\n",
    ("equal", "out of order"): "amount,name,id\n2,a,1\n3,b,x\n",
    ("equal", "extra column"): "note,id,name,amount\nn,1,a,2\nn,x,b,3\n",
    ("equal", "missing column"): "id,amount\n1,2\nx,3\n",
    ("subset", "extra column"): "note,amount,id,name\nn,2,1,a\nn,3,x,b\n",
    ("subset", "missing column"): "name,id\na,1\nb,x\n",
    ("superset", "missing optional column"): "amount,id\n2,1\n3,x\n",
    ("superset", "missing required column"): "name,amount\na,2\nb,x\n",
    ("superset", "extra column"): "id,note\n1,n\nx,n\n",
    ("partial", "some columns"): "note,id\nn,1\nn,x\n",
    ("partial", "no column of the standard"): "a,b\n1,2\nx,3\n",
}


@pytest.mark.parametrize(("mode", "case"), CASES)
def test_fields_match_as_frictionless_checks_it(tmp_path: Path, mode: str, case: str) -> None:
    schema = {"fields": FIELDS, "fieldsMatch": mode}

    got, expected = side_by_side(tmp_path, schema, CASES[mode, case])

    assert got == expected


def test_a_column_out_of_place_is_reported_by_position(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("id,amount,name\n1,2,a\n")
    standard = parse_standard(
        {"schema": {"fields": FIELDS, "fieldsMatch": "exact"}}, default_name="ordered"
    )

    report = validate(path, standard)

    # Checked as the standard's order says: column 3 ("a") is the amount, so not a number.
    assert [(e.code, e.row, e.field_number, e.field) for e in report.errors] == [
        ("incorrect-label", 1, 2, "name"),
        ("incorrect-label", 1, 3, "amount"),
        ("type-error", 2, 3, "amount"),
    ]
    assert "column 2 should be 'name'" in report.errors[0].message


def by_name_is_the_default(theirs: Verdict) -> Verdict:
    """frictionless-py 5.21 pairs columns and fields by position when a schema says nothing
    (``fieldsMatch`` "exact"), so a file with its columns in another order is full of label
    and type errors; lgrshare pairs them by name unless the standard asks for ``exact``, so the
    same file is valid (councils' exports rarely keep a standard's column order)."""
    assert ("incorrect-label", 1) in theirs.findings
    return Verdict(True)


def test_matching_by_name_stays_the_default(tmp_path: Path) -> None:
    got, expected = side_by_side(
        tmp_path,
        {"fields": FIELDS},
        "amount,name,id\n2,a,1\n3,b,2\n",
        differences=by_name_is_the_default,
    )

    assert got == expected


def test_an_unknown_fields_match_is_refused_with_the_standard() -> None:
    with pytest.raises(StandardInvalid, match='"fieldsMatch" must be one of'):
        parse_standard({"fields": FIELDS, "fieldsMatch": "loose"}, default_name="bad")

"""``foreignKeys``: a table's references to itself are checked across the whole file as
frictionless-py checks them; a reference to a code list is checked against the ONS list; one
to another resource is said to be unchecked, never passed over."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import frictionless
import pytest

from lgrshare.domain.standards.model import parse_standard
from lgrshare.domain.standards.problems import StandardInvalid
from lgrshare.domain.validation import validate
from lgrshare.domain.validation.references import Resource
from tests.conformance.reference import side_by_side

TREE = {
    "fields": [{"name": "id", "type": "integer"}, {"name": "parent", "type": "integer"}],
    "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}],
}


def test_a_self_reference_to_a_missing_row_is_an_error(tmp_path: Path) -> None:
    # A missing parent is no reference; a parent that is not an integer is a type error only.
    got, expected = side_by_side(tmp_path, TREE, "id,parent\n1,\n2,1\n3,7\n4,x\n5,4\n")

    assert got == expected
    assert got.findings == {("foreign-key", 4), ("type-error", 5)}


def test_a_reference_to_a_later_row_is_found(tmp_path: Path) -> None:
    got, expected = side_by_side(tmp_path, TREE, "id,parent\n1,3\n2,1\n3,2\n")

    assert got == expected
    assert got.valid


def test_a_composite_reference_matches_its_missing_values_too(tmp_path: Path) -> None:
    schema = {
        "fields": [
            {"name": "a", "type": "string"},
            {"name": "b", "type": "string"},
            {"name": "pa", "type": "string"},
            {"name": "pb", "type": "string"},
        ],
        "foreignKeys": [
            {"fields": ["pa", "pb"], "reference": {"resource": "", "fields": ["a", "b"]}}
        ],
    }
    content = "a,b,pa,pb\nx,1,,\ny,,x,1\nz,2,y,\nw,3,z,3\nv,4,,4\n"

    got, expected = side_by_side(tmp_path, schema, content)

    assert got == expected
    assert got.findings == {("foreign-key", 5), ("foreign-key", 6)}


def test_two_fields_referencing_each_other_are_checked_once_each(tmp_path: Path) -> None:
    # A loop (a → b, b → a) is two lookups over one file: nothing is followed round it.
    schema = {
        "fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}],
        "foreignKeys": [
            {"fields": "a", "reference": {"resource": "", "fields": "b"}},
            {"fields": "b", "reference": {"resource": "", "fields": "a"}},
        ],
    }

    got, expected = side_by_side(tmp_path, schema, "a,b\n1,2\n2,1\n3,1\n")

    assert got == expected
    assert got.findings == {("foreign-key", 4)}


def _check(tmp_path: Path, schema: dict[str, Any], content: str) -> Any:
    path = tmp_path / "table.csv"
    path.write_text(content, encoding="utf-8")
    return validate(path, parse_standard(schema, default_name="references"))


def test_a_reference_to_a_code_list_is_checked_against_it(tmp_path: Path) -> None:
    # frictionless-py cannot check this (it knows no ONS code lists): lgrshare's own.
    schema = {
        "fields": [{"name": "lad", "type": "string"}, {"name": "n", "type": "integer"}],
        "foreignKeys": [{"fields": "lad", "reference": {"resource": "gss:lad", "fields": "code"}}],
    }

    report = _check(tmp_path, schema, "lad,n\nE07000209,1\nE07999999,2\n,3\n")

    assert [(e.code, e.row, e.field, e.cell) for e in report.errors] == [
        ("foreign-key-error", 3, "lad", "E07999999")
    ]


def test_a_reference_to_another_resource_is_said_to_be_unchecked(tmp_path: Path) -> None:
    # frictionless-py stops ("package is required"); lgrshare checks the file and says which
    # references it could not check, so that "valid" is never silent about them.
    schema = {
        "fields": [{"name": "lad", "type": "string"}],
        "foreignKeys": [{"fields": "lad", "reference": {"resource": "councils", "fields": "c"}}],
    }

    report = _check(tmp_path, schema, "lad\nE07000209\n")

    assert report.valid
    assert report.file["references_unchecked"] == ["lad → councils (c)"]


@pytest.mark.parametrize(
    ("keys", "words"),
    [
        ("parent", '"foreignKeys" must be a list'),
        ([{"fields": "nope", "reference": {"resource": "", "fields": "id"}}], "nope"),
        ([{"fields": "parent", "reference": {"resource": "", "fields": "gone"}}], "gone"),
        ([{"fields": "parent", "reference": {"resource": "", "fields": ["id", "id"]}}], "pair"),
        ([{"fields": "parent"}], "reference"),
        ([{"fields": "parent", "reference": {"resource": "", "fields": "id"}}] * 101, "at most"),
    ],
)
def test_a_foreign_key_that_cannot_be_checked_is_refused(keys: Any, words: str) -> None:
    with pytest.raises(StandardInvalid) as raised:
        parse_standard({**TREE, "foreignKeys": keys}, default_name="tree")

    assert raised.value.code == "foreign-key-invalid"
    assert words in raised.value.message


def test_a_reference_to_another_resource_given_is_checked(tmp_path: Path) -> None:
    councils = {"fields": [{"name": "code", "type": "string"}, {"name": "name", "type": "string"}]}
    spending = {
        "fields": [{"name": "council", "type": "string"}, {"name": "amount", "type": "number"}],
        "foreignKeys": [
            {"fields": "council", "reference": {"resource": "councils", "fields": "code"}}
        ],
    }
    (tmp_path / "councils.csv").write_text(
        "code,name\nE07000209,Guildford\nE07000214,Surrey Heath\n", encoding="utf-8"
    )
    (tmp_path / "spending.csv").write_text(
        "council,amount\nE07000209,1\nE07999999,2\n,3\nE07000214,4\n", encoding="utf-8"
    )
    package = frictionless.Package(
        resources=[
            frictionless.Resource(
                name=name, path=f"{name}.csv", schema=frictionless.Schema.from_descriptor(schema)
            )
            for name, schema in (("councils", councils), ("spending", spending))
        ],
        basepath=str(tmp_path),
    )
    theirs = package.get_resource("spending").validate()

    report = validate(
        tmp_path / "spending.csv",
        parse_standard(spending, default_name="spending"),
        resources={
            "councils": Resource(
                tmp_path / "councils.csv", parse_standard(councils, default_name="councils")
            )
        },
    )

    assert (
        [(e.code, e.row) for e in report.errors]
        == [(f"{kind}-error", row) for kind, row in theirs.flatten(["type", "rowNumber"])]
        == [("foreign-key-error", 3)]
    )
    assert "references_unchecked" not in report.file

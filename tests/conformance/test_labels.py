"""Header labels (issue 19, item 5): whitespace around a label is stripped before matching, as
frictionless does, and noted in the report rather than made an error; a header with no rows has
its own code, ``no-rows``."""

from __future__ import annotations

from pathlib import Path

from lgrshare.domain.standards.model import parse_standard
from lgrshare.domain.validation import validate
from lgrshare.domain.validation.report import read_as
from tests.conformance.reference import Verdict, side_by_side

SCHEMA = {
    "fields": [
        {"name": "cid", "type": "integer"},
        {"name": "Codice NUTS2 2010 (3)", "type": "string"},
    ]
}


def test_spaces_around_labels_are_stripped_on_both_sides(tmp_path: Path) -> None:
    content = " cid,Codice NUTS2 2010 (3) \n1,ITC1\nx,ITC2\n"

    got, expected = side_by_side(tmp_path, SCHEMA, content)

    assert got == expected
    assert got.findings == {("type-error", 3)}


def test_stripped_labels_are_noted_in_the_report(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("\tcid ,Codice NUTS2 2010 (3)\n1,ITC1\n")

    report = validate(path, parse_standard({"schema": SCHEMA}, default_name="labels"))

    assert report.valid
    assert report.file["labels_stripped"] == ["cid"]
    assert "spaces around the labels 'cid' ignored" in read_as(report.file)


def test_a_label_that_differs_by_more_than_spaces_is_still_reported(tmp_path: Path) -> None:
    got, expected = side_by_side(tmp_path, SCHEMA, " CID ,Codice NUTS2 2010 (3)\n1,ITC1\n")

    assert got == expected
    assert got.findings == {("incorrect-label", 1)}


def no_rows_is_an_error(theirs: Verdict) -> Verdict:
    """frictionless-py 5.21 finds a table with a header and no rows valid; lgrshare reports it
    (``no-rows``): a submission with nothing in it is a template not yet filled in, not data to
    share."""
    assert theirs == Verdict(True)
    return Verdict(False, frozenset({("no-rows", None)}))


def test_a_header_with_no_rows_has_its_own_code(tmp_path: Path) -> None:
    got, expected = side_by_side(
        tmp_path, SCHEMA, "cid,Codice NUTS2 2010 (3)\n", differences=no_rows_is_an_error
    )

    assert got == expected


def test_no_rows_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("cid,Codice NUTS2 2010 (3)\r\n")

    report = validate(path, parse_standard({"schema": SCHEMA}, default_name="labels"))

    (error,) = report.errors
    assert error.code == "no-rows"
    assert "no data rows" in error.message
    assert report.readable

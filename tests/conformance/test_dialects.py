"""CSV dialects (issue 19, item 4): a standard's ``dialect`` is read as frictionless-py reads
it, row numbers included; a dialect Python's csv module could not use is refused when the
standard is parsed; and the default dialect keeps the fast reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lgrshare.domain.standards.dialect import DialectInvalid
from lgrshare.domain.standards.model import parse_standard
from lgrshare.domain.validation import csv_fast, engine, validate
from lgrshare.domain.validation.report import read_as
from tests.conformance.reference import Verdict, side_by_side

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "name", "type": "string", "constraints": {"maxLength": 8}},
    ]
}

# (dialect, content): each table has a type error, and most something else, on known rows.
CASES: dict[str, tuple[dict[str, Any], str]] = {
    "semicolon": ({"delimiter": ";"}, "id;name\n1;a,b\nx;c\n3;toolongname\n"),
    "tab": ({"delimiter": "\t"}, "id\tname\n1\ta\nx\tb\n"),
    "pipe, CRLF": ({"delimiter": "|", "lineTerminator": "\r\n"}, "id|name\r\n1|a\r\nx|b\r\n"),
    "single quotes": ({"quoteChar": "'"}, "id,name\n1,'a,b'\nx,'c'\n3,'it''s'\n"),
    "escape char": ({"escapeChar": "\\"}, 'id,name\n1,a\\,b\nx,b\n3,"q\\"q"\n'),
    "escape, no doubling": (
        {"escapeChar": "\\", "doubleQuote": False},
        'id,name\n1,"a\\"b"\nx,b\n',
    ),
    "doubleQuote false alone is ignored": ({"doubleQuote": False}, 'id,name\n1,"a""b"\nx,b\n'),
    "skip initial space": ({"skipInitialSpace": True}, 'id, name\n1, "a, b"\nx, b\n'),
    "comment char before the header": ({"commentChar": "#"}, "# made 2024\nid,name\n1,a\nx,b\n"),
    "comment char among the rows": ({"commentChar": "#"}, "id,name\n#1,a\nx,b\n# end\n4,c\n"),
    "comment rows": ({"commentRows": [1, 4]}, "title\nid,name\n1,a\nnote,x\nx,b\n"),
    "header on row 2": ({"headerRows": [2]}, "Council returns 2024\nid,name\n1,a\nx,b\n"),
    "two header rows joined": (
        {"headerRows": [1, 2], "headerJoin": ""},
        "i,na\nd,me\n1,a\nx,b\n",
    ),
    "merged header cells": (
        {"headerRows": [1, 2], "headerJoin": "_"},
        "id,name\nid,name\n1,a\nx,b\n",
    ),
    "no header": ({"header": False}, "1,a\nx,b\n3,toolongname\n"),
    "no header, short row": ({"header": False}, "1,a\n2\nx,b,c\n"),
    "blank rows": ({"commentChar": "#"}, "id,name\n1,a\n\nx,b\n"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_dialect_is_read_as_frictionless_reads_it(tmp_path: Path, case: str) -> None:
    dialect, content = CASES[case]

    got, expected = side_by_side(tmp_path, SCHEMA, content, dialect=dialect)

    assert got == expected
    assert not got.valid


def quoting_off_is_read(theirs: Verdict) -> Verdict:
    """frictionless-py 5.21 cannot read a file whose dialect turns quoting off (``quoteChar``
    ""): it hands Python's csv module an empty quote character, which the module refuses, and
    reports a ``source-error``. lgrshare reads it with quoting off (``csv.QUOTE_NONE``), as the
    dialect says: a ``"`` is then an ordinary character, so row 3 is ``x`` and ``b"``."""
    assert theirs.findings == {("source-error", None)}
    return Verdict(False, frozenset({("type-error", 3)}))


def test_a_dialect_with_quoting_off_is_read(tmp_path: Path) -> None:
    got, expected = side_by_side(
        tmp_path,
        SCHEMA,
        'id,name\n1,"a\nx,b"\n',
        dialect={"quoteChar": ""},
        differences=quoting_off_is_read,
    )

    assert got == expected


def test_a_standard_keeps_its_dialect_through_json() -> None:
    descriptor = {"schema": SCHEMA, "dialect": {"delimiter": ";", "commentChar": "#"}}
    standard = parse_standard(descriptor, default_name="kept")

    again = parse_standard(standard.to_json(), default_name="kept")

    assert again.dialect == standard.dialect
    assert again.to_json()["dialect"] == {"delimiter": ";", "commentChar": "#"}


@pytest.mark.parametrize(
    ("dialect", "said"),
    [
        ({"delimiter": ";;;;;;;;;;"}, '"delimiter" must be one character'),
        ({"delimiter": ""}, '"delimiter" must be one character'),
        ({"delimiter": ";", "quoteChar": ";"}, '"delimiter" and "quoteChar" are the same'),
        ({"escapeChar": '"'}, '"quoteChar" and "escapeChar" are the same'),
        ({"quoteChar": "\n"}, '"quoteChar" cannot be a line break'),
        ({"headerRows": [0]}, '"headerRows" must be a list of row numbers'),
        ({"headerRows": [3, 2]}, "increasing order"),
        ({"header": "yes"}, '"header" must be true or false'),
        ({"lineTerminator": ";"}, '"lineTerminator" must be'),
        ({"commentRows": list(range(1, 20_000))}, '"commentRows" must be a list'),
        ([","], '"dialect" must be a JSON object'),
    ],
)
def test_a_dialect_that_cannot_be_read_is_refused_with_the_standard(
    dialect: Any, said: str
) -> None:
    with pytest.raises(DialectInvalid) as refused:
        parse_standard({"schema": SCHEMA, "dialect": dialect}, default_name="bad")

    assert refused.value.code == "dialect-invalid"
    assert said in str(refused.value)


def test_every_problem_of_a_dialect_is_named_at_once() -> None:
    with pytest.raises(DialectInvalid) as refused:
        parse_standard(
            {"schema": SCHEMA, "dialect": {"delimiter": "ab", "header": 1}}, default_name="bad"
        )

    assert '"delimiter"' in str(refused.value)
    assert '"header"' in str(refused.value)


def test_an_unknown_encoding_is_refused_with_the_standard() -> None:
    with pytest.raises(DialectInvalid, match="not a text encoding"):
        parse_standard({"schema": SCHEMA, "encoding": "klingon-8"}, default_name="bad")


@pytest.mark.parametrize(
    ("dialect", "fast"),
    [(None, True), ({"delimiter": ";"}, True), ({"commentChar": "#"}, False)],
)
def test_the_default_dialect_and_a_named_delimiter_keep_the_fast_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialect: dict[str, str] | None, fast: bool
) -> None:
    calls: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return csv_fast.fast_batches(*args, **kwargs)

    monkeypatch.setattr(engine, "fast_batches", counted)
    path = tmp_path / "table.csv"
    path.write_text("id;name\n1;a\n2;b\n" if dialect else "id,name\n1,a\n2,b\n")
    descriptor: dict[str, Any] = {"schema": SCHEMA}
    if dialect:
        descriptor["dialect"] = dialect

    report = validate(path, parse_standard(descriptor, default_name="fast"))

    assert report.valid
    assert bool(calls) is fast


def test_comment_lines_before_the_header_are_said_in_words(tmp_path: Path) -> None:
    path = tmp_path / "commented.csv"
    path.write_text("# made 2024\n# by Guildford\nid;name\n1;a\n", encoding="utf-8")
    standard = parse_standard(
        {"schema": SCHEMA, "dialect": {"delimiter": ";", "commentChar": "#"}}, default_name="c"
    )

    report = validate(path, standard)

    assert report.valid
    said = read_as(report.file)
    assert "2 lines of comments skipped" in said
    assert "headerRows" not in said  # worked out, not written in the standard
    assert "the standard's dialect (delimiter ';', commentChar '#')" in said


def test_a_file_in_another_delimiter_than_the_standards_is_named(tmp_path: Path) -> None:
    path = tmp_path / "commas.csv"
    path.write_text("id,name\n1,a\n", encoding="utf-8")
    standard = parse_standard(
        {"schema": SCHEMA, "dialect": {"delimiter": ";"}}, default_name="semicolons"
    )

    report = validate(path, standard)

    assert not report.valid
    assert report.file["delimiter_looks"] == ","
    assert "this file looks comma-separated; the standard expects ';'" in read_as(report.file)

"""Every Table Schema type, its formats and its constraints: read as frictionless-py reads them.

Each case is a small table under a one- or two-field schema, checked side by side; the rows
are chosen to sit on both sides of each rule (a valid value, an invalid one, an edge).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lgrshare.domain.standards.model import parse_standard
from lgrshare.domain.validation import validate
from tests.conformance.reference import Verdict, side_by_side


def _one(kind: str, **options: Any) -> dict[str, Any]:
    return {"fields": [{"name": "a", "type": kind, **options}]}


CASES = {
    "any takes every text; enum compares the text": (
        _one("any", constraints={"enum": ["x", "1"]}),
        "a\nx\n1\ny\n",
    ),
    "string email": (_one("string", format="email"), "a\nme@example.com\nnot-an-email\nx@y\n"),
    "string uri needs a scheme": (
        _one("string", format="uri"),
        "a\nhttps://example.com/x\nexample.com\nmailto:me@x.org\n",
    ),
    "string uuid with or without hyphens": (
        _one("string", format="uuid"),
        "a\n123e4567-e89b-12d3-a456-426614174000\n123e4567e89b12d3a456426614174000\nzz\n",
    ),
    "string binary is base64": (_one("string", format="binary"), "a\naGVsbG8=\nhello!\nabc\n"),
    "string length and pattern": (
        _one("string", constraints={"minLength": 2, "maxLength": 3, "pattern": "[a-z]+"}),
        "a\nab\na\nabcd\nAB\n",
    ),
    "number with decimalChar and groupChar, and bareNumber false": (
        {
            "fields": [
                {"name": "a", "type": "number", "decimalChar": ",", "groupChar": "."},
                {"name": "b", "type": "number", "bareNumber": False},
            ]
        },
        'a,b\n"1.234,5",€12.5\n"1,5",12%\n"1.5",x\n',
    ),
    "integer bounds and enum": (
        _one("integer", constraints={"minimum": 1, "maximum": 9, "enum": [1, 5, 10]}),
        "a\n1\n5\n10\n0\n1.5\n",
    ),
    "boolean trueValues and falseValues": (
        _one("boolean", trueValues=["yes"], falseValues=["no"]),
        "a\nyes\nno\ntrue\n",
    ),
    "object, its length its number of members": (
        _one("object", constraints={"minLength": 2}),
        'a\n"{""x"": 1, ""y"": 2}"\n"{""x"": 1}"\n[1]\nnope\n',
    ),
    "array, its length its number of items": (
        _one("array", constraints={"maxLength": 2}),
        'a\n"[1, 2]"\n"[1,2,3]"\n"{}"\n',
    ),
    "date by default and by pattern": (
        {
            "fields": [
                {"name": "a", "type": "date", "format": "%d/%m/%Y"},
                {"name": "b", "type": "date"},
            ]
        },
        "a,b\n01/02/2024,2024-02-01\n2024-02-01,01/02/2024\n31/02/2024,2024-02-30\n",
    ),
    "time by default and by pattern": (
        {
            "fields": [
                {"name": "a", "type": "time"},
                {"name": "b", "type": "time", "format": "%H:%M"},
            ]
        },
        "a,b\n15:00:00,15:00\n15:00,15:00:00\n15:00:00Z,25:00\n15:00:00+01:00,09:30\n",
    ),
    "datetime by default and by pattern": (
        {
            "fields": [
                {"name": "a", "type": "datetime"},
                {"name": "b", "type": "datetime", "format": "%d/%m/%Y %H:%M"},
            ]
        },
        "a,b\n2024-01-01T10:00:00,01/01/2024 10:00\n2024-01-01T10:00:00Z,2024-01-01\n"
        "2024-01-01 10:00:00+0100,x\n2024-01-01T10:00,01/13/2024 10:00\n",
    ),
    "year": (_one("year", constraints={"minimum": 2000}), "a\n2024\n1999\n24\n"),
    "yearmonth": (
        _one("yearmonth", constraints={"maximum": "2024-06"}),
        "a\n2024-05\n2024-07\n2024-13\n",
    ),
    "duration in ISO 8601": (
        _one("duration"),
        "a\nP1Y2M3DT4H5M6S\nPT30M\nP1W\n1 day\nP\nPT\nP1.5D\n-P1D\nP0003-06-04T12:30:05\n",
    ),
    "geopoint by default: lon, lat": (_one("geopoint"), 'a\n"90, 45"\n"200, 45"\n"1,2,3"\nx\n'),
    "geopoint as an array": (
        _one("geopoint", format="array"),
        'a\n"[90, 45]"\n"[90]"\n"[200, 1]"\n',
    ),
    "geopoint as an object": (
        _one("geopoint", format="object"),
        'a\n"{""lon"": 90, ""lat"": 45}"\n"{""lon"": 90}"\n"{""lon"": 90, ""lat"": 95}"\n',
    ),
    "geojson": (
        _one("geojson"),
        'a\n"{""type"": ""Point"", ""coordinates"": [1, 2]}"\n"{""type"": ""Nope""}"\n"[1]"\n'
        '"{""type"": ""Feature"", ""geometry"": null, ""properties"": {}}"\n'
        '"{""type"": ""Point"", ""coordinates"": [1]}"\n',
    ),
    "NaN breaks every bound; infinities only the one they pass": (
        {
            "fields": [
                {"name": "a", "type": "number", "constraints": {"minimum": 0}},
                {"name": "b", "type": "number", "constraints": {"maximum": 10}},
                {"name": "c", "type": "number", "constraints": {"minimum": 0, "maximum": 10}},
            ]
        },
        "a,b,c\nNaN,NaN,NaN\n1,1,1\ninf,-inf,inf\n",
    ),
    "custom properties are kept and ignored": (
        _one("string", **{"title@en": "A", "rdfType": "https://schema.org/name", "x-any": {}}),
        "a\nx\n",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_type_reads_as_frictionless_reads_it(tmp_path: Path, case: str) -> None:
    schema, content = CASES[case]

    got, expected = side_by_side(tmp_path, schema, content)

    assert got == expected, case


def test_a_recursive_json_value_is_a_type_error_at_once(tmp_path: Path) -> None:
    deep = "[" * 50_000 + "]" * 50_000

    got, expected = side_by_side(tmp_path, _one("array"), f"a\n[1]\n{deep}\n")

    assert got == expected == Verdict(False, frozenset({("type-error", 3)}))


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _deep_is_refused(verdict: Verdict) -> Verdict:
    """lgrshare refuses JSON nested more than 64 deep (``cells.MAX_JSON_DEPTH``) before parsing
    it, so that no cell can hold the validator long; frictionless-py parses it."""
    return Verdict(False, verdict.findings | {("type-error", 2)})


def test_json_nested_deeper_than_the_bound_is_refused(tmp_path: Path) -> None:
    got, expected = side_by_side(
        tmp_path, _one("array"), f"a\n{_nested(65)}\n{_nested(64)}\n", differences=_deep_is_refused
    )

    assert got == expected


def test_exclusive_bounds_of_table_schema_2(tmp_path: Path) -> None:
    # frictionless-py 5.21 refuses exclusiveMinimum and exclusiveMaximum outside a v2 package
    # (README: differences): lgrshare checks them, each bound itself outside.
    standard = parse_standard(
        _one("integer", constraints={"exclusiveMinimum": 0, "exclusiveMaximum": 10}),
        default_name="exclusive",
    )
    path = tmp_path / "table.csv"
    path.write_text("a\n0\n5\n10\n", encoding="utf-8")

    report = validate(path, standard)

    assert [(e.row, e.constraint) for e in report.errors] == [
        (2, "exclusiveMinimum"),
        (4, "exclusiveMaximum"),
    ]


def _enormous_is_refused(verdict: Verdict) -> Verdict:
    """lgrshare does not parse a JSON cell of over a million characters
    (``cells.MAX_JSON_CHARS``): it is a type error at once, in bounded time and memory;
    frictionless-py parses it."""
    return Verdict(False, verdict.findings | {("type-error", 2)})


def test_an_enormous_json_value_is_refused_unparsed(tmp_path: Path) -> None:
    enormous = '"{""k"": ""' + "x" * 1_000_001 + '""}"'

    got, expected = side_by_side(
        tmp_path, _one("object"), f"a\n{enormous}\n{{}}\n", differences=_enormous_is_refused
    )

    assert got == expected

"""The Standard model: loading built-ins, files and plain Table Schemas; refusing bad ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lgrshare.domain.standards.model import (
    FieldSpec,
    Standard,
    StandardInvalid,
    StandardNotFound,
    builtin_standards,
    load_standard,
    parse_standard,
)

MINIMAL: dict[str, Any] = {
    "name": "tiny",
    "title": "Tiny",
    "description": "A tiny standard.",
    "version": "1.2.3",
    "geography_level": "lsoa",
    "personal_data": "aggregate",
    "sensitivity": "OFFICIAL-SENSITIVE",
    "schema": {
        "fields": [
            {"name": "code", "type": "string", "codeList": "gss:lsoa-2021", "title": "LSOA",
             "unit": "", "example": "E01030000", "constraints": {"required": True}},
            {"name": "people", "type": "integer", "unit": "people",
             "constraints": {"minimum": 0, "enum": [1, 2, 3]}},
        ],
        "primaryKey": ["code"],
        "missingValues": ["", "[c]"],
    },
}  # fmt: skip


def test_a_builtin_standard_loads_by_name() -> None:
    standard = load_standard("council-tax-base")

    assert isinstance(standard, Standard)
    assert standard.name == "council-tax-base"
    assert all(isinstance(field, FieldSpec) for field in standard.fields)
    assert [s.name for s in builtin_standards()] == sorted(s.name for s in builtin_standards())


def test_a_standard_file_loads_by_path_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(MINIMAL), encoding="utf-8")

    standard = load_standard(str(path))

    assert (standard.geography_level, standard.personal_data) == ("lsoa", "aggregate")
    assert standard.primary_key == ("code",)
    assert standard.missing_values == ("", "[c]")
    assert standard.fields[0].code_list == "gss:lsoa-2021"
    assert standard.fields[1].constraints["enum"] == [1, 2, 3]
    assert standard.to_json() == MINIMAL
    assert parse_standard(standard.to_json(), default_name="x") == standard


def test_a_plain_table_schema_takes_its_name_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "Council_Records.schema.json"
    path.write_text(json.dumps(MINIMAL["schema"]), encoding="utf-8")

    standard = load_standard(str(path))

    assert standard.name == "council-records"
    assert (standard.version, standard.sensitivity, standard.personal_data) == (
        "1.0.0", "OFFICIAL", "none"
    )  # fmt: skip


def test_an_unknown_standard_is_not_found() -> None:
    with pytest.raises(StandardNotFound) as raised:
        load_standard("no-such-standard")

    assert (raised.value.code, raised.value.status) == ("standard-not-found", 404)
    assert "council-tax-base" in raised.value.message


def _field(**changes: Any) -> dict[str, Any]:
    return {**MINIMAL, "schema": {"fields": [{"name": "x", "type": "string", **changes}]}}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (_field(type="polygon"), "type 'polygon'"),
        (_field(codeList="gss:parish"), "code list"),
        (_field(constraints={"pattern": "(?<=a)b"}), "pattern"),
        (_field(constraints={"pattern": "[unclosed"}), "pattern"),
        (_field(constraints={"exclusiveMinimum": 1}), "cannot have the constraints"),
        (_field(constraints={"maximal": 1}), "unknown constraints"),
        (_field(type="integer", constraints={"minimum": "ten"}), "minimum"),
        (_field(type="date", constraints={"enum": ["2024-13-01"]}), "enum"),
        (_field(constraints={"maxLength": -1}), "maxLength"),
        (_field(format="postcode"), "format"),
        ({**MINIMAL, "geography_level": "parish"}, "geography_level"),
        ({**MINIMAL, "sensitivity": "SECRET"}, "sensitivity"),
        ({**MINIMAL, "version": "1.0"}, "Version"),
        ({**MINIMAL, "name": "Not Kebab"}, "Name"),
        ({**MINIMAL, "schema": {"fields": []}}, "fields"),
        ({**MINIMAL, "schema": {**MINIMAL["schema"], "primaryKey": ["nope"]}}, "primaryKey"),
        ({**MINIMAL, "schema": {"fields": [{"name": "a"}, {"name": "a"}]}}, "twice"),
        ({"title": "no schema"}, "schema"),
    ],
)
def test_invalid_standards_say_what_is_wrong(data: dict[str, Any], words: str) -> None:
    with pytest.raises(StandardInvalid) as raised:
        parse_standard(data, default_name="x")

    # A precise code where there is one; every one is a ``standard-invalid``.
    precise = {"pattern": "pattern-invalid", "twice": "field-name-invalid"}
    assert raised.value.code == precise.get(words, "standard-invalid")
    assert words in raised.value.message


def test_custom_properties_are_kept_and_ignored() -> None:
    data = _field(**{"title@en": "X", "rdfType": "https://schema.org/name", "x-colour": "red"})

    standard = parse_standard(data, default_name="x")

    assert standard.table_schema["fields"][0]["x-colour"] == "red"
    assert standard.fields[0].type == "string"


def test_an_invalid_standard_lists_every_problem() -> None:
    data = {
        "fields": [
            {"name": "a", "type": "polygon"},
            {"name": "b", "type": "integer", "constraints": {"minimum": "ten"}},
            {"name": "c", "constraints": {"pattern": "[unclosed"}},
        ],
        "primaryKey": ["nope"],
    }

    with pytest.raises(StandardInvalid) as raised:
        parse_standard(data, default_name="x")

    assert raised.value.code == "standard-invalid"
    assert len(raised.value.problems) == 4
    for words in ("polygon", "minimum", "[unclosed", "primaryKey"):
        assert words in raised.value.message


def test_a_standard_of_many_fields_is_refused_before_they_are_read() -> None:
    data = {"fields": [{"name": f"f{i}"} for i in range(100_000)]}

    with pytest.raises(StandardInvalid) as raised:
        parse_standard(data, default_name="x")

    assert raised.value.code == "standard-too-large"


def test_a_file_that_is_not_json_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(StandardInvalid):
        load_standard(str(path))


def test_a_restricted_standard_keeps_the_foreign_keys_its_fields_allow() -> None:
    standard = parse_standard(
        {
            "fields": [{"name": "id", "type": "integer"}, {"name": "parent", "type": "integer"}],
            "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}],
        },
        default_name="tree",
    )

    assert standard.restricted_to(["id", "parent"]).foreign_keys == standard.foreign_keys
    assert standard.restricted_to(["parent"]).foreign_keys == ()

"""Rules across fields and rows, and who and what a file is about (``lgrshare:rules``,
``lgrshare:role``): each kind on small hand-made files and on the real council tax file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from lgrshare.domain.reference import council_identity
from lgrshare.domain.standards.model import (
    MAX_STANDARD_BYTES,
    Standard,
    StandardInvalid,
    load_standard,
    parse_standard,
    parse_standard_text,
)
from lgrshare.domain.validation import Report, Subject, validate

COUNCIL_TAX = Path(__file__).parents[1] / "standards" / "data"
COUNCIL_TAX_FILE = COUNCIL_TAX / "council_tax_base_2023-24_guildford_surrey.csv"


def _standard(fields: list[dict[str, Any]], rules: list[dict[str, Any]]) -> Standard:
    return parse_standard(
        {"name": "hand-made", "schema": {"fields": fields, "lgrshare:rules": rules}},
        default_name="hand-made",
    )


def _check(tmp_path: Path, standard: Standard, text: str, **options: Any) -> Report:
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return validate(path, standard, **options)


def _found(report: Report) -> list[tuple[str, int | None, str | None, dict[str, str]]]:
    return [(e.code, e.row, e.constraint, dict(e.values)) for e in report.errors]


NUMBERS = [
    {"name": "total", "type": "integer", "title": "Total"},
    {"name": "a", "type": "integer"},
    {"name": "b", "type": "number"},
]


def test_a_sum_rule_reports_a_row_whose_total_is_not_its_parts(tmp_path: Path) -> None:
    standard = _standard(
        NUMBERS, [{"type": "sum", "id": "total-is-parts", "field": "total", "of": ["a", "b"]}]
    )

    report = _check(tmp_path, standard, "total,a,b\n10,4,6\n11,4,6\n,4,6\n12,x,6\n")

    # Row 4 has no total and row 5 a mistyped part: the sum is checked only on complete rows.
    assert _found(report) == [
        ("row-rule-error", 3, "total-is-parts", {"total": "11", "sum": "10", "a": "4", "b": "6"}),
        ("type-error", 5, None, {}),
    ]
    assert report.errors[0].message == (
        "Row 3: Total is 11, but a + b add up to 10: they must be equal."
    )
    assert report.stats["counts"] == {"row-rule-error": 1, "type-error": 1}


def test_a_sum_rule_allows_its_tolerance(tmp_path: Path) -> None:
    standard = _standard(
        NUMBERS,
        [{"type": "sum", "id": "near", "field": "total", "of": ["a", "b"], "tolerance": 1}],
    )

    report = _check(tmp_path, standard, "total,a,b\n11,4,6\n12,4,6\n10,4,6.5\n")

    assert [(e.row, e.cell) for e in report.errors] == [(3, "12")]
    assert report.errors[0].values[1] == ("sum", "10")


def test_a_comparison_between_two_fields_and_with_a_value(tmp_path: Path) -> None:
    standard = _standard(
        [
            {"name": "start_date", "type": "date", "title": "Start"},
            {"name": "end_date", "type": "date", "title": "End"},
            {"name": "rent", "type": "number"},
        ],
        [
            {"type": "compare", "id": "ends-after-start", "field": "end_date",
             "operator": ">=", "other": "start_date"},
            {"type": "compare", "id": "rent-positive", "field": "rent", "operator": ">",
             "value": 0},
        ],
    )  # fmt: skip

    report = _check(
        tmp_path,
        standard,
        "start_date,end_date,rent\n2024-04-01,2025-03-31,10\n2024-04-01,2024-03-31,0\n",
    )

    assert _found(report) == [
        ("row-rule-error", 3, "ends-after-start",
         {"end_date": "2024-03-31", "start_date": "2024-04-01"}),
        ("row-rule-error", 3, "rent-positive", {"rent": "0"}),
    ]  # fmt: skip
    assert report.errors[0].message == (
        "Row 3: End is '2024-03-31'; it must be at least Start ('2024-04-01')."
    )


def test_a_conditional_requirement(tmp_path: Path) -> None:
    standard = _standard(
        [{"name": "tenure", "type": "string"}, {"name": "lease_end", "type": "date"}],
        [{"type": "required-if", "id": "leasehold-end", "field": "lease_end",
          "if": {"field": "tenure", "equals": "Leasehold"}}],
    )  # fmt: skip

    report = _check(
        tmp_path, standard, "tenure,lease_end\nFreehold,\nLeasehold,2090-01-01\nLeasehold,\n"
    )

    assert _found(report) == [
        ("row-rule-error", 4, "leasehold-end", {"lease_end": "", "tenure": "Leasehold"})
    ]


def test_districts_must_add_up_to_the_county_row_per_year(tmp_path: Path) -> None:
    standard = _standard(
        [
            {"name": "area", "type": "string"},
            {"name": "level", "type": "string"},
            {"name": "year", "type": "string"},
            {"name": "population", "type": "integer", "title": "Population"},
        ],
        [{"type": "total", "id": "districts-make-county", "field": "population",
          "parts": {"field": "level", "equals": "district"},
          "whole": {"field": "level", "equals": "county"}, "by": ["year"], "tolerance": 5}],
    )  # fmt: skip
    rows = [
        "area,level,year,population",
        "Guildford,district,2023,151359",
        "Woking,district,2023,105367",
        "Surrey,county,2023,256726",  # exact
        "Guildford,district,2024,152000",
        "Woking,district,2024,106000",
        "Surrey,county,2024,300000",  # 42,000 out
        "Kent,county,2025,1600000",  # no districts that year: nothing to compare
    ]

    report = _check(tmp_path, standard, "\n".join(rows) + "\n")

    assert _found(report) == [
        ("table-rule-error", 7, "districts-make-county",
         {"population": "300,000", "sum": "258,000", "rows": "2"}),
    ]  # fmt: skip
    assert "the 2 row(s) where level is 'district' (year 2024) add up to 258,000" in (
        report.errors[0].message
    )


def test_a_repeated_combination_is_reported_once_naming_every_row(tmp_path: Path) -> None:
    standard = _standard(
        [{"name": "uprn", "type": "string"}, {"name": "valid_from", "type": "date"}],
        [{"type": "unique", "id": "one-row-per-uprn-and-date",
          "fields": ["uprn", "valid_from"]}],
    )  # fmt: skip
    rows = ["uprn,valid_from", *["100061234567,2024-04-01"] * 3, "100061234567,2025-04-01"]

    report = _check(tmp_path, standard, "\n".join(rows) + "\n")

    assert report.stats["counts"] == {"table-rule-error": 1}
    (error,) = report.errors
    assert error.row == 3
    assert error.message.startswith("Rows 2, 3, 4 have the same uprn '100061234567', valid_from")
    assert dict(error.values)["rows"] == "2, 3, 4"


def test_rules_run_on_every_batch_of_a_large_file(tmp_path: Path) -> None:
    standard = _standard(
        NUMBERS, [{"type": "sum", "id": "total-is-parts", "field": "total", "of": ["a", "b"]}]
    )
    lines = ["total,a,b"] + [f"{i % 7 + 3},{i % 7},3" for i in range(300_000)]
    lines[250_001] = "0,1,1"

    report = _check(tmp_path, standard, "\n".join(lines) + "\n")

    assert [(e.code, e.row) for e in report.errors] == [("row-rule-error", 250_002)]


def _council_tax_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(COUNCIL_TAX_FILE.open(encoding="utf-8")))


def _write(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "council-tax.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_the_real_council_tax_file_passes_its_rules() -> None:
    standard = load_standard("council-tax-base")
    assert {rule.id for rule in standard.rules} >= {"band-d-area-total", "dwellings-total"}

    report = validate(COUNCIL_TAX_FILE, standard)

    assert report.valid, [error.message for error in report.errors]


def test_a_wrong_band_d_total_and_dwellings_total_fail(tmp_path: Path) -> None:
    rows = _council_tax_rows()
    guildford = rows[0]
    guildford["band_d_area_total_gbp"] = "9999.99"
    guildford["dwellings_total"] = "5"
    for band in "abcdefgh":
        guildford[f"dwellings_band_{band}"] = "100"
    guildford["chargeable_dwellings"] = "4"

    report = validate(_write(tmp_path, rows), load_standard("council-tax-base"))

    assert not report.valid
    assert [(e.code, e.row, e.constraint, e.cell) for e in report.errors] == [
        ("row-rule-error", 2, "band-d-area-total", "9999.99"),
        ("row-rule-error", 2, "dwellings-total", "5"),
    ]
    band_d, dwellings = report.errors
    assert dict(band_d.values)["sum"] == "2214.77"
    assert dict(dwellings.values)["sum"] == "800"
    assert "Dwellings, all bands is 5, but Dwellings in band A to Dwellings in band H" in (
        dwellings.message
    )


def test_a_billing_authority_without_its_parish_precepts_fails(tmp_path: Path) -> None:
    rows = _council_tax_rows()
    rows[0]["parish_precepts_gbp"] = ""

    report = validate(_write(tmp_path, rows), load_standard("council-tax-base"))

    assert [(e.row, e.constraint) for e in report.errors] == [(2, "billing-parish-precepts")]


def _guildford(period: str | None = "2023-24") -> Subject:
    identity = council_identity("E07000209")
    assert identity is not None
    return Subject(identity.name, identity.codes, identity.names, period)


def test_a_guildford_file_with_rows_coded_as_woking_is_wrong_organisation(
    tmp_path: Path,
) -> None:
    standard = load_standard("council-tax-base").restricted_to(
        ["gss_code", "council_name", "financial_year", "authority_role",
         "council_tax_requirement_gbp", "tax_base_band_d_equivalents", "band_d_council_gbp"]
    )  # fmt: skip
    path = tmp_path / "guildford.csv"
    path.write_text(
        "gss_code,council_name,financial_year,authority_role,council_tax_requirement_gbp,"
        "tax_base_band_d_equivalents,band_d_council_gbp\n"
        "E07000209,Guildford,2023-24,billing,11392760,59212.1,192.41\n"
        "E07000217,Woking,2023-24,billing,11392760,59212.1,192.41\n",
        encoding="utf-8",
    )

    report = validate(path, standard, subject=_guildford())

    assert [(e.code, e.row, e.field, e.cell) for e in report.errors] == [
        ("wrong-organisation", 3, "gss_code", "E07000217"),
        ("wrong-organisation", 3, "council_name", "Woking"),
    ]
    assert report.errors[0].message == (
        "Row 3, gss_code: 'E07000217' is not Guildford: the file is submitted for Guildford, "
        "so every row must be its own."
    )
    # Without a subject (the offline validator, say) the same file is valid.
    assert validate(path, standard).valid


def test_a_predecessor_councils_code_names_its_successor(tmp_path: Path) -> None:
    identity = council_identity("E06000061")  # North Northamptonshire, from 1 April 2021
    assert identity is not None
    assert {"E07000156", "Wellingborough"} <= identity.codes | identity.names
    standard = _standard(
        [{"name": "council", "type": "string", "lgrshare:role": "organisation"}], []
    )
    subject = Subject(identity.name, identity.codes, identity.names)

    report = _check(
        tmp_path,
        standard,
        "council\nE07000156\nWellingborough\n north northamptonshire council \nE07000209\n",
        subject=subject,
    )

    assert [(e.code, e.row) for e in report.errors] == [("wrong-organisation", 5)]


def test_the_period_field_must_hold_the_period_declared(tmp_path: Path) -> None:
    standard = _standard([{"name": "year", "type": "string", "lgrshare:role": "period"}], [])

    report = _check(
        tmp_path, standard, "year\n2023-24\n2023/24\n2023-2024\n2024-25\n",
        subject=Subject("Guildford", period="2023-24"),
    )  # fmt: skip

    assert [(e.code, e.row, e.cell) for e in report.errors] == [("wrong-period", 5, "2024-25")]


def test_an_agreement_sharing_only_some_fields_keeps_only_their_rules() -> None:
    standard = load_standard("council-tax-base")

    shared = standard.restricted_to(
        ["gss_code", "council_name", "financial_year", "authority_role", "dwellings_total",
         *[f"dwellings_band_{band}" for band in "abcdefgh"],
         "council_tax_requirement_gbp", "tax_base_band_d_equivalents", "band_d_council_gbp"]
    )  # fmt: skip

    assert [rule.id for rule in shared.rules] == ["dwellings-total"]
    assert shared.table_schema["lgrshare:rules"][0]["id"] == "dwellings-total"


def test_frictionless_reads_a_standard_with_rules_and_roles(tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    standard = load_standard("council-tax-base")
    descriptor = standard.table_schema
    assert descriptor["lgrshare:rules"]

    schema = frictionless.Schema.from_descriptor(descriptor)
    resource = frictionless.Resource(
        path=COUNCIL_TAX_FILE.name, basepath=str(COUNCIL_TAX_FILE.parent), schema=schema
    )
    report = frictionless.validate(resource)

    assert report.valid, report.flatten(["type", "note"])
    assert schema.to_descriptor()["lgrshare:rules"] == descriptor["lgrshare:rules"]


# Bad standards: each refused with its own code before anything is saved or run.
def _refused(data: Any) -> str:
    text = data if isinstance(data, str | bytes) else json.dumps(data)
    with pytest.raises(StandardInvalid) as raised:
        parse_standard_text(text, default_name="bad")
    return raised.value.code


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ([{"type": "sum", "field": "total", "of": ["a", "missing"]}], "rule-invalid"),
        ([{"type": "sum", "field": "total", "of": ["a", "label"]}], "rule-invalid"),
        ([{"type": "sum", "field": "total", "of": ["total", "a"]}], "rule-circular"),
        ([{"type": "sum", "id": "x", "field": "total", "of": ["a", "b"]},
          {"type": "sum", "id": "y", "field": "a", "of": ["total", "b"]}], "rule-circular"),
        ([{"type": "compare", "field": "total", "operator": "=~", "other": "a"}],
         "rule-invalid"),
        ([{"type": "compare", "field": "total", "operator": "=", "other": "label"}],
         "rule-invalid"),
        ([{"type": "eval", "field": "total", "code": "__import__('os')"}], "rule-invalid"),
        ([{"type": "required-if", "field": "a", "if": {"field": "nowhere", "equals": 1}}],
         "rule-invalid"),
        ({"not": "a list"}, "rule-invalid"),
    ],
)  # fmt: skip
def test_a_bad_rule_is_refused(rules: Any, code: str) -> None:
    fields = [*NUMBERS, {"name": "label", "type": "string"}]
    assert _refused({"schema": {"fields": fields, "lgrshare:rules": rules}}) == code


def test_circular_rules_name_the_circle() -> None:
    with pytest.raises(StandardInvalid, match=r"a -> total -> a"):
        _standard(
            NUMBERS,
            [{"type": "sum", "id": "x", "field": "total", "of": ["a", "b"]},
             {"type": "sum", "id": "y", "field": "a", "of": ["total"]}],
        )  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ([{"name": "a"}, {"name": "a"}], "field-name-invalid"),
        ([{"name": ""}], "field-name-invalid"),
        ([{"name": "   "}], "field-name-invalid"),
        ([{"name": f"f{i}"} for i in range(100_000)], "standard-too-large"),
        ([{"name": "a", "constraints": {"pattern": "(a{1000}){1000}"}}], "pattern-invalid"),
        ([{"name": "a", "constraints": {"pattern": "(?=a)b"}}], "pattern-invalid"),
        ([{"name": "a", "constraints": {"pattern": "a" * 2000}}], "pattern-invalid"),
    ],
)
def test_a_bad_field_is_refused(fields: list[dict[str, Any]], code: str) -> None:
    assert _refused({"schema": {"fields": fields}}) == code


def test_a_json_bomb_is_refused() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    assert _refused('{"schema": {"fields": [{"name": "a"}], "x": ' + deep + "}}") in {
        "standard-too-large"
    }
    assert _refused(" " * (MAX_STANDARD_BYTES + 1)) == "standard-too-large"
    nested: Any = {"name": "a"}
    for _ in range(50):
        nested = {"deeper": nested}
    assert _refused({"schema": {"fields": [{"name": "a", "example": nested}]}}) == (
        "standard-too-large"
    )


def test_a_pattern_that_would_backtrack_is_checked_in_linear_time(tmp_path: Path) -> None:
    # (a+)+b takes exponential time in a backtracking engine on "aaaa…c"; the validator's
    # regular expressions never backtrack, so the file is checked and the cell reported.
    standard = parse_standard(
        {"schema": {"fields": [{"name": "a", "constraints": {"pattern": "(a+)+b"}}]}},
        default_name="catastrophe",
    )

    report = _check(tmp_path, standard, "a\n" + "a" * 50_000 + "c\naab\n")

    assert [(e.code, e.row, e.constraint) for e in report.errors] == [
        ("constraint-error", 2, "pattern")
    ]


def test_a_total_without_groups_compares_the_whole_file(tmp_path: Path) -> None:
    standard = _standard(
        [{"name": "level", "type": "string"}, {"name": "n", "type": "number"}],
        [{"type": "total", "id": "parts-make-whole", "field": "n",
          "parts": {"field": "level", "in": ["ward", "parish"]},
          "whole": {"field": "level", "equals": "district"}}],
    )  # fmt: skip

    good = _check(tmp_path, standard, "level,n\nward,1.5\nparish,2\ndistrict,3.5\n")
    bad = _check(tmp_path, standard, "level,n\nward,1.5\nparish,2\ndistrict,4\n")

    assert good.valid
    assert [(e.code, e.row, e.cell) for e in bad.errors] == [("table-rule-error", 4, "4")]


def test_a_condition_or_value_of_the_wrong_type_is_refused_before_saving() -> None:
    fields = [*NUMBERS, {"name": "label", "type": "string"}]
    when = {"type": "required-if", "field": "a", "if": {"field": "total", "equals": "ten"}}
    value = {"type": "compare", "field": "total", "operator": ">", "value": "lots"}

    assert _refused({"schema": {"fields": fields, "lgrshare:rules": [when]}}) == "rule-invalid"
    assert _refused({"schema": {"fields": fields, "lgrshare:rules": [value]}}) == "rule-invalid"

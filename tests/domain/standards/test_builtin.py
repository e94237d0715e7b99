"""The built-in LGR standards: complete, self-consistent, and fitting real published data."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from frictionless import Schema

from lgrshare.domain.standards.model import Standard, builtin_standards, load_standard
from lgrshare.domain.validation import validate

DATA = Path(__file__).parent / "data"
BUILTIN_DIR = resources.files("lgrshare") / "domain" / "standards" / "builtin"
BUILTIN_NAMES = sorted(
    entry.name.removesuffix(".json")
    for entry in BUILTIN_DIR.iterdir()
    if entry.name.endswith(".json")
)
EXPECTED_NAMES = [
    "contracts-register",
    "council-finance-summary",
    "council-tax-base",
    "it-applications",
    "land-and-property-assets",
    "population-geography",
    "service-demand-lsoa",
    "workforce-summary",
]
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# The Transparency Code asset fields keep the LGA's published names so councils' files fit as-is.
LGA_NAMED = {"land-and-property-assets"}


def _raw_schema(name: str) -> dict[str, Any]:
    descriptor: dict[str, Any] = json.loads((BUILTIN_DIR / f"{name}.json").read_text("utf-8"))
    schema: dict[str, Any] = descriptor["schema"]
    return schema


def test_the_eight_lgr_standards_are_built_in() -> None:
    assert BUILTIN_NAMES == EXPECTED_NAMES
    assert sorted(standard.name for standard in builtin_standards()) == EXPECTED_NAMES


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_builtin_standard_loads_with_its_metadata(name: str) -> None:
    standard = load_standard(name)

    assert isinstance(standard, Standard)
    assert standard.name == name
    assert standard.version == "1.0.0"
    assert standard.title
    assert len(standard.description) > 200
    assert standard.geography_level in {"council", "ward", "lsoa", "point", "none"}
    assert standard.personal_data in {"none", "aggregate", "personal", "special-category"}
    assert standard.sensitivity in {"OFFICIAL", "OFFICIAL-SENSITIVE"}
    assert standard.fields


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_every_field_has_a_title_a_description_and_an_example(name: str) -> None:
    standard = load_standard(name)

    for field in standard.fields:
        assert field.title, field.name
        # A data officer must be able to fill the field in without asking: one line is not enough.
        assert field.description, field.name
        assert len(field.description) >= 40, field.name
        assert field.example not in (None, ""), field.name


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_field_names_are_snake_case_unless_a_published_standard_fixes_them(name: str) -> None:
    standard = load_standard(name)
    names = [field.name for field in standard.fields]

    assert len(names) == len(set(names))
    if name not in LGA_NAMED:
        assert [n for n in names if not SNAKE_CASE.match(n)] == []


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_schema_is_a_valid_frictionless_table_schema(name: str) -> None:
    report = Schema.validate_descriptor(_raw_schema(name))

    assert report.valid, [error.message for error in report.errors]


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_primary_key_fields_are_marked_required(name: str) -> None:
    # Table Schema makes key fields required implicitly; saying so explicitly puts "Required: Yes"
    # in the template's guidance, where the data officer will look.
    standard = load_standard(name)
    required = {f.name for f in standard.fields if f.constraints.get("required")}

    assert standard.primary_key
    assert set(standard.primary_key) <= required


def test_standards_derived_from_personal_data_are_official_sensitive() -> None:
    for standard in builtin_standards():
        if standard.personal_data != "none":
            assert standard.sensitivity == "OFFICIAL-SENSITIVE", standard.name


def test_code_lists_are_used_where_one_reference_list_covers_every_valid_code() -> None:
    code_lists = {
        (standard.name, field.name): field.code_list
        for standard in builtin_standards()
        for field in standard.fields
        if field.code_list
    }

    assert code_lists == {
        ("population-geography", "gss_code"): "gss:lad",
        ("population-geography", "county_gss_code"): "gss:county",
        ("service-demand-lsoa", "lsoa21_code"): "gss:lsoa-2021",
    }


def test_trafford_land_assets_fail_only_on_their_genuine_faults() -> None:
    # Trafford Council's published Transparency Code file (see data/README.md), unchanged.
    report = validate(
        DATA / "trafford_land_and_building_assets.csv", load_standard("land-and-property-assets")
    )

    found = {
        (error.code, error.row, error.field, error.constraint, error.cell)
        for error in report.errors
    }
    assert not report.valid
    assert found == {
        # "Leasehold out": every other row spells it "Leasehold Out"; a compiled table would
        # count it as a sixth kind of tenure.
        ("constraint-error", 312, "TenureDetail", "enum", "Leasehold out"),
        # "M32 OXZ": the letter O typed for the digit zero (M32 0XZ), so it matches no postcode.
        ("constraint-error", 343, "PostCode", "pattern", "M32 OXZ"),
        # Davyhulme Youth Centre (M31 2DN): longitude and latitude swapped. 53.46 is not a
        # longitude in England and -2.37 is not a latitude; swapped back it sits in Davyhulme.
        ("constraint-error", 387, "GeoX", "maximum", "53.457484"),
        ("constraint-error", 387, "GeoY", "minimum", "-2.365856"),
        # "WA14 1": a truncated postcode, neither a full postcode nor a postcode district.
        ("constraint-error", 398, "PostCode", "pattern", "WA14 1"),
        # Former Flixton Tip: no TenureType at all, which the Transparency Code requires.
        ("constraint-error", 478, "TenureType", "required", ""),
    }


def test_trafford_outward_only_postcodes_and_missing_coordinates_are_accepted() -> None:
    # 231 land parcels give only the postcode district (M41) and 235 rows have no coordinates:
    # both are allowed for land without an address, so they must not be reported.
    report = validate(
        DATA / "trafford_land_and_building_assets.csv", load_standard("land-and-property-assets")
    )

    assert Counter(error.code for error in report.errors) == {"constraint-error": 6}


def test_dluhc_council_tax_figures_fit_the_council_tax_standard() -> None:
    path = DATA / "council_tax_base_2023-24_guildford_surrey.csv"
    report = validate(path, load_standard("council-tax-base"))

    assert report.valid, [(e.code, e.row, e.field, e.message) for e in report.errors]
    rows = {row["gss_code"]: row for row in csv.DictReader(path.open(encoding="utf-8"))}
    guildford, surrey = rows["E07000209"], rows["E10000030"]
    # The published checks: Guildford's area Band D £2,214.77, of which Surrey CC £1,675.08.
    assert guildford["band_d_area_total_gbp"] == "2214.77"
    assert guildford["band_d_county_gbp"] == surrey["band_d_council_gbp"] == "1675.08"
    parts = ("including_parish", "county", "police", "fire", "combined_authority")
    total = sum(float(guildford[f"band_d_{part}_gbp"]) for part in parts)
    assert total == pytest.approx(2214.77)
    bands = sum(int(guildford[f"dwellings_band_{band}"]) for band in "abcdefgh")
    assert bands == int(guildford["dwellings_total"])


def test_ons_mid_2024_population_and_area_fit_the_population_standard(tmp_path: Path) -> None:
    path = tmp_path / "population.csv"
    path.write_text(_population_geography_csv(), encoding="utf-8")

    report = validate(path, load_standard("population-geography"))

    assert report.valid, [(e.code, e.row, e.field, e.message) for e in report.errors][:10]
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len(rows) == 296
    guildford = next(row for row in rows if row["gss_code"] == "E07000209")
    assert guildford["mid_year_population"] == "151359"
    assert guildford["land_area_hectares"] == "27094.46"
    assert guildford["county_gss_code"] == "E10000030"
    surrey = sum(int(r["mid_year_population"]) for r in rows if r["county_gss_code"] == "E10000030")
    assert surrey == 1_248_649


def _reference_rows(file_name: str) -> list[dict[str, str]]:
    raw = resources.files("lgrshare").joinpath("reference_data", file_name).read_bytes()
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _population_geography_csv() -> str:
    """Build the standard's table for every English district from the shipped ONS files."""
    area = {r["LAD24CD"]: r["AREALHECT"] for r in _reference_rows("ons_sam_lad_dec2024_uk.csv")}
    region = {
        r["ltla24_code"]: r["region24_code"]
        for r in _reference_rows("ons_lad24_rgn24_en_lookup.csv")
    }
    county = {
        r["ltla23_code"]: r["utla23_code"]
        for r in _reference_rows("ons_ltla23_utla23_ew_lookup.csv")
        if r["utla23_code"].startswith("E10")
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "gss_code",
            "name",
            "county_gss_code",
            "region_gss_code",
            "mid_year_population",
            "population_year",
            "land_area_hectares",
        ]
    )
    for row in _reference_rows("ons_mye24_mye2_persons_ew_lad.csv"):
        code = row["Code"]
        if code[:3] in {"E06", "E07", "E08", "E09"}:
            writer.writerow(
                [
                    code,
                    row["Name"],
                    county.get(code, ""),
                    region[code],
                    row["All ages"],
                    "2024",
                    area[code],
                ]
            )
    return out.getvalue()

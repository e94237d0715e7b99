"""Appraisal figures against independent sums of the shipped CSV files, read here with the
standard library's csv module (not by the code under test)."""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections import Counter
from importlib import resources

import pytest

from lgrshare.domain.appraisal import appraise, difference, format_difference, format_value
from lgrshare.domain.options import option_check, option_from_json

SURREY = "E10000030"
EAST = ["E07000207", "E07000208", "E07000210", "E07000211", "E07000215"]
WEST = ["E07000209", "E07000212", "E07000213", "E07000214", "E07000216", "E07000217"]
GUILDFORD, WOKING = "E07000209", "E07000217"


def rows(name: str, skip: int = 0) -> list[list[str]]:
    raw = resources.files("lgrshare").joinpath("reference_data", name).read_bytes()
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))[skip:]


def by_code(name: str, code_column: str) -> dict[str, dict[str, str]]:
    table = rows(name)
    header = table[0]
    return {r[header.index(code_column)]: dict(zip(header, r, strict=True)) for r in table[1:]}


MYE = by_code("ons_mye24_mye2_persons_ew_lad.csv", "Code")
SAM = by_code("ons_sam_lad_dec2024_uk.csv", "LAD24CD")
RS = by_code("mhclg_rs_2023-24_key_columns.csv", "ONS Code")
CTR = {r[1]: r for r in rows("dluhc_ctr_table9_2023-24_billing_authorities.csv", 1)}
TAXBASE = {r[1]: r for r in rows("dluhc_council_taxbase_2022_la_data.csv", 2)}
LOOKUP = rows("ons_lsoa21_wd24_lad24_ew_lookup.csv")
IMD = by_code("mhclg_imd2025_england_lsoa21.csv", "lsoa21_code")


def ages(code: str, low: int, high: int) -> int:
    return sum(int(MYE[code]["90+" if a == 90 else str(a)]) for a in range(low, high + 1))


def lsoas_of(districts: list[str]) -> list[tuple[str, str]]:
    """(LSOA, district) from the ONS lookup (columns: lsoa name, lsoa code, ward ..., lad)."""
    header = LOOKUP[0]
    lsoa, lad = header.index("lsoa21_code"), header.index("ltla24_code")
    return [(r[lsoa], r[lad]) for r in LOOKUP[1:] if r[lad] in districts]


def appraisal(councils: dict[str, list[str]]):
    option = option_from_json({"name": "test", "councils": councils})
    return appraise(report=option_check(option=option, area=SURREY))


@pytest.fixture(scope="module")
def two():
    result = appraisal({"East Surrey": EAST, "West Surrey": WEST})
    return {c.name: c for c in result.councils}, result


def test_population_and_age_bands_are_the_sums_of_the_districts(two):
    east = two[0]["East Surrey"]
    assert east.value("population") == sum(int(MYE[d]["All ages"]) for d in EAST)
    assert east.value("age_0_17") == sum(ages(d, 0, 17) for d in EAST)
    assert east.value("age_18_64") == sum(ages(d, 18, 64) for d in EAST)
    assert east.value("age_65_plus") == sum(ages(d, 65, 90) for d in EAST)
    west = two[0]["West Surrey"]
    assert east.value("population") + west.value("population") == int(MYE[SURREY]["All ages"])


def test_land_area_density_and_guideline(two):
    east = two[0]["East Surrey"]
    land = sum(float(SAM[d]["AREALHECT"]) for d in EAST)
    population = sum(int(MYE[d]["All ages"]) for d in EAST)
    assert east.value("land_area_ha") == pytest.approx(land)
    assert east.value("density") == pytest.approx(population / (land / 100))
    assert east.value("guideline_gap") == population - 500_000


def test_deprivation_is_weighted_by_estimated_lsoa_population(two):
    west = two[0]["West Surrey"]
    pairs = lsoas_of(WEST)
    count = Counter(d for _, d in pairs)
    weight = {d: int(MYE[d]["All ages"]) / count[d] for d in count}
    weighted = sum(float(IMD[lsoa]["IMD_score"]) * weight[d] for lsoa, d in pairs)
    assert west.value("imd_score") == pytest.approx(weighted / sum(weight[d] for _, d in pairs))
    worst20 = sum(1 for lsoa, _ in pairs if int(IMD[lsoa]["IMD_decile"]) <= 2)
    assert west.value("imd_most_deprived_20") == pytest.approx(worst20 / len(pairs))
    assert west.lsoa_count == len(pairs)


def test_council_tax_base_band_d_and_the_change_to_harmonise(two):
    east = two[0]["East Surrey"]
    base = {d: float(CTR[d][23]) for d in EAST}
    band_d = {d: float(CTR[d][27]) + float(CTR[d][33]) for d in EAST}
    average = sum(base[d] * band_d[d] for d in EAST) / sum(base.values())
    assert east.value("tax_base") == pytest.approx(sum(base.values()))
    assert east.value("band_d_weighted") == pytest.approx(average)
    assert east.value("band_d_lowest") == pytest.approx(min(band_d.values()))
    assert east.value("band_d_highest") == pytest.approx(max(band_d.values()))
    # The change each area's Band D makes to reach the average: negative when it falls.
    changes = {p.code: p.change_to_harmonise for p in east.predecessors}
    assert changes == {d: pytest.approx(average - band_d[d]) for d in EAST}
    # Guildford: district £192.41 + Surrey CC £1,675.08 (the published Table 9 lines).
    west = {p.code: p for p in two[0]["West Surrey"].predecessors}
    assert west[GUILDFORD].band_d == pytest.approx(1867.49)


def test_dwellings_by_band_come_from_the_2022_tax_base(two):
    east = two[0]["East Surrey"]
    for i, band in enumerate("ABCDEFGH"):
        assert east.dwellings[band] == sum(float(TAXBASE[d][5 + i]) for d in EAST)


def test_finance_is_districts_plus_the_county_shared_by_population(two):
    east = two[0]["East Surrey"]
    county = RS[SURREY]
    share = sum(int(MYE[d]["All ages"]) for d in EAST) / int(MYE[SURREY]["All ages"])
    nre = sum(float(RS[d]["RS-netrevexp-net-exp"]) for d in EAST)
    nre += float(county["RS-netrevexp-net-exp"]) * share
    assert east.value("net_revenue_expenditure") == pytest.approx(nre)
    children = sum(ages(d, 0, 17) for d in EAST) / ages(SURREY, 0, 17)
    assert east.value("dsg_deficit") == pytest.approx(107_665 * children)
    debt = (
        sum(
            float(RS[d]["RS-provprin-net-exp"]) + float(RS[d]["RS-intextpay-net-exp"]) for d in EAST
        )
        + (float(county["RS-provprin-net-exp"]) + float(county["RS-intextpay-net-exp"])) * share
    )
    assert east.value("debt_service_share") == pytest.approx(debt / nre)


def test_a_council_without_a_return_is_named_and_never_counted_as_zero(two):
    west = two[0]["West Surrey"]
    assert RS[WOKING]["RS-netrevexp-net-exp"] == "[x]"
    assert west.no_outturn_return == ("Woking",)
    received = [d for d in WEST if d != WOKING]
    share = sum(int(MYE[d]["All ages"]) for d in WEST) / int(MYE[SURREY]["All ages"])
    expected = sum(float(RS[d]["RS-netrevexp-net-exp"]) for d in received)
    expected += float(RS[SURREY]["RS-netrevexp-net-exp"]) * share
    assert west.value("net_revenue_expenditure") == pytest.approx(expected)
    assert "Woking" in west.figure("net_revenue_expenditure").note


def test_one_unitary_takes_the_whole_county_line():
    one = appraisal({"Surrey": EAST + WEST}).councils[0]
    assert one.value("population") == 1_248_649
    districts = sum(float(RS[d]["RS-netrevexp-net-exp"]) for d in EAST + WEST if d != WOKING)
    assert one.value("net_revenue_expenditure") == pytest.approx(districts + 1_042_617)
    assert one.neighbours
    assert one.neighbours[0].code.startswith("E06")


def test_a_split_district_is_shared_by_its_lsoas_and_its_land_area_not_guessed():
    header = LOOKUP[0]
    ward_col, lad = header.index("ward24_code"), header.index("ltla24_code")
    guildford = [r for r in LOOKUP[1:] if r[lad] == GUILDFORD]
    wards = sorted({r[ward_col] for r in guildford})
    east_wards = wards[:7]
    result = {
        c.name: c
        for c in appraisal({"East": [*EAST, *east_wards], "West": [*WEST[1:], *wards[7:]]}).councils
    }
    taken = sum(1 for r in guildford if r[ward_col] in east_wards)
    expected = sum(int(MYE[d]["All ages"]) for d in EAST) + 151_359 * taken / len(guildford)
    assert result["East"].value("population") == round(expected)
    assert result["East"].value("land_area_ha") is None
    assert result["East"].value("density") is None
    assert result["East"].neighbours  # on population and deprivation only


def test_every_figure_names_source_vintage_and_method(two):
    for figure in two[0]["East Surrey"].figures:
        shown = figure.as_dict()
        assert all(shown[k] for k in ("source", "vintage", "method")), figure.key


def test_the_spread_is_the_difference_between_councils(two):
    _councils, result = two
    spread = {s.key: s for s in result.spread}["population"]
    east = sum(int(MYE[d]["All ages"]) for d in EAST)
    west = sum(int(MYE[d]["All ages"]) for d in WEST)
    assert spread.difference == abs(east - west)
    assert spread.largest_council == ("East Surrey" if east > west else "West Surrey")


def test_nearest_existing_unitaries_match_an_independent_calculation(two):
    """Issue 13, benchmarks: the five existing English unitary councils (E06, E08, E09) most
    like West Surrey on log10 population, log10 density and IMD 2025 average score, each
    standardised (mean and sample standard deviation over those councils), Euclidean."""
    imd_lad = by_code("mhclg_imd2025_england_ltla24.csv", "ltla24_code")
    councils = [
        r[0]
        for r in rows("ons_ltla23_utla23_ew_lookup.csv", 1)
        if r[0][:3] in {"E06", "E08", "E09"}
        and r[0] in MYE
        and r[0] in SAM
        and r[0] in imd_lad
        and imd_lad[r[0]]["imd_average_score"]
    ]

    def features(population: float, land_ha: float, imd: float) -> list[float]:
        return [math.log10(population), math.log10(population / (land_ha / 100)), imd]

    table = {
        c: features(
            int(MYE[c]["All ages"]),
            float(SAM[c]["AREALHECT"]),
            float(imd_lad[c]["imd_average_score"]),
        )
        for c in councils
    }
    scale = [
        (
            statistics.mean(v[i] for v in table.values()),
            statistics.stdev(v[i] for v in table.values()),
        )
        for i in range(3)
    ]
    pairs = lsoas_of(WEST)
    count = Counter(d for _, d in pairs)
    weight = {d: int(MYE[d]["All ages"]) / count[d] for d in count}
    imd = sum(float(IMD[lsoa]["IMD_score"]) * weight[d] for lsoa, d in pairs) / sum(
        weight[d] for _, d in pairs
    )
    west = features(
        sum(int(MYE[d]["All ages"]) for d in WEST),
        sum(float(SAM[d]["AREALHECT"]) for d in WEST),
        imd,
    )

    def distance(code: str) -> float:
        return math.dist(
            [(v - m) / s for v, (m, s) in zip(table[code], scale, strict=True)],
            [(v - m) / s for v, (m, s) in zip(west, scale, strict=True)],
        )

    expected = sorted(councils, key=distance)[:5]
    got = two[0]["West Surrey"].neighbours
    assert [n.code for n in got] == expected
    assert got[0].distance == pytest.approx(distance(expected[0]))


def test_figures_are_shown_with_one_minus_sign_and_differences_from_what_is_shown():
    minus = "\N{MINUS SIGN}"
    assert format_value(-78_283, "people") == f"{minus}78,283"
    assert format_value(-20.104, "£") == f"{minus}£20.10"
    assert format_value(22_604_728.0, "£") == "£22,604,728"  # whole pounds for large sums
    assert format_value(1904.69, "£") == "£1,904.69"
    # £1,904.69 less £1,895.88 as shown, not from the unrounded values.
    assert difference(1895.8849, 1904.6851, "£") == pytest.approx(8.81)
    assert format_difference(difference(0.1234, 0.4412, "share"), "share") == (
        "31.8 percentage points"
    )
    assert format_difference(difference(0.25, 0.2, "share"), "share") == (
        f"{minus}5.0 percentage points"
    )

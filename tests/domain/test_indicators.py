"""Indicators from compiled rows, built up to proposed councils: by residence for LSOA rows, by
LSOA share for district rows, the county's by its recorded basis. Expected figures are computed
here from the shipped CSVs with the csv module."""

from __future__ import annotations

import polars as pl
import pytest

from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.indicators import option_indicators
from lgrshare.domain.options import option_check, option_from_json
from tests.domain.test_appraisal import EAST, LOOKUP, MYE, RS, SURREY, WEST, WOKING, ages

GUILDFORD = "E07000209"


def report(councils):
    return option_check(option=option_from_json({"name": "t", "councils": councils}), area=SURREY)


def lookup_rows(district_codes):
    header = LOOKUP[0]
    lsoa, ward, lad = (header.index(c) for c in ("lsoa21_code", "ward24_code", "ltla24_code"))
    return [(r[lsoa], r[ward], r[lad]) for r in LOOKUP[1:] if r[lad] in district_codes]


def test_lsoa_rows_go_to_the_council_of_residence_and_other_areas_are_left_out():
    surrey = lookup_rows(EAST + WEST)
    kent = lookup_rows(["E07000105"])[:3]
    frame = pl.DataFrame(
        {
            "lsoa21_code": [r[0] for r in surrey + kent],
            "measure": ["neighbourhoods"] * (len(surrey) + len(kent)),
            "count": [1] * (len(surrey) + len(kent)),
        }
    )
    result = option_indicators(
        frame=frame, report=report({"East": EAST, "West": WEST}), measure="count", by=["measure"]
    )
    values = {i.council: i.value for i in result.items}
    assert values == {
        "East": sum(1 for r in surrey if r[2] in EAST),
        "West": sum(1 for r in surrey if r[2] in WEST),
    }
    assert result.outside_rows == 3
    assert "by residence" in result.items[0].method


def test_district_rows_add_up_and_the_county_is_shared_by_its_basis():
    lines = []
    for code in EAST + WEST:
        if code != WOKING:
            lines.append((code, "net_revenue_expenditure", float(RS[code]["RS-netrevexp-net-exp"])))
    lines.append((SURREY, "net_revenue_expenditure", 1_042_617.0))
    lines.append((SURREY, "adult_social_care", 549_958.0))
    frame = pl.DataFrame(
        {
            "gss_code": [c for c, _, _ in lines],
            "line": [n for _, n, _ in lines],
            "amount_gbp_thousands": [v for _, _, v in lines],
        },
        orient="col",
    )
    result = option_indicators(
        frame=frame,
        report=report({"East": EAST, "West": WEST}),
        measure="amount_gbp_thousands",
        by=["line"],
    )
    got = {(i.council, i.name): i for i in result.items}
    share = sum(int(MYE[d]["All ages"]) for d in EAST) / int(MYE[SURREY]["All ages"])
    nre = sum(float(RS[d]["RS-netrevexp-net-exp"]) for d in EAST) + 1_042_617 * share
    assert got[("East", "net_revenue_expenditure")].value == pytest.approx(nre)
    older = sum(ages(d, 65, 90) for d in EAST) / ages(SURREY, 65, 90)
    assert got[("East", "adult_social_care")].value == pytest.approx(549_958 * older)
    assert "65 and over" in got[("East", "adult_social_care")].method
    assert result.outside_rows == 0


def test_a_split_districts_row_is_shared_by_its_lsoas():
    guildford = lookup_rows([GUILDFORD])
    wards = sorted({r[1] for r in guildford})
    taken = sum(1 for r in guildford if r[1] in wards[:7])
    frame = pl.DataFrame({"gss_code": [GUILDFORD], "amount": [14_996.0]})
    result = option_indicators(
        frame=frame,
        report=report({"East": [*EAST, *wards[:7]], "West": [*WEST[1:], *wards[7:]]}),
        measure="amount",
    )
    values = {i.council: i.value for i in result.items}
    assert values["East"] == pytest.approx(14_996 * taken / len(guildford))
    assert values["East"] + values["West"] == pytest.approx(14_996)


def test_numbers_kept_as_text_are_read_as_numbers():
    frame = pl.DataFrame({"gss_code": [GUILDFORD, WOKING], "amount": ["14996", ""]})
    (west,) = option_indicators(
        frame=frame, report=report({"All": EAST + WEST}), measure="amount"
    ).items
    assert west.value == 14_996
    assert west.withheld == 1


def test_a_missing_or_text_measure_is_refused_with_a_code():
    frame = pl.DataFrame({"gss_code": [GUILDFORD], "amount": ["14,996"]})
    for measure in ("amount", "nothing"):
        with pytest.raises(InvalidInput) as caught:
            option_indicators(frame=frame, report=report({"All": EAST + WEST}), measure=measure)
        assert caught.value.code == "indicator-invalid"


def test_withheld_cells_are_left_out_and_the_figure_says_it_is_a_lower_bound():
    surrey = lookup_rows(EAST)
    frame = pl.DataFrame(
        {"lsoa21_code": [r[0] for r in surrey], "count": [None] + [5] * (len(surrey) - 1)},
        schema={"lsoa21_code": pl.String, "count": pl.Int64},
    )
    (east,) = [
        i
        for i in option_indicators(
            frame=frame, report=report({"East": EAST, "West": WEST}), measure="count"
        ).items
        if i.council == "East"
    ]
    assert east.value == 5 * (len(surrey) - 1)
    assert east.withheld == 1
    assert "lower bound" in east.note

"""The option checker names every problem: gaps, overlaps, unknown codes, codes from another
area, a ward of a district listed whole, an empty council, absurd sizes."""

from __future__ import annotations

import pytest

from lgrshare.domain.appraisal import appraise
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.geography import lsoa_frame
from lgrshare.domain.options import OptionInvalid, option_check, option_from_json

SURREY = "E10000030"
EAST = ["E07000207", "E07000208", "E07000210", "E07000211", "E07000215"]
WEST = ["E07000209", "E07000212", "E07000213", "E07000214", "E07000216", "E07000217"]
GUILDFORD_WARD = "E05014944"  # Ash South, a 2024 ward of Guildford


def check(councils: dict[str, list[str]]):
    return option_check(option=option_from_json({"name": "t", "councils": councils}), area=SURREY)


def codes_of(report) -> list[str]:
    return [p.code for p in report.problems]


def test_two_unitaries_cover_surrey_once():
    report = check({"East": EAST, "West": WEST})
    assert report.valid
    assert set(report.lsoas["East"]).isdisjoint(report.lsoas["West"])
    assert len(report.lsoas["East"]) + len(report.lsoas["West"]) == 719


def test_a_missing_district_is_a_gap_named_with_its_lsoas():
    report = check({"East": EAST, "West": WEST[:-1]})
    assert codes_of(report) == ["unassigned"]
    assert "Woking" in report.problems[0].message


def test_a_district_in_two_councils_is_assigned_twice():
    report = check({"East": [*EAST, "E07000209"], "West": WEST})
    assert codes_of(report) == ["assigned-twice"]
    assert "East" in report.problems[0].message
    assert "West" in report.problems[0].message


def test_a_district_listed_twice_in_one_council_is_assigned_twice():
    assert codes_of(check({"East": EAST + EAST[:1], "West": WEST})) == ["assigned-twice"]


def test_unknown_codes_are_named():
    report = check({"East": [*EAST, "E07999999", "banana"], "West": WEST})
    assert codes_of(report) == ["unknown-code"]
    assert report.problems[0].codes == ("E07999999", "BANANA")


def test_a_district_of_another_county_is_outside_the_area():
    report = check({"East": [*EAST, "E07000105"], "West": WEST})  # Ashford, Kent
    assert codes_of(report) == ["outside-area"]
    assert report.problems[0].council == "East"


def test_a_county_code_asks_for_its_districts():
    assert codes_of(check({"All": [SURREY]})) == ["county-code", "unassigned"]


def test_a_ward_of_a_district_listed_whole_is_named():
    report = check({"East": [*EAST, GUILDFORD_WARD], "West": WEST})
    assert codes_of(report) == ["part-of-whole-district"]
    assert "Guildford" in report.problems[0].message


def test_an_empty_council_is_named_with_the_other_problems():
    report = check({"East": EAST, "West": WEST, "Nowhere": []})
    assert codes_of(report) == ["empty-council"]
    assert report.problems[0].council == "Nowhere"


def test_every_problem_is_named_at_once():
    report = check({"East": [*EAST[1:], "E07000105", "X"], "West": [*WEST, "E07000208"], "E": []})
    assert set(codes_of(report)) == {
        "empty-council",
        "unknown-code",
        "outside-area",
        "assigned-twice",
        "unassigned",
    }


def test_a_split_district_by_wards_is_valid():
    wards = sorted(set(lsoa_frame().filter(district_code="E07000209")["ward_code"].to_list()))
    report = check({"East": [*EAST, *wards[:10]], "West": [*WEST[1:], *wards[10:]]})
    assert report.valid


def test_ten_thousand_councils_are_refused_before_checking():
    body = {"name": "t", "councils": {f"C{i}": ["E07000209"] for i in range(10_000)}}
    with pytest.raises(OptionInvalid) as caught:
        option_from_json(body)
    assert caught.value.code == "too-many-councils"


def test_more_codes_than_the_area_has_lsoas_is_refused():
    report = check({"East": ["E07000209"] * 5000})
    assert codes_of(report) == ["too-many-codes"]


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"councils": {"A": ["E07000209"]}},
        {"name": "", "councils": {"A": ["E07000209"]}},
        {"name": "t", "councils": {}},
        {"name": "t", "councils": {"A": "E07000209"}},
        {"name": "t", "councils": {"A": [1, 2]}},
        {"name": "t", "councils": {" ": ["E07000209"]}},
        {"name": "x" * 121, "councils": {"A": ["E07000209"]}},
    ],
)
def test_a_body_that_is_not_an_option_is_option_invalid(body):
    with pytest.raises(OptionInvalid) as caught:
        option_from_json(body)
    assert caught.value.code == "option-invalid"
    assert caught.value.status == 400


def test_an_option_with_problems_is_not_appraised():
    with pytest.raises(InvalidInput) as caught:
        appraise(report=check({"East": EAST}))
    assert caught.value.code == "option-not-valid"

"""The shipped reference data holds the published figures (checks from the data README)."""

from decimal import Decimal

from lgrshare.domain.reference import CouncilKind, load_reference_data

SURREY, GUILDFORD = "E10000030", "E07000209"


def test_surrey_has_eleven_districts_and_its_county_council():
    data = load_reference_data()
    districts = data.districts_of(SURREY)
    assert len(districts) == 11
    assert {d.kind for d in districts} == {CouncilKind.DISTRICT}
    assert data.by_code()[SURREY].official_name == "Surrey County Council"
    assert GUILDFORD in {d.gss_code for d in districts}


def test_guildford_population_land_area_and_region():
    guildford = load_reference_data().by_code()[GUILDFORD]
    assert guildford.population_mid2024 == 151_359
    assert guildford.land_area_ha == Decimal("27094.46")
    assert guildford.region_name == "South East"
    assert guildford.official_name == "Guildford Borough Council"


def test_england_total_equals_the_sum_of_its_districts_and_unitaries():
    data = load_reference_data()
    lower_tier = [c for c in data.councils if c.kind is not CouncilKind.COUNTY]
    assert data.england_population_mid2024 == 58_620_101
    assert sum(c.population_mid2024 for c in lower_tier) == 58_620_101


def test_every_english_council_by_type():
    data = load_reference_data()
    counts: dict[CouncilKind, int] = {}
    for council in data.councils:
        counts[council.kind] = counts.get(council.kind, 0) + 1
    assert counts == {
        CouncilKind.COUNTY: 21,
        CouncilKind.DISTRICT: 164,
        CouncilKind.UNITARY: 63,
        CouncilKind.METROPOLITAN: 36,
        CouncilKind.LONDON_BOROUGH: 33,
    }


def test_each_county_population_is_the_sum_of_its_districts():
    data = load_reference_data()
    for county in data.counties:
        districts = data.districts_of(county.gss_code)
        assert districts, county.name
        assert county.population_mid2024 == sum(d.population_mid2024 for d in districts)
        assert county.land_area_ha == sum(d.land_area_ha for d in districts)

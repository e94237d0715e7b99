"""Cells as a page shows them: no float noise, proportions as percentages."""

import pytest

from lgrshare.domain.standards.display import cell_text, column_titles, rows_text
from lgrshare.domain.standards.model import FieldSpec, load_standard

RATE = FieldSpec(name="collection_rate", type="number", unit="proportion")
AMOUNT = FieldSpec(name="band_d_council_gbp", type="number", group_char=",")
MONEY = FieldSpec(name="council_tax_requirement_gbp", type="number", unit="£")
DWELLINGS = FieldSpec(name="dwellings_total", type="integer", unit="dwellings")
LATITUDE = FieldSpec(name="latitude", type="number", unit="degrees latitude (WGS84)")


@pytest.mark.parametrize(
    ("spec", "cell", "shown"),
    [
        (RATE, "0.98399999999999999", "98.4%"),  # Guildford 2023-24, DLUHC Table 9
        (RATE, "0.98", "98%"),
        (RATE, "0.9745", "97.45%"),
        (AMOUNT, "0.98399999999999999", "0.984"),
        (AMOUNT, "192.41", "192.41"),
        (AMOUNT, "1,675.08", "1,675.08"),
        (AMOUNT, "not a number", "not a number"),
        (None, "E07000209", "E07000209"),
        (RATE, None, ""),
        # Guildford's 2023-24 council tax requirement and Band D (DLUHC Table 9).
        (MONEY, "11392760", "11,392,760"),
        (MONEY, "2214.77", "2,214.77"),
        (DWELLINGS, "62980", "62,980"),
        (LATITUDE, "51.2362", "51.2362"),
        (None, False, "No"),
        (None, True, "Yes"),
    ],
)
def test_cells_read_as_people_expect(spec, cell, shown):
    assert cell_text(spec, cell) == shown


def test_the_council_tax_base_collection_rate_shows_as_a_percentage():
    standard = load_standard("council-tax-base")
    rows = rows_text(
        standard, ["gss_code", "collection_rate"], [("E07000209", "0.98399999999999999")]
    )
    assert rows == [["E07000209", "98.4%"]]


def test_columns_are_headed_by_their_fields_titles_and_lineage_in_words():
    standard = load_standard("council-tax-base")
    headings = column_titles(
        standard, ["gss_code", "council_tax_requirement_gbp", "source_submission"]
    )
    assert headings == ["Council GSS code", "Council tax requirement (£)", "Source submission"]

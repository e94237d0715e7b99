"""Cells as a page shows them: no float noise, proportions as percentages."""

import pytest

from lgrshare.domain.standards.display import cell_text, rows_text
from lgrshare.domain.standards.model import FieldSpec, load_standard

RATE = FieldSpec(name="collection_rate", type="number", unit="proportion")
AMOUNT = FieldSpec(name="band_d_council_gbp", type="number", group_char=",")


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

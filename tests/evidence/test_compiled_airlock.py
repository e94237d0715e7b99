"""Indicators of a standard derived from personal data add up the protected counts (the
airlock's output), never the rows: a withheld count stays withheld in every council's figure.

The service demand counts are made up for the test at Guildford's real LSOAs (see
tests/datasets/test_compile.py): no such figures are published."""

from __future__ import annotations

from lgrshare.datasets.compile import compile_standard
from lgrshare.domain.options import option_check, option_from_json
from lgrshare.evidence.compiled import figures_of, indicators_of
from tests.conftest import SURREY
from tests.datasets.test_compile import COUNTS, DEMAND, demand  # noqa: F401
from tests.evidence.test_evidence import TWO
from tests.submissions.test_flows import cast  # noqa: F401


def test_a_council_gets_the_sum_of_published_counts_and_says_what_was_withheld(cast, demand):  # noqa: F811
    agreement, _ = demand
    compiled = compile_standard(user=cast["sam"], agreement=agreement, standard_name=DEMAND)
    report = option_check(option=option_from_json(TWO), area=SURREY)
    result = indicators_of(compiled=compiled, report=report, measure="anything")
    lsoa = compiled.frame.filter(
        (compiled.frame["geography"] == "lsoa") & compiled.frame["unit"].str.starts_with("E01")
    )
    published = [c for c in lsoa["count"].to_list() if c is not None]
    (west,) = [i for i in result.indicators.items if i.council == "West Surrey"]
    assert west.value == sum(published)  # 45 + 60 + 50: the LSOAs shown, rounded to 5
    assert west.value != sum(COUNTS)  # never the raw total, which would give the 4 back
    assert west.withheld == lsoa["count"].null_count() == 2
    assert "lower bound" in west.note
    assert "withheld" in result.disclosure
    assert result.measure == "count"  # the protected counts, whatever was asked for
    rows = figures_of(result, report=report, option="Two unitaries")
    east = [r for r in rows if r.council == "East Surrey"]
    assert all(r.value is None for r in east)  # no rows from its districts
    assert all("withheld" in r.disclosure for r in rows)

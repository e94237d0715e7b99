"""Disclosure control: small counts withheld, nothing recoverable by subtraction, rounding."""

from __future__ import annotations

import polars as pl
import pytest

from lgrshare.domain.disclosure import (
    TOTAL,
    DisclosureInputError,
    Rules,
    person_derived,
    protect,
    rates,
)


def _cells(out: pl.DataFrame) -> dict[tuple[str, str], int | None]:
    if "category" not in out.columns:
        out = out.with_columns(pl.lit("").alias("category"))
    return {(u, c): n for u, c, n in out.select("unit", "category", "count").iter_rows()}


def _recoverable(totals: dict[str, int | None], parts: dict[str, int | None]) -> list[str]:
    """An attacker's subtraction, written independently of the code under test: a published
    total with exactly one withheld part gives that part away."""
    hidden = [name for name, value in parts.items() if value is None]
    if len(hidden) == 1 and all(v is not None for v in totals.values()):
        return hidden
    return []


def test_small_counts_are_withheld_and_others_rounded() -> None:
    base = pl.DataFrame({"lsoa": ["A", "B", "C", "D"], "n": [3, 52, 47, 0]})
    out = protect(base, count="n", geographies={"lsoa": "lsoa"}).outputs["lsoa"]
    cells = _cells(out)
    assert cells[("A", "")] is None
    assert cells[("B", "")] == 50
    assert cells[(TOTAL, "")] == 100
    assert cells[("D", "")] == 0  # nobody counted names nobody
    reasons = dict(out.select("unit", "withheld").iter_rows())
    assert reasons["A"] == "small-count"
    assert reasons["C"] == "recoverable-from-total"  # else total - B - D gives A


def test_a_cell_recoverable_from_the_total_is_protected_by_a_second_suppression() -> None:
    base = pl.DataFrame({"ward": ["A", "B", "C"], "n": [3, 50, 40]})
    # Primary suppression alone would publish B, C and the total 93: 93 - 50 - 40 = 3.
    primary_only = {"A": None, "B": 50, "C": 40}
    assert _recoverable({"total": 93}, primary_only) == ["A"]

    protected = protect(base, count="n", geographies={"ward": "ward"})
    cells = _cells(protected.outputs["ward"])
    parts = {u: cells[(u, "")] for u in "ABC"}
    assert parts["A"] is None
    assert _recoverable({"total": cells[(TOTAL, "")]}, parts) == []
    assert cells[("C", "")] is None  # the smallest other count is the one withheld
    assert protected.note.count("recoverable-from-total") == 1


def test_rows_and_columns_of_a_two_way_table_never_have_one_withheld_cell() -> None:
    base = pl.DataFrame(
        {
            "ward": ["A", "A", "A", "B", "B", "B", "C", "C", "C"],
            "service": ["x", "y", "z"] * 3,
            "n": [4, 60, 35, 70, 25, 40, 55, 30, 20],
        }
    )
    out = protect(base, count="n", geographies={"ward": "ward"}, category="service")
    cells = _cells(out.outputs["ward"])
    assert cells[("A", "x")] is None
    for unit in ["A", "B", "C", TOTAL]:
        parts = {c: cells[(unit, c)] for c in "xyz"}
        assert _recoverable({"t": cells[(unit, TOTAL)]}, parts) == [], unit
    for service in ["x", "y", "z", TOTAL]:
        parts = {u: cells[(u, service)] for u in "ABC"}
        assert _recoverable({"t": cells[(TOTAL, service)]}, parts) == [], service


def test_differencing_wards_against_districts_recovers_nothing() -> None:
    base = pl.DataFrame(
        {
            "ward": ["W1", "W2", "W3", "W4", "W5"],
            "district": ["D1", "D1", "D1", "D2", "D2"],
            "n": [4, 30, 25, 12, 35],
        }
    )
    # Protected one geography at a time, the outputs leak: the ward table withholds W1 and
    # W4 (safe by its own total), the district table shows D1 = 59; 59 - 30 - 25 = 4.
    wards_alone = _cells(protect(base, count="n", geographies={"w": "ward"}).outputs["w"])
    districts_alone = _cells(protect(base, count="n", geographies={"d": "district"}).outputs["d"])
    assert wards_alone[("W1", "")] is None
    assert wards_alone[("W2", "")] is not None
    assert wards_alone[("W3", "")] is not None
    assert districts_alone[("D1", "")] is not None

    both = protect(base, count="n", geographies={"ward": "ward", "district": "district"})
    wards, districts = _cells(both.outputs["ward"]), _cells(both.outputs["district"])
    for district, members in {"D1": ["W1", "W2", "W3"], "D2": ["W4", "W5"]}.items():
        parts = {w: wards[(w, "")] for w in members}
        assert _recoverable({"d": districts[(district, "")]}, parts) == [], district
    assert wards[("W1", "")] is None
    assert both.note.count("recoverable-by-differencing") >= 1


def test_a_small_sliver_between_a_proposed_council_and_whole_districts_is_protected() -> None:
    # Proposed council East = district D2 whole plus ward W1 of D1 (4 people). East minus D2
    # would give W1's count, which is never published.
    base = pl.DataFrame(
        {
            "ward": ["W1", "W2", "W3", "W4", "W5"],
            "district": ["D1", "D1", "D1", "D2", "D2"],
            "option": ["East", "West", "West", "East", "East"],
            "n": [4, 300, 250, 120, 350],
        }
    )
    out = protect(base, count="n", geographies={"district": "district", "option": "option"})
    districts, option = _cells(out.outputs["district"]), _cells(out.outputs["option"])
    assert districts[("D2", "")] is None or option[("East", "")] is None
    assert out.note.count("recoverable-by-differencing") >= 1


def test_a_large_sliver_needs_nothing_withheld() -> None:
    base = pl.DataFrame(
        {
            "ward": ["W1", "W2", "W3", "W4"],
            "district": ["D1", "D1", "D2", "D2"],
            "option": ["East", "West", "East", "East"],
            "n": [40, 300, 250, 120],
        }
    )
    out = protect(base, count="n", geographies={"district": "district", "option": "option"})
    assert out.note.withheld == ()
    assert out.note.lines[-1] == "Nothing needed to be withheld."


def test_threshold_is_settable() -> None:
    base = pl.DataFrame({"lsoa": ["A", "B", "C"], "n": [12, 60, 70]})
    out = protect(base, count="n", geographies={"lsoa": "lsoa"}, rules=Rules(threshold=20))
    assert _cells(out.outputs["lsoa"])[("A", "")] is None
    assert "from 1 to 19" in out.note.lines[0]


def test_rates_only_where_the_denominator_passes_and_the_count_is_published() -> None:
    frame = pl.DataFrame({"n": [20, None, 5], "people": [400, 300, 8]})
    out, withheld = rates(frame, numerator="n", denominator="people", per=1000)
    assert out["rate"].to_list() == [50.0, None, None]
    assert withheld == 2


def test_bad_input_is_a_clear_error() -> None:
    base = pl.DataFrame({"lsoa": ["A"], "n": [-1]})
    with pytest.raises(DisclosureInputError) as bad:
        protect(base, count="n", geographies={"lsoa": "lsoa"})
    assert bad.value.code == "disclosure-count-invalid"
    with pytest.raises(DisclosureInputError) as missing:
        protect(base, count="people", geographies={"lsoa": "lsoa"})
    assert missing.value.code == "disclosure-input-invalid"
    with pytest.raises(DisclosureInputError) as rules:
        Rules(threshold=0)
    assert rules.value.code == "disclosure-rules-invalid"


def test_person_derived_classes() -> None:
    assert person_derived("aggregate")
    assert person_derived("special-category")
    assert not person_derived("none")

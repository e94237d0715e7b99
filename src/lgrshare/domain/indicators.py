"""Indicators from compiled submissions, built up to each proposed council of an option.

``option_indicators(frame=, report=, measure=, by=)`` sums the numeric column ``measure`` of a
compiled frame for each proposed council of the valid option in ``report``, one indicator per
value of the ``by`` columns (e.g. ``service_area`` and ``measure``, or a finance ``line``). How
each row reaches a council depends on where the row is, and is named on every indicator:

- ``by-residence``: rows with an LSOA code (``lsoa21_code``) go to the council holding the LSOA;
- ``lsoa-share``: rows of a district go to the councils holding its LSOAs, shared by the share
  of the district's LSOAs each holds (1 for a whole district);
- the county's rows are shared by the basis ``rules/county-split.json`` gives the indicator's
  line (population, or an age group as a proxy), or by population share.

Rows of places outside the area are counted and left out. Pure Python + Polars.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from lgrshare.domain.appraisal import split_rules
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.geography import county_frame, district_frame, lsoa_frame
from lgrshare.domain.options import OptionReport

# Units of a value that means nothing added up over places: a rate, a price per dwelling, a
# length of time, a position. A measure in one of them is not offered as an indicator.
NOT_SUMMED_UNITS = ("proportion", "£ per Band D dwelling", "months")
NOT_SUMMED_PREFIXES = ("degrees",)
LSOA_FIELDS = ("lsoa21_code", "lsoa_code")
COUNCIL_FIELDS = ("council_gss_code", "gss_code", "source_council")
METHODS = {
    "by-residence": "Actual by residence: each LSOA's rows summed into the council that holds it.",
    "lsoa-share": "A district's rows shared by the proportion of its LSOAs in each council "
    "(all of them for a whole district).",
    "county-split": "The county's rows shared by {basis}.",
}


@dataclass(frozen=True, slots=True)
class Indicator:
    council: str
    name: str  # the values of the ``by`` columns, joined
    value: float | None
    method: str
    rows: int  # compiled rows that reached this council
    withheld: int = 0  # of them, cells empty (withheld by disclosure control, or not given)

    @property
    def note(self) -> str:
        if not self.withheld:
            return ""
        return f"{self.withheld:,} empty or withheld cells left out: the figure is a lower bound."

    def as_dict(self) -> dict[str, Any]:
        return {
            "council": self.council,
            "indicator": self.name,
            "value": self.value,
            "method": self.method,
            "rows": self.rows,
            "withheld": self.withheld,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Indicators:
    measure: str
    items: tuple[Indicator, ...]
    outside_rows: int  # rows of places outside the area, left out
    unplaced_rows: int  # rows with no LSOA or council code, left out


def summable(unit: str) -> bool:
    """Whether values in ``unit`` can be added up over places (a count or money can; a
    proportion, a Band D or a number of months cannot)."""
    return unit not in NOT_SUMMED_UNITS and not unit.startswith(NOT_SUMMED_PREFIXES)


def _first(frame: pl.DataFrame, names: Sequence[str]) -> str | None:
    return next((n for n in names if n in frame.columns), None)


def option_indicators(
    *, frame: pl.DataFrame, report: OptionReport, measure: str, by: Sequence[str] = ()
) -> Indicators:
    """Return ``measure`` summed for each council of ``report``'s option, per ``by`` value.

    Raises ``InvalidInput`` (``indicator-invalid``) when the option has problems, ``measure``
    or a ``by`` column is missing, or ``measure`` is not numeric."""
    if not report.valid:
        raise InvalidInput("Indicators need a valid option.", code="indicator-invalid")
    missing = [c for c in (measure, *by) if c not in frame.columns]
    if not missing and frame.schema[measure] == pl.String:
        # Compiled submissions keep the cells as text: numbers are read here, and a column
        # with text that is not a number is not a measure.
        numbers = frame[measure].str.strip_chars().cast(pl.Float64, strict=False)
        given = frame[measure].str.strip_chars().fill_null("") != ""
        if (numbers.is_null() & given).any():
            missing = [measure]
        else:
            frame = frame.with_columns(numbers.alias(measure))
    if missing or not frame.schema[measure].is_numeric():
        raise InvalidInput(
            f"The compiled data has no numeric column {measure!r}"
            + (f" or no {', '.join(c for c in missing if c != measure)}" if missing else "")
            + ".",
            code="indicator-invalid",
        )
    assignment = pl.DataFrame(
        {
            "council": [c for c, codes in report.lsoas.items() for _ in codes],
            "lsoa_code": [code for codes in report.lsoas.values() for code in codes],
        }
    )
    name = (
        pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in by], separator=" / ")
        if by
        else pl.lit(measure)
    )
    work = frame.select(name.alias("indicator"), pl.col(measure).cast(pl.Float64).alias("value"))
    lsoa_col = _first(frame, LSOA_FIELDS)
    council_col = _first(frame, COUNCIL_FIELDS)
    work = work.with_columns(
        (frame[lsoa_col] if lsoa_col else pl.lit(None, dtype=pl.String)).alias("lsoa_code"),
        (frame[council_col] if council_col else pl.lit(None, dtype=pl.String))
        .cast(pl.String)
        .str.strip_chars()
        .str.to_uppercase()
        .alias("place"),
    )
    parts: list[pl.DataFrame] = []

    # 1. By residence: rows with an LSOA in the area.
    by_lsoa = work.filter(pl.col("lsoa_code").is_not_null()).join(
        assignment, on="lsoa_code", how="left"
    )
    outside = by_lsoa.filter(pl.col("council").is_null()).height
    parts.append(
        by_lsoa.filter(pl.col("council").is_not_null()).select(
            "council", "indicator", "value", pl.lit("by-residence").alias("method")
        )
    )

    # 2. District rows, shared by LSOA count.
    rest = work.filter(pl.col("lsoa_code").is_null())
    unplaced = rest.filter(pl.col("place").is_null()).height
    fractions = (
        assignment.join(
            lsoa_frame().select("lsoa_code", "district_code", "lsoas_in_district"), on="lsoa_code"
        )
        .group_by("council", "district_code")
        .agg((pl.len() / pl.col("lsoas_in_district").first()).alias("fraction"))
    )
    districts = rest.join(fractions, left_on="place", right_on="district_code", how="inner")
    parts.append(
        districts.select(
            "council",
            "indicator",
            pl.col("value") * pl.col("fraction"),
            pl.lit("lsoa-share").alias("method"),
        )
    )

    # 3. The county's rows, shared by the line's basis.
    county_rows = rest.filter(pl.col("place") == report.area)
    in_area = set(fractions["district_code"].to_list()) | {report.area}
    outside += rest.filter(
        pl.col("place").is_not_null() & ~pl.col("place").is_in(list(in_area))
    ).height
    if county_rows.height:
        parts.append(_county_share(county_rows, fractions, report.area))

    combined = pl.concat(parts, how="vertical_relaxed")
    summed = combined.group_by("council", "indicator").agg(
        pl.col("value").sum(),
        pl.len().alias("rows"),
        pl.col("value").null_count().alias("nulls"),
        pl.col("method").unique().sort().alias("methods"),
    )
    rules = split_rules()
    items: list[Indicator] = []
    order = {c: i for i, c in enumerate(report.option.councils)}
    for row in summed.sort(
        pl.col("council").replace_strict(order, return_dtype=pl.Int64), "indicator"
    ).to_dicts():
        texts = [
            METHODS["county-split"].format(basis=rules.bases[rules.basis(m[7:])].lower())
            if m.startswith("county:")
            else METHODS[m]
            for m in row["methods"]
        ]
        items.append(
            Indicator(
                council=row["council"],
                name=row["indicator"],
                value=None if row["nulls"] == row["rows"] else row["value"],
                method=" ".join(texts),
                rows=row["rows"],
                withheld=row["nulls"],
            )
        )
    return Indicators(measure, tuple(items), outside, unplaced)


def _county_share(rows: pl.DataFrame, fractions: pl.DataFrame, county: str) -> pl.DataFrame:
    """The county's rows shared between councils by each indicator's basis (rules as data)."""
    rules = split_rules()
    bases = ("population", "age_0_17", "age_65_plus")
    people = (
        fractions.join(district_frame().select("district_code", *bases), on="district_code")
        .group_by("council")
        .agg(*(pl.sum_horizontal(pl.col(b) * pl.col("fraction")).sum().alias(b) for b in bases))
    )
    whole = county_frame().filter(pl.col("county_code") == county).row(0, named=True)
    shares = people.select("council", *((pl.col(b) / whole[b]).alias(f"share_{b}") for b in bases))
    out = rows.join(shares, how="cross").with_columns(
        pl.col("indicator")
        .map_elements(lambda line: rules.basis(line), return_dtype=pl.String)
        .alias("basis")
    )
    return out.select(
        "council",
        "indicator",
        (
            pl.col("value")
            * pl.when(pl.col("basis") == "age_0_17")
            .then(pl.col("share_age_0_17"))
            .when(pl.col("basis") == "age_65_plus")
            .then(pl.col("share_age_65_plus"))
            .otherwise(pl.col("share_population"))
        ).alias("value"),
        (pl.lit("county:") + pl.col("indicator")).alias("method"),
    )

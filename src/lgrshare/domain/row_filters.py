"""Which rows of a table lie in a district or a county, or belong to a period.

A table names places by GSS code in one of its columns (an LSOA ``E01``, a ward ``E05``, a council
``E06``-``E10``). ``geography_column`` finds the finest such column by its values, and
``filter_rows`` keeps the rows whose place lies in the district or county asked for, through the
ONS lookups (LSOA → ward → district, district → county). Pure Polars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from lgrshare.domain.errors import InvalidInput

GSS = r"^E\d{8}$"
DISTRICT = r"^E0[6-9]\d{6}$"
COUNTY = r"^E10\d{6}$"
# How the data writes a period: a year (2024) or a financial year (2023-24, or 2023/24).
PERIOD = r"^\d{4}([-/]\d{2})?$"
# Finest first: the column used to place a row is the finest one the table has.
_LEVELS = (("E01", "lsoa"), ("E05", "ward"), ("E0", "council"), ("E1", "council"))


class RowFilterInvalid(InvalidInput):
    code = "row-filter-invalid"
    title = "The filter is not a place or period this table has"


@dataclass(frozen=True, slots=True)
class RowFilter:
    """``district``: a district, unitary or borough GSS code; ``county``: a county's (E10);
    ``period``: a period as the data names it (e.g. ``2023-24``). An empty one is no filter:
    the API refuses an empty value given explicitly before it builds one."""

    district: str = ""
    county: str = ""
    period: str = ""

    def __post_init__(self) -> None:
        if self.district and not re.match(DISTRICT, self.district):
            raise RowFilterInvalid(
                f"{self.district!r} is not a district or unitary council code (E06, E07, E08 or "
                "E09 and six digits)",
                code="district-code-invalid",
            )
        if self.county and not re.match(COUNTY, self.county):
            raise RowFilterInvalid(
                f"{self.county!r} is not a county code (E10 and six digits)",
                code="county-code-invalid",
            )

    @property
    def empty(self) -> bool:
        return not (self.district or self.county or self.period)


def geography_column(frame: pl.DataFrame) -> str | None:
    """The finest column of GSS codes in ``frame`` (LSOA, then ward, then council), by values:
    every non-empty value of a text column must be a code. None when there is none."""
    best: tuple[int, str] | None = None
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        values = frame.get_column(name).drop_nulls()
        if values.is_empty() or not values.str.contains(GSS).all():
            continue
        first = str(values[0])
        rank = next(
            (i for i, (prefix, _) in enumerate(_LEVELS) if first.startswith(prefix)), len(_LEVELS)
        )
        if best is None or rank < best[0]:
            best = (rank, name)
    return best[1] if best else None


def filter_rows(
    frame: pl.DataFrame,
    where: RowFilter,
    *,
    lsoa_lookup: pl.DataFrame,
    district_county: pl.DataFrame,
    period_columns: tuple[str, ...] = ("source_period", "period", "financial_year"),
    place_column: str | None = None,
) -> pl.DataFrame:
    """Return the rows of ``frame`` inside ``where``'s district and county and of its period.

    ``place_column``: the column naming each row's place, when the caller knows it (a table
    of counts whose totals are named ``Total``); else the finest column of codes.
    ``lsoa_lookup`` has ``lsoa21_code``, ``ward24_code``, ``ltla24_code``; ``district_county``
    has ``ltla23_code``, ``utla23_code``. Raises ``RowFilterInvalid`` when the table names no
    places (``no-geography``) or no period (``no-period``) and the filter asks for one, or for
    a period that is neither one of the table's nor written as periods are (``period-invalid``).
    """
    if where.period:
        column = next((c for c in period_columns if c in frame.columns), None)
        if column is None:
            raise RowFilterInvalid("This table has no period to filter by", code="no-period")
        _period_check(where.period, frame.get_column(column).cast(pl.String))
        frame = frame.filter(pl.col(column).cast(pl.String) == where.period)
    if not (where.district or where.county):
        return frame
    column = place_column or geography_column(frame)
    if column is None:
        raise RowFilterInvalid("This table names no places to filter by", code="no-geography")
    districts = _districts_in(where, district_county)
    codes = pl.col(column)
    lsoas = lsoa_lookup.filter(pl.col("ltla24_code").is_in(districts))
    inside = (
        codes.is_in(districts)
        | codes.is_in(lsoas.get_column("lsoa21_code").implode())
        | codes.is_in(lsoas.get_column("ward24_code").unique().implode())
    )
    if where.county and not where.district:
        inside = inside | (codes == where.county)
    return frame.filter(inside)


def _period_check(period: str, periods: pl.Series) -> None:
    """Refuse a period that is not one of the table's and not written as the data writes
    periods: it would answer no rows, as if there were none for a period that cannot exist. A
    period in that form that the table lacks is a filter that keeps no rows."""
    have = sorted(str(p) for p in periods.drop_nulls().unique().to_list())
    if period in have or re.match(PERIOD, period):
        return
    shown = ", ".join(have[:12]) + (f" and {len(have) - 12} more" if len(have) > 12 else "")
    raise RowFilterInvalid(
        f"period {period!r} is not a period as the data writes them: a year such as 2024 or a "
        f"financial year such as 2023-24" + (f" (this table has {shown})" if have else ""),
        code="period-invalid",
    )


def _districts_in(where: RowFilter, district_county: pl.DataFrame) -> list[str]:
    if where.county:
        in_county = district_county.filter(pl.col("utla23_code") == where.county)
        districts = in_county.get_column("ltla23_code").to_list()
        if where.district:
            districts = [d for d in districts if d == where.district]
        return districts
    return [where.district]

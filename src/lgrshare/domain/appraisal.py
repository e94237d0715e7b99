"""The appraisal of a unitary option: each proposed council's figures, and the spread between them.

``appraise(report=)`` takes a valid ``OptionReport`` (``lgrshare.domain.options``) and returns an
``Appraisal``. Every ``Figure`` names its source (``geography.SOURCES``: publisher, vintage,
licence) and its method (``geography.METHODS`` or the county split rule it used). Missing data
(a council with no outturn return) is null and named, never zero. Pure Python + Polars.

How a proposed council is built: from its LSOAs, each district's *fraction* is the share of the
district's LSOAs it takes (1 for a whole district). District figures are multiplied by that
fraction and summed; the county's lines are shared by the council's share of the county's
population or of an age group, as ``rules/county-split.json`` records per line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl

from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.geography import (
    BANDS,
    ENGLAND_AVERAGE_BAND_D_2023_24,
    GUIDELINE_POPULATION,
    METHODS,
    OUTTURN_LINES,
    SERVICE_LINES,
    SOURCES,
    county_frame,
    district_frame,
    existing_unitaries,
    lsoa_frame,
)
from lgrshare.domain.options import OptionReport
from lgrshare.domain.rules import RulesInvalid, read_rules_file

NEIGHBOURS = 5
# Said wherever a figure of a split district is shown (pages, the pack, the API, the CLI):
# no population by age is published for LSOAs in the shipped data (the IMD 2025 LSOA file
# has scores, ranks and deciles only; mid-2024 estimates and the census are by district).
LSOA_SPLIT_NOTE = (
    "Estimate: includes part of a split district, whose population and ages are shared "
    "equally between its LSOAs (no LSOA population by age is published in the data used), "
    "so the part's figure follows its count of LSOAs, not its people."
)


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    label: str
    value: float | None
    unit: str
    source: str  # a key of SOURCES
    method: str  # a method's text
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        source = SOURCES[self.source]
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "source": source.title,
            "publisher": source.publisher,
            "vintage": source.vintage,
            "method": self.method,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Predecessor:
    code: str
    name: str
    fraction: float  # share of the district's LSOAs in this council (1.0 = whole)
    band_d: float | None
    tax_base: float | None
    # The change this area's Band D would make to reach the council's tax-base-weighted
    # average (METHODS["change-to-harmonise"]): negative when it would fall. The one
    # definition pages, the API and the evidence pack show.
    change_to_harmonise: float | None


@dataclass(frozen=True, slots=True)
class Neighbour:
    code: str
    name: str
    population: int
    density: float
    imd_score: float
    distance: float


@dataclass(frozen=True, slots=True)
class CouncilAppraisal:
    name: str
    lsoa_count: int
    predecessors: tuple[Predecessor, ...]
    figures: tuple[Figure, ...]
    dwellings: Mapping[str, float]
    no_outturn_return: tuple[str, ...]
    no_service_return: tuple[str, ...]
    neighbours: tuple[Neighbour, ...]

    def figure(self, key: str) -> Figure:
        for f in self.figures:
            if f.key == key:
                return f
        raise KeyError(key)

    def value(self, key: str) -> float | None:
        return self.figure(key).value


@dataclass(frozen=True, slots=True)
class Spread:
    key: str
    label: str
    unit: str
    smallest: float
    largest: float
    smallest_council: str
    largest_council: str

    @property
    def difference(self) -> float:
        """Largest minus smallest as shown (``difference``)."""
        return difference(self.smallest, self.largest, self.unit)


@dataclass(frozen=True, slots=True)
class Appraisal:
    option_name: str
    area: str
    area_name: str
    councils: tuple[CouncilAppraisal, ...]
    spread: tuple[Spread, ...]
    county_split: Mapping[str, str]  # line → basis text

    def as_dict(self) -> dict[str, Any]:
        return {
            "option": self.option_name,
            "area": self.area,
            "area_name": self.area_name,
            "councils": [
                {
                    "name": c.name,
                    "lsoa_count": c.lsoa_count,
                    "predecessors": [
                        {
                            "code": p.code,
                            "name": p.name,
                            "fraction": p.fraction,
                            "band_d": p.band_d,
                            "tax_base": p.tax_base,
                            "change_to_harmonise": p.change_to_harmonise,
                        }
                        for p in c.predecessors
                    ],
                    "figures": [f.as_dict() for f in c.figures],
                    "dwellings_by_band": dict(c.dwellings),
                    "no_outturn_return": list(c.no_outturn_return),
                    "no_service_return": list(c.no_service_return),
                    "nearest_unitaries": [
                        {
                            "code": n.code,
                            "name": n.name,
                            "population": n.population,
                            "density": round(n.density, 1),
                            "imd_score": n.imd_score,
                            "distance": round(n.distance, 3),
                        }
                        for n in c.neighbours
                    ],
                }
                for c in self.councils
            ],
            "spread": [
                {
                    "key": s.key,
                    "label": s.label,
                    "unit": s.unit,
                    "smallest": s.smallest,
                    "smallest_council": s.smallest_council,
                    "largest": s.largest,
                    "largest_council": s.largest_council,
                    "difference": s.difference,
                    "method": METHODS["spread"],
                }
                for s in self.spread
            ],
            "county_split": dict(self.county_split),
            "sources": {
                k: {
                    "title": s.title,
                    "publisher": s.publisher,
                    "vintage": s.vintage,
                    "licence": s.licence,
                    "file": s.file,
                }
                for k, s in SOURCES.items()
            },
        }


@dataclass(frozen=True, slots=True)
class SplitRules:
    bases: Mapping[str, str]
    default: str
    lines: Mapping[str, str]

    def basis(self, line: str) -> str:
        return self.lines.get(line, self.default)


@cache
def split_rules() -> SplitRules:
    """The county split rules of ``rules/county-split.json``; raises ``RulesInvalid``."""
    data = read_rules_file("county-split")
    try:
        rules = SplitRules(bases=data["bases"], default=data["default"], lines=data["lines"])
    except KeyError as exc:
        raise RulesInvalid(f"county-split.json: missing {exc}") from exc
    known = {"population", "age_0_17", "age_65_plus"}
    if not set(rules.bases) <= known or not {rules.default, *rules.lines.values()} <= set(
        rules.bases
    ):
        raise RulesInvalid("county-split.json: a line names a basis that is not defined.")
    return rules


_LABELS = {
    "net_revenue_expenditure": "Net revenue expenditure",
    "council_tax_requirement": "Council tax requirement",
    "earmarked_reserves": "Earmarked reserves (other than schools, DSG and public health)",
    "unallocated_reserves": "Unallocated reserves",
    "dsg_adjustment_account": "DSG adjustment account",
    "minimum_revenue_provision": "Minimum revenue provision",
    "external_interest": "External interest payable",
    "education": "Education services",
    "highways_transport": "Highways and transport services",
    "childrens_social_care": "Children's social care",
    "adult_social_care": "Adult social care",
    "public_health": "Public health",
    "housing": "Housing services (general fund)",
    "cultural": "Cultural and related services",
    "environmental_regulatory": "Environmental and regulatory services",
    "planning_development": "Planning and development services",
    "central_services": "Central services",
    "other_services": "Other services",
    "total_service_expenditure": "Total service expenditure",
}
_ADDITIVE = (
    "population",
    "age_0_17",
    "age_18_64",
    "age_65_plus",
    "land_ha",
    "tax_base",
    *(f"dwellings_{b}" for b in BANDS),
    "dwellings_total",
    *OUTTURN_LINES.values(),
    *SERVICE_LINES.values(),
)


def _district_parts(lsoas: Mapping[str, tuple[str, ...]]) -> pl.DataFrame:
    """Each (council, district) pair with the district's fraction and figures times it."""
    assignment = pl.DataFrame(
        {
            "council": [c for c, codes in lsoas.items() for _ in codes],
            "lsoa_code": [code for codes in lsoas.values() for code in codes],
        }
    )
    parts = (
        assignment.join(
            lsoa_frame().select("lsoa_code", "district_code", "lsoas_in_district"),
            on="lsoa_code",
        )
        .group_by("council", "district_code")
        .agg(pl.len().alias("lsoas"), pl.col("lsoas_in_district").first())
        .with_columns((pl.col("lsoas") / pl.col("lsoas_in_district")).alias("fraction"))
        .join(district_frame(), on="district_code", how="left")
    )
    return parts.with_columns(
        (pl.col(c) * pl.col("fraction")).alias(f"part_{c}") for c in _ADDITIVE
    ).sort("council", "district_code")


def _deprivation(lsoas: Mapping[str, tuple[str, ...]]) -> dict[str, dict[str, float]]:
    assignment = pl.DataFrame(
        {
            "council": [c for c, codes in lsoas.items() for _ in codes],
            "lsoa_code": [code for codes in lsoas.values() for code in codes],
        }
    )
    rows = (
        assignment.join(lsoa_frame(), on="lsoa_code")
        .group_by("council")
        .agg(
            (
                (pl.col("imd_score") * pl.col("est_population")).sum()
                / pl.col("est_population").sum()
            ).alias("imd_score"),
            (pl.col("imd_decile") == 1).mean().alias("most_deprived_10"),
            (pl.col("imd_decile") <= 2).mean().alias("most_deprived_20"),
            pl.len().alias("lsoas"),
        )
        .to_dicts()
    )
    return {r["council"]: r for r in rows}


def _sum_or_none(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def appraise(*, report: OptionReport, area_name: str = "") -> Appraisal:
    """Return the appraisal of the valid option in ``report``.

    Raises ``InvalidInput`` (``option-not-valid``) when the report has problems."""
    if not report.valid:
        raise InvalidInput(
            "The option has problems: " + "; ".join(p.message for p in report.problems),
            code="option-not-valid",
        )
    rules = split_rules()
    parts = _district_parts(report.lsoas)
    deprivation = _deprivation(report.lsoas)
    county = county_frame().filter(pl.col("county_code") == report.area).to_dicts()
    county_row = county[0] if county else None

    councils: list[CouncilAppraisal] = []
    for name in report.option.councils:
        rows = parts.filter(pl.col("council") == name).to_dicts()
        councils.append(_council(name, rows, deprivation[name], county_row, rules))
    return Appraisal(
        option_name=report.option.name,
        area=report.area,
        area_name=area_name or (county_row["county_name"] if county_row else report.area),
        councils=tuple(_with_neighbours(c) for c in councils),
        spread=_spread(councils),
        county_split={
            line: rules.bases[rules.basis(line)]
            for line in (*OUTTURN_LINES.values(), *SERVICE_LINES.values())
        },
    )


def _council(
    name: str,
    rows: list[dict[str, Any]],
    deprivation: Mapping[str, float],
    county: Mapping[str, Any] | None,
    rules: SplitRules,
) -> CouncilAppraisal:
    whole = all(r["fraction"] == 1 for r in rows)
    split_note = "" if whole else LSOA_SPLIT_NOTE

    def total(column: str) -> float:
        return float(sum(r[f"part_{column}"] or 0 for r in rows))

    population = total("population")
    land = total("land_ha") if whole else None
    density = population / (land / 100) if land else None
    pop_method = METHODS["sum"] if whole else METHODS["lsoa-share"]
    figures: list[Figure] = [
        Figure(
            "population",
            "Population, mid-2024",
            round(population),
            "people",
            "population",
            pop_method,
            split_note,
        ),
        Figure(
            "age_0_17",
            "Population aged 0-17",
            round(total("age_0_17")),
            "people",
            "population",
            pop_method,
            split_note,
        ),
        Figure(
            "age_18_64",
            "Population aged 18-64",
            round(total("age_18_64")),
            "people",
            "population",
            pop_method,
            split_note,
        ),
        Figure(
            "age_65_plus",
            "Population aged 65 and over",
            round(total("age_65_plus")),
            "people",
            "population",
            pop_method,
            split_note,
        ),
        Figure(
            "land_area_ha",
            "Land area",
            land,
            "hectares",
            "land-area",
            METHODS["sum"] if whole else METHODS["not-apportioned"],
        ),
        Figure(
            "density",
            "Population density",
            density,
            "people per km²",
            "land-area",
            METHODS["density"],
        ),
        Figure(
            "guideline_gap",
            "Difference from the 500,000 guideline",
            round(population) - GUIDELINE_POPULATION,
            "people",
            "population",
            METHODS["guideline"],
        ),
        Figure(
            "imd_score",
            "IMD 2025 score, population-weighted",
            deprivation["imd_score"],
            "score",
            "imd",
            METHODS["imd-weighted"],
        ),
        Figure(
            "imd_most_deprived_10",
            "LSOAs in England's most deprived 10%",
            deprivation["most_deprived_10"],
            "share",
            "imd",
            METHODS["imd-share"],
        ),
        Figure(
            "imd_most_deprived_20",
            "LSOAs in England's most deprived 20%",
            deprivation["most_deprived_20"],
            "share",
            "imd",
            METHODS["imd-share"],
        ),
    ]

    # Council tax: each predecessor's Band D for the new council (district + county).
    predecessors_raw = []
    for r in rows:
        band_d = (
            r["band_d_own"] + r["band_d_county"]
            if r["band_d_own"] is not None and r["band_d_county"] is not None
            else None
        )
        predecessors_raw.append((r, band_d, r["part_tax_base"]))
    priced = [(bd, tb) for _, bd, tb in predecessors_raw if bd is not None and tb]
    tax_base = _sum_or_none([tb for _, _, tb in predecessors_raw])
    weighted = sum(bd * tb for bd, tb in priced) / sum(tb for _, tb in priced) if priced else None
    predecessors = tuple(
        Predecessor(
            code=r["district_code"],
            name=r["district_name"],
            fraction=r["fraction"],
            band_d=bd,
            tax_base=tb,
            change_to_harmonise=weighted - bd if bd is not None and weighted is not None else None,
        )
        for r, bd, tb in predecessors_raw
    )
    bands = [p.band_d for p in predecessors if p.band_d is not None]
    figures += [
        Figure(
            "tax_base",
            "Council tax base (Band D equivalents)",
            tax_base,
            "Band D equivalents",
            "council-tax",
            pop_method,
            split_note,
        ),
        Figure(
            "band_d_lowest",
            "Lowest predecessor Band D",
            min(bands) if bands else None,
            "£",
            "council-tax",
            METHODS["band-d"],
        ),
        Figure(
            "band_d_highest",
            "Highest predecessor Band D",
            max(bands) if bands else None,
            "£",
            "council-tax",
            METHODS["band-d"],
        ),
        Figure(
            "band_d_weighted",
            "Tax-base-weighted average Band D",
            weighted,
            "£",
            "council-tax",
            METHODS["band-d-weighted"],
            f"England average Band D 2023-24 (all precepts): "
            f"£{ENGLAND_AVERAGE_BAND_D_2023_24:,.2f}.",
        ),
    ]

    # Finance: districts' lines (returns received) plus the county's share.
    shares: dict[str, float] = {}
    for basis in ("population", "age_0_17", "age_65_plus"):
        whole_county = county[basis] if county else None
        shares[basis] = total(basis) / whole_county if whole_county else 0.0
    no_outturn = tuple(r["district_name"] for r in rows if r["outturn_received"] is not True)
    no_service = tuple(r["district_name"] for r in rows if r["services_received"] is not True)

    def line(column: str, source: str, received: str) -> float | None:
        own = [r[f"part_{column}"] for r in rows if r[received] is True]
        county_part = None
        if county and county[received] is True and county[column] is not None:
            county_part = county[column] * shares[rules.basis(column)]
        return _sum_or_none([*own, county_part])

    def line_method(column: str) -> str:
        basis = rules.bases[rules.basis(column)]
        return (
            f"{pop_method} Plus the county's line shared by: {basis}. "
            "Councils with no return are left out (named)."
        )

    finance = {c: line(c, "outturn", "outturn_received") for c in OUTTURN_LINES.values()}
    for column, value in finance.items():
        figures.append(
            Figure(
                column,
                _LABELS[column],
                value,
                "£ thousand",
                "outturn",
                line_method(column),
                _no_return_note(no_outturn),
            )
        )
    nre = finance["net_revenue_expenditure"]

    def ratio(numerator: float | None) -> float | None:
        return numerator / nre if numerator is not None and nre else None

    dsg = finance["dsg_adjustment_account"]
    debt = _sum_or_none([finance["minimum_revenue_provision"], finance["external_interest"]])
    figures += [
        Figure(
            "earmarked_share",
            "Earmarked reserves as a share of net revenue expenditure",
            ratio(finance["earmarked_reserves"]),
            "share",
            "outturn",
            METHODS["ratio"],
            _no_return_note(no_outturn),
        ),
        Figure(
            "unallocated_share",
            "Unallocated reserves as a share of net revenue expenditure",
            ratio(finance["unallocated_reserves"]),
            "share",
            "outturn",
            METHODS["ratio"],
            _no_return_note(no_outturn),
        ),
        Figure(
            "dsg_deficit",
            "DSG deficit",
            -dsg if dsg is not None and dsg < 0 else 0.0 if dsg is not None else None,
            "£ thousand",
            "outturn",
            METHODS["dsg-deficit"],
        ),
        Figure(
            "debt_service_share",
            "Debt service as a share of net revenue expenditure",
            ratio(debt),
            "share",
            "outturn",
            METHODS["debt-service"],
            _no_return_note(no_outturn),
        ),
    ]
    for column in SERVICE_LINES.values():
        figures.append(
            Figure(
                column,
                _LABELS[column] + " (net current expenditure, 2024-25)",
                line(column, "service-expenditure", "services_received"),
                "£ thousand",
                "service-expenditure",
                line_method(column),
                _no_return_note(no_service),
            )
        )
    return CouncilAppraisal(
        name=name,
        lsoa_count=int(deprivation["lsoas"]),
        predecessors=predecessors,
        figures=tuple(figures),
        dwellings={b: total(f"dwellings_{b}") for b in BANDS},
        no_outturn_return=no_outturn,
        no_service_return=no_service,
        neighbours=(),
    )


def _no_return_note(names: tuple[str, ...]) -> str:
    if not names:
        return ""
    return f"No return received from {', '.join(names)}: left out, not counted as zero."


@cache
def _unitary_features() -> tuple[pl.DataFrame, dict[str, tuple[float, float]]]:
    frame = existing_unitaries().with_columns(
        pl.col("population").log10().alias("f_population"),
        pl.col("density").log10().alias("f_density"),
        pl.col("imd_score").alias("f_imd"),
    )
    scale = {
        c: (float(frame[c].mean()), float(frame[c].std()))  # type: ignore[arg-type]
        for c in ("f_population", "f_density", "f_imd")
    }
    return frame, scale


def _with_neighbours(council: CouncilAppraisal) -> CouncilAppraisal:
    """``council`` with its ``NEIGHBOURS`` nearest existing unitaries (``METHODS['neighbours']``;
    density is left out of the distance when the council's land area is unknown)."""
    frame, scale = _unitary_features()
    population = council.value("population")
    density = council.value("density")
    imd = council.value("imd_score")
    if not population or imd is None:
        return council
    wanted = {"f_population": math.log10(population), "f_imd": imd}
    if density:
        wanted["f_density"] = math.log10(density)
    distance = pl.sum_horizontal(
        ((pl.col(c) - scale[c][0]) / scale[c][1] - (v - scale[c][0]) / scale[c][1]) ** 2
        for c, v in wanted.items()
    ).sqrt()
    nearest = frame.with_columns(distance.alias("distance")).sort("distance").head(NEIGHBOURS)
    neighbours = tuple(
        Neighbour(
            code=r["code"],
            name=r["name"],
            population=r["population"],
            density=r["density"],
            imd_score=r["imd_score"],
            distance=r["distance"],
        )
        for r in nearest.to_dicts()
    )
    return CouncilAppraisal(
        name=council.name,
        lsoa_count=council.lsoa_count,
        predecessors=council.predecessors,
        figures=council.figures,
        dwellings=council.dwellings,
        no_outturn_return=council.no_outturn_return,
        no_service_return=council.no_service_return,
        neighbours=neighbours,
    )


SPREAD_KEYS = (
    "population",
    "density",
    "imd_score",
    "imd_most_deprived_20",
    "band_d_weighted",
    "tax_base",
    "earmarked_share",
    "unallocated_share",
    "debt_service_share",
)


def _spread(councils: list[CouncilAppraisal]) -> tuple[Spread, ...]:
    if len(councils) < 2:
        return ()
    spreads = []
    for key in SPREAD_KEYS:
        values = [(c.value(key), c.name) for c in councils]
        if any(v is None for v, _ in values):
            continue
        present = [(float(v), n) for v, n in values if v is not None]
        low, high = min(present), max(present)
        figure = councils[0].figure(key)
        spreads.append(Spread(key, figure.label, figure.unit, low[0], high[0], low[1], high[1]))
    return tuple(spreads)


# Decimal places a figure keeps in the evidence pack, by unit (the default: 2). Money to the
# penny, counts whole, shares to a hundredth of a percentage point, scores as published.
PACK_DECIMALS: dict[str, int] = {
    "£": 2,
    "£ thousand": 2,
    "share": 4,
    "score": 3,
    "distance": 3,
    "people per km²": 1,
    "hectares": 2,
    "Band D equivalents": 1,
    "Band D equivalent dwellings": 1,
    "people": 0,
    "dwellings": 0,
    "count": 0,
    "": 0,
}
# Decimal places a page shows, by unit (``format_value``); differences are worked out from
# the values as shown, so a column of differences adds up with what people read.
SHOWN_DECIMALS: dict[str, int] = {
    "share": 3,  # 44.1%
    "score": 1,
    "people per km²": 1,
    "£": 2,
}
# Sums of money at least this large are shown in whole pounds.
WHOLE_POUNDS_FROM = 100_000
MINUS = "\N{MINUS SIGN}"


def rounded(value: float | None, unit: str) -> float | int | None:
    """``value`` to the pack's decimals for ``unit`` (``PACK_DECIMALS``): an int when whole."""
    if value is None:
        return None
    places = PACK_DECIMALS.get(unit, 2)
    return round(value) if places == 0 else round(value, places) + 0.0


def shown(value: float, unit: str) -> float:
    """``value`` as a page shows it (``format_value``'s rounding)."""
    if unit == "£" and abs(value) >= WHOLE_POUNDS_FROM:
        return float(round(value))
    return round(value, SHOWN_DECIMALS.get(unit, 0)) + 0.0


def difference(smallest: float, largest: float, unit: str) -> float:
    """``largest`` minus ``smallest`` as shown (so £1,904.69 less £1,895.88 is £8.81)."""
    high, low = shown(largest, unit), shown(smallest, unit)
    places = 0 if unit == "£" and max(abs(high), abs(low)) >= WHOLE_POUNDS_FROM else None
    return round(high - low, SHOWN_DECIMALS.get(unit, 0) if places is None else places) + 0.0


def format_value(value: float | None, unit: str) -> str:
    """A figure as people read it: missing, a share as %, money and counts with commas,
    whole pounds for large sums, and one minus sign (U+2212) for negatives."""
    if value is None:
        return "not available"
    value = shown(value, unit)
    sign = MINUS if value < 0 else ""
    size = abs(value)
    if unit == "share":
        return f"{sign}{size:.1%}"
    if unit in {"score", "people per km²"}:
        return f"{sign}{size:,.1f}"
    if unit == "£":
        return f"{sign}£{size:,.0f}" if size >= WHOLE_POUNDS_FROM else f"{sign}£{size:,.2f}"
    if unit == "£ thousand":
        return f"{sign}£{size:,.0f}k"
    return f"{sign}{size:,.0f}"


def format_difference(value: float | None, unit: str) -> str:
    """A difference between two figures: between shares, in percentage points."""
    if value is not None and unit == "share":
        points = round(value * 100, 1) + 0.0
        return f"{MINUS if points < 0 else ''}{abs(points):.1f} percentage points"
    return format_value(value, unit)

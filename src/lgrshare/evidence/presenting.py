"""What the options pages show: rows of the side-by-side table and the charts, built once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lgrshare.domain.appraisal import CouncilAppraisal, format_value
from lgrshare.domain.geography import SOURCES
from lgrshare.evidence.charts import CHARTED, bar_chart
from lgrshare.evidence.services import Compared

TABLE_KEYS = (
    "population",
    "age_0_17",
    "age_18_64",
    "age_65_plus",
    "land_area_ha",
    "density",
    "guideline_gap",
    "imd_score",
    "imd_most_deprived_10",
    "imd_most_deprived_20",
    "tax_base",
    "band_d_lowest",
    "band_d_highest",
    "band_d_weighted",
    "net_revenue_expenditure",
    "earmarked_share",
    "unallocated_share",
    "dsg_deficit",
    "debt_service_share",
    "adult_social_care",
    "childrens_social_care",
    "total_service_expenditure",
)


def comparison(compared: Sequence[Compared]) -> dict[str, Any]:
    """Context for the side-by-side table, the charts and the sources of ``compared``."""
    columns = [
        (c.option_set, c.version, council) for c in compared for council in c.appraisal.councils
    ]
    first = columns[0][2]
    rows = []
    for key in TABLE_KEYS:
        figure = first.figure(key)
        rows.append(
            {
                "key": key,
                "label": figure.label,
                "source": SOURCES[figure.source],
                "method": figure.method,
                "cells": [
                    format_value(council.value(key), figure.unit) for _, _, council in columns
                ],
            }
        )
    charts = [
        bar_chart(
            key=key,
            title=first.figure(key).label,
            unit=first.figure(key).unit,
            rows=[(f"{s.name}: {council.name}", council.value(key)) for s, _, council in columns],
        )
        for key in CHARTED
    ]
    spreads = [
        {
            "option": c.option_set.name,
            "rows": [
                {
                    "label": sp.label,
                    "smallest": f"{format_value(sp.smallest, sp.unit)} ({sp.smallest_council})",
                    "largest": f"{format_value(sp.largest, sp.unit)} ({sp.largest_council})",
                    "difference": format_value(sp.difference, sp.unit),
                }
                for sp in c.appraisal.spread
            ],
        }
        for c in compared
        if c.appraisal.spread
    ]
    return {
        "spreads": spreads,
        "details": [
            _detail(c.option_set.name, council)
            for c in compared
            for council in c.appraisal.councils
        ],
        "compared": compared,
        "columns": columns,
        "rows": rows,
        "charts": charts,
        "sources": SOURCES.values(),
    }


def _money(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "not available"
    if not signed:
        return f"£{value:,.2f}"
    if round(value, 2) == 0:
        return "none"
    sign = "+" if value > 0 else "\N{MINUS SIGN}"
    return f"{sign}£{abs(value):,.2f}"


def _detail(option: str, council: CouncilAppraisal) -> dict[str, Any]:
    made_of = ", ".join(
        p.name if p.fraction == 1 else f"part of {p.name} ({p.fraction:.0%} of its LSOAs)"
        for p in council.predecessors
    )
    return {
        "name": council.name,
        "option": option,
        "made_of": made_of,
        "no_return": ", ".join(council.no_outturn_return),
        "average": _money(council.value("band_d_weighted")),
        "predecessors": [
            {
                "name": p.name,
                "band_d": _money(p.band_d),
                "change": _money(
                    -p.harmonisation_gap if p.harmonisation_gap is not None else None, signed=True
                ),
            }
            for p in council.predecessors
        ],
        "neighbours": ", ".join(f"{n.name} ({n.population:,} people)" for n in council.neighbours),
    }

"""What the options pages show: rows of the side-by-side table and the charts, built once, and
the indicators from councils' compiled submissions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lgrshare.councils.models import Area, User
from lgrshare.domain.appraisal import (
    LSOA_SPLIT_NOTE,
    CouncilAppraisal,
    format_difference,
    format_value,
    shown,
)
from lgrshare.domain.evidence_pack import CompiledFigure
from lgrshare.domain.geography import SOURCES
from lgrshare.evidence.charts import CHARTED, bar_chart
from lgrshare.evidence.compiled import compared_indicators, indicator_choices
from lgrshare.evidence.services import Compared

MAX_INDICATOR_CHARTS = 6

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


# Units a cell does not show itself (money shows £, shares %): said in the row's label.
UNITS_IN_LABELS = ("hectares", "people per km²")


def labelled(label: str, unit: str) -> str:
    """``label`` with its unit when the cells do not show it: "Land area (hectares)"."""
    return f"{label} ({unit})" if unit in UNITS_IN_LABELS and unit not in label else label


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
                "label": labelled(figure.label, figure.unit),
                "source": SOURCES[figure.source],
                "method": figure.method,
                "cells": [
                    format_value(council.value(key), figure.unit)
                    + (" *" if council.figure(key).note == LSOA_SPLIT_NOTE else "")
                    for _, _, council in columns
                ],
            }
        )
    charts = [
        bar_chart(
            key=key,
            title=labelled(first.figure(key).label, first.figure(key).unit),
            unit=first.figure(key).unit,
            rows=[(s.name, council.name, council.value(key)) for s, _, council in columns],
        )
        for key in CHARTED
    ]
    spreads = [
        {
            "option": c.option_set.name,
            "rows": [
                {
                    "label": labelled(sp.label, sp.unit),
                    "smallest": f"{format_value(sp.smallest, sp.unit)} ({sp.smallest_council})",
                    "largest": f"{format_value(sp.largest, sp.unit)} ({sp.largest_council})",
                    "difference": format_difference(sp.difference, sp.unit),
                }
                for sp in c.appraisal.spread
            ],
        }
        for c in compared
        if c.appraisal.spread
    ]
    estimated = [
        f"{c.option_set.name}: {council.name}"
        for c in compared
        for council in c.appraisal.councils
        if council.figure("population").note == LSOA_SPLIT_NOTE
    ]
    return {
        "estimated": estimated,
        "split_note": LSOA_SPLIT_NOTE,
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
    if value is None or not signed:
        return format_value(value, "£")
    if shown(value, "£") == 0:
        return "none"
    return ("+" if value > 0 else "") + format_value(value, "£")


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
                "change": _money(p.change_to_harmonise, signed=True),
            }
            for p in council.predecessors
        ],
        "neighbours": ", ".join(f"{n.name} ({n.population:,} people)" for n in council.neighbours),
    }


def indicators(*, user: User, area: Area, compared: Sequence[Compared], key: str) -> dict[str, Any]:
    """Context for the section "Figures from councils' shared data": the choices offered and,
    when ``key`` names one, its table, charts, sources and notes (or why it cannot be shown)."""
    every = indicator_choices(area=area, user=user)
    choices = [c for c in every if c.offered]
    context: dict[str, Any] = {
        "indicator_choices": choices,
        "indicator_key": key,
        # Shared data this person's role (or council) may never compile: said, not offered.
        "indicator_not_yours": sorted(
            {
                (f"{c.standard_title} ({c.agreement_reference})", c.refusal_message)
                for c in every
                if not c.offered
            }
        ),
    }
    if not key or not choices:
        return context
    shown = compared_indicators(user=user, area=area, compared=compared, key=key)
    context["indicator"] = shown
    if shown.refused is not None:
        return context
    unit = shown.figures[0].unit if shown.figures else ""
    found = {(f.option, f.council, f.indicator): f for f in shown.figures}
    names = list(dict.fromkeys(f.indicator for f in shown.figures))
    columns = [
        (c.option_set.name, council.name) for c in compared for council in c.appraisal.councils
    ]
    rows = [
        {
            "name": name,
            "cells": [_figure_text(found.get((o, c, name)), unit) for o, c in columns],
        }
        for name in names
    ]
    charts = [
        bar_chart(
            key=f"indicator-{i}",
            title=f"{shown.choice.label}: {name}" if len(names) > 1 else shown.choice.label,
            unit=unit,
            rows=[(o, c, f.value if (f := found.get((o, c, name))) else None) for o, c in columns],
        )
        for i, name in enumerate(names[:MAX_INDICATOR_CHARTS], start=1)
    ]
    notes = list(
        dict.fromkeys(f"{f.option}, {f.council}: {f.note}" for f in shown.figures if f.note)
    )
    methods = list(dict.fromkeys(f.method for f in shown.figures if f.value is not None))
    first = shown.figures[0] if shown.figures else None
    context.update(
        indicator_rows=rows,
        indicator_charts=charts,
        indicator_notes=notes,
        indicator_methods=methods,
        indicator_source=first.source if first else "",
        indicator_vintage=first.vintage if first else "",
        indicator_disclosure=first.disclosure if first else "",
    )
    return context


def _figure_text(figure: CompiledFigure | None, unit: str) -> str:
    if figure is None or figure.value is None:
        return format_value(None, unit)
    return format_value(figure.value, unit) + (" *" if figure.note else "")

"""Server-rendered bar charts of option figures: geometry for an accessible SVG.

Each chart is one figure (population, IMD score, ...) with a horizontal bar per proposed
council, grouped by option. The page shows the same figures in a table, which is the chart's
text alternative; the SVG has a title and a description and marks the 500,000 guideline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lgrshare.domain.appraisal import format_value
from lgrshare.domain.geography import GUIDELINE_POPULATION

LABEL_WIDTH = 260
BAR_AREA = 360
ROW = 28
CHARTED = (
    "population",
    "density",
    "imd_score",
    "band_d_weighted",
    "earmarked_share",
    "debt_service_share",
)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: float
    missing: bool


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    title: str
    description: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    marker_x: float | None  # the guideline, on the population chart
    label_width: int = LABEL_WIDTH


def bar_chart(
    *, key: str, title: str, unit: str, rows: Sequence[tuple[str, float | None]]
) -> Chart:
    """Return the chart of ``rows`` ((label, value) in order); missing values get no bar."""
    present = [v for _, v in rows if v is not None]
    # Room for the longest label (about 7.5 units a character at font size 14), so a label
    # such as "Three unitaries (East, North and West): East Surrey" is not cut off.
    label_width = max(LABEL_WIDTH, max((len(label) for label, _ in rows), default=0) * 15 // 2 + 16)
    top = max([*present, GUIDELINE_POPULATION if key == "population" else 0.0, 1e-9])
    bars = tuple(
        Bar(
            label=label,
            value_text=format_value(value, unit),
            y=i * ROW,
            width=max(0.0, value) / top * BAR_AREA if value is not None else 0.0,
            missing=value is None,
        )
        for i, (label, value) in enumerate(rows)
    )
    described = "; ".join(f"{b.label}: {b.value_text}" for b in bars)
    return Chart(
        key=key,
        title=title,
        description=described,
        width=label_width + BAR_AREA + 110,
        height=len(bars) * ROW + 10,
        bars=bars,
        marker_x=label_width + GUIDELINE_POPULATION / top * BAR_AREA
        if key == "population"
        else None,
        label_width=label_width,
    )

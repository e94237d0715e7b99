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
VALUE_WIDTH = 130  # room for a value such as £22,604,728 right of the bars
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
    heading: bool = False  # an option's name above its councils' bars, no bar of its own


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

    @property
    def value_x(self) -> int:
        """Where the values are written: right of the bars' area, so the guideline (within
        the area) never runs through them."""
        return self.label_width + BAR_AREA + 8


def bar_chart(
    *, key: str, title: str, unit: str, rows: Sequence[tuple[str, str, float | None]]
) -> Chart:
    """Return the chart of ``rows`` ((option, proposed council, value) in order): each
    option's name once above its councils' bars, each bar labelled by its council only;
    missing values get no bar."""
    present = [v for _, _, v in rows if v is not None]
    # Room for the longest label (about 7.5 units a character at font size 14).
    label_width = max(
        LABEL_WIDTH, max((len(label) for _, label, _ in rows), default=0) * 15 // 2 + 16
    )
    top = max([*present, GUIDELINE_POPULATION if key == "population" else 0.0, 1e-9])
    grouped = len({group for group, _, _ in rows}) > 1
    bars: list[Bar] = []
    seen: set[str] = set()
    for group, label, value in rows:
        if grouped and group not in seen:
            seen.add(group)
            bars.append(Bar(group, "", len(bars) * ROW, 0.0, True, heading=True))
        bars.append(
            Bar(
                label=label,
                value_text=format_value(value, unit),
                y=len(bars) * ROW,
                width=max(0.0, value) / top * BAR_AREA if value is not None else 0.0,
                missing=value is None,
            )
        )
    described = "; ".join(
        f"{group}: {label}: {format_value(value, unit)}" for group, label, value in rows
    )
    return Chart(
        key=key,
        title=title,
        description=described,
        width=label_width + BAR_AREA + VALUE_WIDTH,
        height=len(bars) * ROW + 10,
        bars=tuple(bars),
        marker_x=label_width + GUIDELINE_POPULATION / top * BAR_AREA
        if key == "population"
        else None,
        label_width=label_width,
    )

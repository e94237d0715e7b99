"""Statistical disclosure control for outputs derived from personal data.

``protect(base, count=, geographies=, category=, rules=)`` turns a table of counts at the finest
level (one row per small area and category, with a column naming each coarser unit it falls in)
into one output per geography, every count either rounded or suppressed, and a ``Note`` saying
what was suppressed and why. ``rates(...)`` gives a rate only where its denominator passes.

The rules, in order:

1. **Primary suppression**: a count from 1 to ``threshold - 1`` (default 10, set per agreement)
   is withheld (``small-count``). A zero is published: it says nobody was counted, which names no
   one (``Rules.suppress_zeros`` withholds zeros too).
2. **Secondary suppression** (``recoverable-from-total``): every published total is an equation
   (the total of a unit across categories, of a category across units, the grand total). Where
   an equation has exactly one withheld member, that member could be recovered by subtraction,
   so the smallest other published member is withheld too. Repeated until no equation has one.
3. **Differencing across geographies** (``recoverable-by-differencing``): when the same table
   is published at two geographies (wards and districts, districts and a proposed council), a
   coarse unit minus the finer units wholly inside it is an equation too. Where the finer units
   fill it exactly, this is step 2 again (a district minus all its wards but one gives that
   ward). Where they do not, the difference is a *sliver* that is never published but could be
   computed: if it is a small count, one of the published cells it is computed from is withheld.
4. **Rounding**: every published count is rounded to the nearest multiple of ``base`` (5),
   halves up; totals are rounded on their own, so they may not add up exactly.

What it cannot see: protection is against subtraction along the published equations (rows,
columns, totals, nesting and slivers between two geographies), the attacks that work in
practice on such tables. It does not solve the full linear system (an attacker combining many
equations at once may narrow a withheld count to a range), nor know about figures published
outside LGR Share; rounding narrows that risk further.

Using it (the whole API): ``protect`` once per table, with *every* geography at which that
table is published (say LSOA, ward, district and each option's proposed councils): outputs made
by separate calls are not protected against differencing each other. Read
``Protected.outputs[name]`` (``unit``, ``category``, ``count``, ``withheld``) and show
``Protected.note.lines`` beside it (``note.to_json()`` for an API or an export). ``rates`` after
``protect``, on its published counts. ``person_derived(standard.personal_data)`` says whether a
standard's outputs need any of this; ``Rules(threshold=...)`` takes the agreement's threshold.

Pure Python and Polars: no Django.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from lgrshare.domain.errors import InvalidInput

# Personal-data classes of a standard (``domain.standards.model.PERSONAL_DATA_CLASSES``) whose
# data is derived from records about people: every output of them goes through ``protect``.
PERSON_DERIVED = frozenset({"aggregate", "personal", "special-category"})

TOTAL = "Total"

REASONS = {
    "small-count": "fewer than {threshold}, so it could identify someone",
    "recoverable-from-total": "withheld as well, so a hidden count cannot be worked out by "
    "subtracting the others from a total",
    "recoverable-by-differencing": "withheld as well, so a hidden count cannot be worked out by "
    "comparing the table at two geographies",
    "denominator-too-small": "a rate over fewer than {threshold} is not given",
    "numerator-suppressed": "a rate whose count is withheld is not given",
}


class DisclosureInputError(InvalidInput):
    code = "disclosure-input-invalid"
    title = "The table cannot be made safe as given"


def person_derived(personal_data: str) -> bool:
    """Whether a standard's personal-data class means its outputs need disclosure control."""
    return personal_data in PERSON_DERIVED


@dataclass(frozen=True, slots=True)
class Rules:
    """``threshold``: the smallest count shown; ``base``: what published counts round to."""

    threshold: int = 10
    base: int = 5
    suppress_zeros: bool = False

    def __post_init__(self) -> None:
        if self.threshold < 1 or self.base < 1:
            raise DisclosureInputError(
                "The suppression threshold and rounding base must be whole numbers of 1 or more",
                code="disclosure-rules-invalid",
            )

    def small(self, value: int) -> bool:
        return (value > 0 or self.suppress_zeros) and value < self.threshold

    def rounded(self, value: int) -> int:
        return int((value + self.base / 2) // self.base) * self.base


@dataclass(frozen=True, slots=True)
class Withheld:
    """One withheld cell: the geography, the unit, the category (None without categories)."""

    geography: str
    unit: str
    category: str | None
    reason: str


@dataclass(frozen=True)
class Note:
    """What was done to an output, for the people reading it and for its ``about`` text."""

    rules: Rules
    withheld: tuple[Withheld, ...] = ()
    rates_withheld: int = 0

    def count(self, reason: str) -> int:
        return sum(1 for w in self.withheld if w.reason == reason)

    @property
    def lines(self) -> list[str]:
        """The note in words."""
        threshold = self.rules.threshold
        lines = [
            f"Counts from 1 to {threshold - 1} are withheld; other counts are rounded to the "
            f"nearest {self.rules.base}, so totals may not add up exactly."
        ]
        for reason in ("small-count", "recoverable-from-total", "recoverable-by-differencing"):
            n = self.count(reason)
            if n:
                why = REASONS[reason].format(threshold=threshold)
                lines.append(f"{n} {'count' if n == 1 else 'counts'} withheld: {why}.")
        if self.rates_withheld:
            lines.append(
                f"{self.rates_withheld} rates not given: their count is withheld or they are "
                f"over fewer than {threshold}."
            )
        if not self.withheld and not self.rates_withheld:
            lines.append("Nothing needed to be withheld.")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "threshold": self.rules.threshold,
            "rounding_base": self.rules.base,
            "withheld": {r: self.count(r) for r in REASONS if r in _CELL_REASONS},
            "rates_withheld": self.rates_withheld,
            "cells": [
                {
                    "geography": w.geography,
                    "unit": w.unit,
                    "category": w.category,
                    "reason": w.reason,
                }
                for w in self.withheld
            ],
            "text": self.lines,
        }


_CELL_REASONS = ("small-count", "recoverable-from-total", "recoverable-by-differencing")


@dataclass(frozen=True)
class Protected:
    """``outputs``: per geography name, a long table with columns ``unit``, ``category`` (when
    the input had one), ``count`` (rounded; null where withheld) and ``withheld`` (the reason
    code, null where published). Totals are rows whose unit or category is ``"Total"``."""

    outputs: Mapping[str, pl.DataFrame]
    note: Note


# A cell: (geography, unit, category). Totals use geography "" and unit TOTAL (a category's
# total over everything, the same at every geography), or a real unit and category TOTAL.
Cell = tuple[str, str, str]


@dataclass
class _Table:
    rules: Rules
    values: dict[Cell, int] = field(default_factory=dict)
    hidden: dict[Cell, str] = field(default_factory=dict)
    # Unpublished differences (slivers): always hidden; they only matter when small.
    slivers: set[Cell] = field(default_factory=set)
    # Each equation: a total and what adds up to it, and the reason to give when one of its
    # members could be recovered from the others.
    equations: list[tuple[list[Cell], str]] = field(default_factory=list)

    def equate(self, cells: list[Cell], *, across: bool = False) -> None:
        reason = "recoverable-by-differencing" if across else "recoverable-from-total"
        self.equations.append((cells, reason))

    def solve(self) -> None:
        """Withhold cells until no equation has exactly one hidden member that matters."""
        member_of: dict[Cell, list[int]] = defaultdict(list)
        for index, (equation, _) in enumerate(self.equations):
            for cell in equation:
                member_of[cell].append(index)
        queue = list(range(len(self.equations)))
        while queue:
            index = queue.pop()
            equation, reason = self.equations[index]
            hidden = [c for c in equation if c in self.hidden]
            if len(hidden) != 1:
                continue
            (lone,) = hidden
            if lone in self.slivers and not self.rules.small(self.values[lone]):
                continue  # a sliver that can be worked out but names no one
            published = [c for c in equation if c not in self.hidden]
            if not published:
                continue
            # Withhold the smallest other count, preferring one that is not zero (withholding
            # a zero next to a small count protects little: both are known to be small).
            choice = min(published, key=lambda c: (self.values[c] == 0, self.values[c], c))
            self.hidden[choice] = reason
            queue.extend(member_of[choice])


def protect(
    base: pl.DataFrame,
    *,
    count: str,
    geographies: Mapping[str, str],
    category: str | None = None,
    rules: Rules | None = None,
) -> Protected:
    """Return the outputs of ``base`` at each geography, suppressed and rounded, with a note.

    ``base``: one row per finest unit (and category), its ``count`` column a whole number, and a
    column for each geography (``geographies`` maps an output's name to its column, finest
    first is usual but not needed). Rows of the same unit and category are added together.
    Raises ``DisclosureInputError`` (``disclosure-input-invalid``) for a missing column, a
    negative or fractional count, or no geography.
    """
    rules = rules or Rules()
    if not geographies:
        raise DisclosureInputError("Name at least one geography to publish")
    needed = [count, *geographies.values(), *([category] if category else [])]
    missing = [name for name in needed if name not in base.columns]
    if missing:
        raise DisclosureInputError(f"The table has no column {', '.join(missing)}")
    cat = pl.col(category).cast(pl.String).fill_null("") if category else pl.lit("")
    counts = pl.col(count).cast(pl.Float64, strict=False)
    frame = base.select(
        *[
            pl.col(column).cast(pl.String).fill_null("").alias(column)
            for column in dict.fromkeys(geographies.values())
        ],
        cat.alias("__category"),
        counts.alias("__count"),
    )
    bad = frame.filter(
        pl.col("__count").is_null() | (pl.col("__count") < 0) | (pl.col("__count") % 1 != 0)
    )
    if bad.height:
        raise DisclosureInputError(
            f"Counts must be whole numbers of 0 or more ({bad.height} rows are not)",
            code="disclosure-count-invalid",
        )
    # Everything below works on the finest cells (one row per place in every geography and
    # category), so its cost follows the number of places, not of rows.
    places = list(dict.fromkeys(geographies.values()))
    frame = frame.group_by(*places, "__category").agg(pl.col("__count").cast(pl.Int64).sum())
    table = _Table(rules)
    categories = sorted(frame["__category"].unique().to_list())
    _add_geographies(table, frame, geographies, categories)
    _add_differencing(table, frame, geographies, categories)
    for cell, value in table.values.items():
        if cell not in table.slivers and rules.small(value):
            table.hidden[cell] = "small-count"
    for cell in table.slivers:
        table.hidden[cell] = "sliver"
    table.solve()
    outputs = {
        name: _output(table, name, with_category=category is not None) for name in geographies
    }
    withheld = tuple(
        Withheld(geo or "all", unit, cat_ if category else None, reason)
        for (geo, unit, cat_), reason in sorted(table.hidden.items())
        if reason != "sliver"
    )
    return Protected(outputs=outputs, note=Note(rules=rules, withheld=withheld))


def _add_geographies(
    table: _Table, frame: pl.DataFrame, geographies: Mapping[str, str], categories: list[str]
) -> None:
    grand = frame.group_by("__category").agg(pl.col("__count").sum())
    for cat, value in grand.iter_rows():
        table.values[("", TOTAL, cat)] = value
    table.values[("", TOTAL, TOTAL)] = int(frame["__count"].sum())
    several = len(categories) > 1
    for name, column in geographies.items():
        cells = frame.group_by(column, "__category").agg(pl.col("__count").sum())
        by_unit: dict[str, list[Cell]] = defaultdict(list)
        by_category: dict[str, list[Cell]] = defaultdict(list)
        for unit, cat, value in cells.iter_rows():
            cell = (name, unit, cat)
            table.values[cell] = value
            by_unit[unit].append(cell)
            by_category[cat].append(cell)
        for cat, members in by_category.items():
            table.equate([("", TOTAL, cat), *members])
        if several:
            for unit, members in by_unit.items():
                unit_total = (name, unit, TOTAL)
                table.values[unit_total] = sum(table.values[c] for c in members)
                table.equate([unit_total, *members])
                by_category[TOTAL].append(unit_total)
            table.equate([("", TOTAL, TOTAL), *by_category[TOTAL]])
    table.equate([("", TOTAL, TOTAL), *[("", TOTAL, cat) for cat in categories]])


def _add_differencing(
    table: _Table, frame: pl.DataFrame, geographies: Mapping[str, str], categories: list[str]
) -> None:
    """For each pair of geographies, each coarse unit minus the finer units wholly inside it."""
    names = list(geographies)
    cats = [*categories, TOTAL] if len(categories) > 1 else categories
    for fine in names:
        for coarse in names:
            fine_col, coarse_col = geographies[fine], geographies[coarse]
            if fine == coarse or fine_col == coarse_col:
                continue
            # Fine units that lie in exactly one coarse unit, by the rows of the base table.
            inside = (
                frame.group_by(fine_col)
                .agg(pl.col(coarse_col).n_unique().alias("n"), pl.col(coarse_col).first())
                .filter(pl.col("n") == 1)
            )
            contained: dict[str, list[str]] = defaultdict(list)
            for unit, parent in inside.select(fine_col, coarse_col).iter_rows():
                contained[parent].append(unit)
            if not contained:
                continue
            sizes = frame.group_by(coarse_col).agg(pl.col(fine_col).n_unique().alias("n"))
            whole = dict(sizes.iter_rows())
            for parent, units in contained.items():
                exact = len(units) == whole.get(parent, 0)
                if not exact and len(units) == 0:
                    continue
                for cat in cats:
                    members = [(fine, u, cat) for u in units if (fine, u, cat) in table.values]
                    parent_cell = (coarse, parent, cat)
                    if parent_cell not in table.values or not members:
                        continue
                    if exact:
                        table.equate([parent_cell, *members], across=True)
                        continue
                    sliver: Cell = (f"{coarse}-{fine}", parent, cat)
                    table.values[sliver] = table.values[parent_cell] - sum(
                        table.values[c] for c in members
                    )
                    table.slivers.add(sliver)
                    table.equate([parent_cell, *members, sliver], across=True)


def _output(table: _Table, name: str, *, with_category: bool) -> pl.DataFrame:
    rows = []
    for cell, value in table.values.items():
        geo, unit, cat = cell
        if geo not in (name, "") or cell in table.slivers:
            continue
        reason = table.hidden.get(cell)
        rows.append(
            {
                "unit": unit,
                "category": cat,
                "count": None if reason else table.rules.rounded(value),
                "withheld": reason,
            }
        )
    out = pl.DataFrame(
        rows,
        schema={"unit": pl.String, "category": pl.String, "count": pl.Int64, "withheld": pl.String},
    )
    out = out.sort([pl.col("unit") == TOTAL, "unit", pl.col("category") == TOTAL, "category"])
    if not with_category:
        out = out.filter(pl.col("category") != TOTAL).drop("category")
    return out


def rates(
    frame: pl.DataFrame,
    *,
    numerator: str,
    denominator: str,
    rules: Rules | None = None,
    per: float = 1.0,
    name: str = "rate",
) -> tuple[pl.DataFrame, int]:
    """Return ``frame`` with a ``name`` column (numerator / denominator * ``per``) given only
    where the denominator is at least the threshold and the numerator is published (a rate over
    a published denominator would give a withheld count back); and how many were withheld.
    ``numerator`` null means withheld (as ``protect`` leaves it)."""
    rules = rules or Rules()
    passes = (pl.col(denominator) >= rules.threshold) & pl.col(numerator).is_not_null()
    out = frame.with_columns(
        pl.when(passes)
        .then(pl.col(numerator) / pl.col(denominator) * per)
        .otherwise(None)
        .alias(name)
    )
    withheld = out.filter(pl.col(name).is_null()).height
    return out, withheld

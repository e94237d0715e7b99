"""A profile of each field, built batch by batch in bounded memory.

Per field: cells filled, distinct values, minimum and maximum (of valid typed values; for text,
the shortest and longest length instead), and the most common values. Distinct values are
counted exactly up to 65,536 (by 64-bit hash); past that by adaptive sampling of the hashes (a
value is kept when its hash falls below a threshold that halves whenever the sample is full,
down to half full), an estimate within about 1%. A table's fields share a budget
(``profilers_for``): a table of more than 64 fields counts each exactly to fewer (at least
1,024, an estimate within about 4% past that) and keeps fewer values' counts for the most common
(at least 32), so that a wide table's profiles take bounded memory.

A field checked by value (see ``checks``) has its most common values counted exactly from its
value tables. Otherwise they are counted exactly in batches of up to 50,000 rows; in bigger
batches (big files) from one row in 16 (picked by a hash of the row number), with the counts
scaled up and ``most_common_exact`` false, listing only values seen 3 times or more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from lgrshare.domain.standards.casting import display
from lgrshare.domain.standards.model import FieldSpec
from lgrshare.domain.validation.checks import COUNT, typed_col, value_col
from lgrshare.domain.validation.errors import clip
from lgrshare.domain.validation.frame import ROW
from lgrshare.domain.validation.report import FieldProfile

EXACT_DISTINCT = 65_536
EXACT_ROWS = 50_000
SAMPLE_EVERY = 16
TOP = 5
HASH_SEED = 11
KEEP_COUNTS = 10_000
PENDING_BATCHES = 16
MIN_SAMPLE_HITS = 3
# Past this many fields profiled cell by cell, the value counts of a batch of at most
# ``WIDE_ROWS`` rows are one query.
WIDE_FIELDS = 64
WIDE_ROWS = 256
# A field's counts of at most this many values are sorted in Python.
FEW_COUNTS = 64
# A field's first values and hashes, while at most this many, are kept in Python: a wide table
# has thousands of fields of a few values each, and each Polars object costs a kilobyte or more.
FEW_KEPT = 64
HASH_FIELDS = 512
# A table's profiles keep at most about this many distinct hashes and value counts in all,
# shared among its fields (``profilers_for``).
TABLE_HASHES = 1 << 22
TABLE_COUNTS = 250_000


@dataclass(slots=True)
class FieldProfiler:
    """Accumulates one field's profile: ``aggregates`` into a batch's pass, then ``add``."""

    spec: FieldSpec
    # Distinct values counted exactly up to ``exact``; ``keep`` values' counts kept.
    exact: int = EXACT_DISTINCT
    keep: int = KEEP_COUNTS
    filled: int = 0
    low: Any = None
    high: Any = None
    level: int = 0
    sampled: bool = False
    pruned: bool = False
    hashes: pl.Series | None = None
    new_hashes: list[pl.Series] = field(default_factory=list)
    pending: list[pl.DataFrame] = field(default_factory=list)
    counts: pl.DataFrame | None = None
    # The distinct hashes and value counts while they are few (``FEW_KEPT``), in Python; moved
    # to the Polars state above for good when they grow.
    # (Made at the first batch: a wide table's thousands of empty ones would cost megabytes.)
    few_hashes: set[int] | None = None
    few_counts: dict[str, int] | None = None
    grown: bool = False

    def aggregates(self) -> list[pl.Expr]:
        """Return the expressions this field needs from a batch's single pass."""
        name = self.spec.name
        # Text is profiled by its length: comparing every string costs more than the checks.
        ranged = pl.col(value_col(name)).str.len_chars() if self._text else pl.col(typed_col(name))
        return [
            pl.col(value_col(name)).count().alias(f"filled:{name}"),
            ranged.min().alias(f"low:{name}"),
            ranged.max().alias(f"high:{name}"),
        ]

    @property
    def _text(self) -> bool:
        return self.spec.type == "string"

    def hashes_expr(self) -> pl.Expr:
        """Return the expression giving the batch's distinct value hashes (one list)."""
        hashed = pl.col(value_col(self.spec.name)).drop_nulls().hash(seed=HASH_SEED)
        if self.level:
            hashed = hashed.filter(hashed < self._threshold())
        return hashed.unique().implode().alias(f"hashes:{self.spec.name}")

    def table_aggregates(self) -> list[pl.Expr]:
        """Return the aggregates this field needs from its value table (``checks.table_query``):
        cells filled, range, and the distinct values' hashes."""
        name = self.spec.name
        value = pl.col(value_col(name))
        ranged = value.str.len_chars() if self._text else pl.col(typed_col(name))
        return [
            pl.col(COUNT).sum().cast(pl.Int64).alias(f"filled:{name}"),
            ranged.min().alias(f"low:{name}"),
            ranged.max().alias(f"high:{name}"),
            value.hash(seed=HASH_SEED).implode().alias(f"hashes:{name}"),
        ]

    def add_table(self, sums: Mapping[str, Any], table: pl.DataFrame) -> None:
        """Add one batch from the field's value table (``checks.value_tables``) and its
        ``table_aggregates`` (in ``sums``): exact counts."""
        name = self.spec.name
        self._add_range(sums[f"filled:{name}"], sums[f"low:{name}"], sums[f"high:{name}"])
        # The hashes under a sampling level are dropped when they are merged.
        self._add_counts(sums[f"hashes:{name}"], table)

    def add(
        self, sums: Mapping[str, Any], hashes: pl.Series, counts: pl.DataFrame, *, sampled: bool
    ) -> None:
        """Add one batch: its aggregates, distinct hashes and value counts (maybe of a sample,
        already scaled up: ``sketch_queries``)."""
        name = self.spec.name
        self._add_range(sums[f"filled:{name}"], sums[f"low:{name}"], sums[f"high:{name}"])
        if sampled:
            self.sampled = True
        self._add_counts(hashes, counts)

    def _add_range(self, filled: int, low: Any, high: Any) -> None:
        self.filled += filled
        if low is not None and (self.low is None or low < self.low):
            self.low = low
        if high is not None and (self.high is None or high > self.high):
            self.high = high

    def _add_counts(self, hashes: pl.Series, counts: pl.DataFrame) -> None:
        if not self.grown:
            few_hashes, few_counts = self.few_hashes or set(), self.few_counts or {}
            if (
                len(few_hashes) + hashes.len() <= FEW_KEPT
                and len(few_counts) + counts.height <= FEW_KEPT
            ):
                few_hashes.update(hashes.to_list())
                values, numbers = counts.get_column("value"), counts.get_column("n")
                for value, n in zip(values.to_list(), numbers.to_list(), strict=True):
                    few_counts[value] = few_counts.get(value, 0) + n
                self.few_hashes, self.few_counts = few_hashes, few_counts
                return
            self._grown()
        self.new_hashes.append(hashes.rename("h"))
        if sum(part.len() for part in self.new_hashes) > self.exact:
            self._merge_hashes()
        self.pending.append(counts)
        # A batch's counts hold on to its text (Polars shares string buffers), so they are
        # merged after a few batches however small they are.
        pending_rows = sum(frame.height for frame in self.pending)
        if len(self.pending) >= PENDING_BATCHES or pending_rows > 4 * self.keep:
            self._merge()

    def _grown(self) -> None:
        """Move the few hashes and counts kept in Python to the Polars state."""
        if self.few_hashes:
            self.new_hashes.append(pl.Series("h", list(self.few_hashes), dtype=pl.UInt64))
        if self.few_counts:
            self.pending.append(
                pl.DataFrame(
                    {"value": list(self.few_counts), "n": list(self.few_counts.values())},
                    schema={"value": pl.String, "n": pl.Int64},
                )
            )
        self.few_hashes, self.few_counts, self.grown = None, None, True

    def _merge(self) -> None:
        frames = [self.counts, *self.pending] if self.counts is not None else self.pending
        self.pending = []
        # A value table also has the typed values, which are not needed here. (Columns taken
        # without a query: a wide table has thousands of fields, each a few values.)
        columns = [pl.DataFrame([f.get_column("value"), f.get_column("n")]) for f in frames]
        if len(columns) == 1:
            merged = columns[0]  # one batch's counts: a value once each already
        else:
            merged = pl.concat(columns).group_by("value").agg(pl.col("n").sum())
        if merged.height > 2 * self.keep:
            merged = merged.sort("n", descending=True).head(self.keep)
            self.pruned = True
        self.counts = merged

    def _merge_hashes(self) -> None:
        parts = [self.hashes, *self.new_hashes] if self.hashes is not None else self.new_hashes
        merged = parts[0] if len(parts) == 1 else pl.concat(parts)
        self.new_hashes = []
        if self.level:
            # A sketch made in the read-ahead thread may predate the last level change.
            merged = merged.filter(merged < self._threshold())
        self.hashes = merged.unique()
        if self.hashes.len() <= self.exact:
            return
        # Halve the sample until it is half full: the next batches then add to it for a
        # while without another merge (the estimate still rests on 16,384 hashes or more).
        while self.hashes.len() > self.exact // 2:
            self.level += 1
            self.hashes = self.hashes.filter(self.hashes < self._threshold())

    def _threshold(self) -> int:
        return 1 << (64 - self.level)

    def result(self, *, rows: int) -> FieldProfile:
        """Return the profile of the ``rows`` data rows added."""
        if not self.grown:
            few = sorted((self.few_counts or {}).items())
            return self._profile(rows, len(self.few_hashes or ()), few)
        if self.pending:
            self._merge()
        if self.new_hashes:
            self._merge_hashes()
        counts: list[tuple[Any, int]] | pl.DataFrame = []
        if self.counts is not None and self.counts.height:
            counts = self.counts
            if self.counts.height <= FEW_COUNTS:
                counts = list(self.counts.iter_rows())
        distinct = (self.hashes.len() if self.hashes is not None else 0) << self.level
        return self._profile(rows, distinct, counts)

    def _profile(
        self, rows: int, distinct: int, counts: list[tuple[Any, int]] | pl.DataFrame
    ) -> FieldProfile:
        """Return the profile, given the distinct values and the value counts (a list of a
        few (value, count) pairs, or a frame)."""
        least = MIN_SAMPLE_HITS * SAMPLE_EVERY if self.sampled else 0
        if isinstance(counts, list):
            # Sorted in Python: for a few values, a Polars sort costs more than its work (in
            # the same order: UTF-8 bytes sort as code points).
            ordered = sorted(counts, key=lambda row: (-row[1], row[0]))
            firsts = [(value, n) for value, n in ordered if n >= least][:TOP]
        else:
            top = counts.sort(["n", "value"], descending=[True, False])
            firsts = list(top.filter(pl.col("n") >= least).head(TOP).iter_rows())
        return FieldProfile(
            name=self.spec.name,
            type=self.spec.type,
            filled=self.filled,
            filled_percent=round(100 * self.filled / rows, 2) if rows else 0.0,
            distinct=distinct,
            distinct_exact=self.level == 0,
            min=None if self._text else display(self.spec, self.low),
            max=None if self._text else display(self.spec, self.high),
            min_length=self.low if self._text else None,
            max_length=self.high if self._text else None,
            most_common=tuple((clip(str(value)), int(n)) for value, n in firsts),
            most_common_exact=not (self.sampled or self.pruned),
        )


def profilers_for(specs: Sequence[FieldSpec]) -> list[FieldProfiler]:
    """Return a profiler for each field, sharing the table's budget (``TABLE_HASHES``,
    ``TABLE_COUNTS``): up to 64 fields, each gets the most."""
    fields = max(len(specs), 1)
    exact = min(EXACT_DISTINCT, max(1_024, TABLE_HASHES // fields))
    keep = min(KEEP_COUNTS, max(32, TABLE_COUNTS // fields))
    return [FieldProfiler(spec, exact=exact, keep=keep) for spec in specs]


@dataclass(frozen=True, slots=True)
class BatchSketch:
    """What the profilers of fields checked cell by cell need from one batch, computed apart
    from the checks.

    ``hashes``: per field, the batch's distinct value hashes under the field's sampling level
    when the sketch was made (a stale level only keeps more hashes); ``counts``: per field, value
    counts of the batch or of its 1-in-16 sample (``sampled``).
    """

    hashes: dict[str, pl.Series]
    counts: dict[str, pl.DataFrame]
    sampled: bool


def _hash_groups(profilers: Sequence[FieldProfiler]) -> list[tuple[int, int]]:
    """Return the (start, end) of each group of fields whose hashes are one query."""
    return [
        (start, min(start + HASH_FIELDS, len(profilers)))
        for start in range(0, len(profilers), HASH_FIELDS)
    ]


def _wide(frame: pl.DataFrame, profilers: Sequence[FieldProfiler]) -> bool:
    """Return whether a batch's fields are counted in one query over all of them: a wide,
    short batch, whose fields' queries would each cost more to plan than to run. (Unpivoted,
    a tall batch would take far more memory than its columns.)"""
    return len(profilers) > WIDE_FIELDS and frame.height <= WIDE_ROWS


def sketch_queries(frame: pl.DataFrame, profilers: Sequence[FieldProfiler]) -> list[pl.LazyFrame]:
    """Return the queries for the batch's sketch: the hashes, then each field's counts (or, for
    a wide table, every field's counts in one query)."""
    if not profilers:
        return []
    names = [value_col(profiler.spec.name) for profiler in profilers]
    cells = pl.DataFrame([frame.get_column(name) for name in names])
    values = cells
    sampled = frame.height > EXACT_ROWS
    if sampled:
        # One row in 16, chosen by a hash of the row number: a value that recurs every n rows
        # is not over- or under-counted, as it would be by taking every 16th row. (Taken once
        # here, not in each field's query.)
        values = values.filter(frame.get_column(ROW).hash(seed=HASH_SEED) % SAMPLE_EVERY == 0)
    # Every row's hashes (not the sample's), a query per ``HASH_FIELDS`` fields: thousands of
    # expressions in one query hold their working memory at once.
    hashes = [
        cells.lazy().select(profiler.hashes_expr() for profiler in profilers[start:end])
        for start, end in _hash_groups(profilers)
    ]
    if _wide(frame, profilers):
        # Unpivoted: one row per filled cell, counted by field and value at once.
        long = (
            values.lazy()
            .unpivot(on=names, variable_name="field", value_name="value")
            .drop_nulls("value")
            .group_by("field", "value")
            .agg(pl.len().cast(pl.Int64).alias("n"))
        )
        if sampled:
            long = long.filter(pl.col("n") >= 2).with_columns(pl.col("n") * SAMPLE_EVERY)
        return [*hashes, long]
    counts = []
    for name in names:
        # Each query gets its own one-column frame (taken without a query: a select on a wide
        # frame costs its width): a query over the whole batch frame would carry every
        # column's schema, and a thousand such queries cost columns² in time and memory.
        query = (
            values.get_column(name)
            .alias("value")
            .to_frame()
            .lazy()
            .select(pl.col("value").value_counts(name="n"))
            .unnest("value")
            .drop_nulls("value")
            .with_columns(pl.col("n").cast(pl.Int64))
        )
        if sampled:
            # A value seen once in a sample says nothing about how common it is.
            query = query.filter(pl.col("n") >= 2).with_columns(pl.col("n") * SAMPLE_EVERY)
        counts.append(query)
    return [*hashes, *counts]


def sketch_of(
    results: Sequence[pl.DataFrame], frame: pl.DataFrame, profilers: Sequence[FieldProfiler]
) -> BatchSketch:
    """Return the sketch from the results of ``sketch_queries``."""
    if not profilers:
        return BatchSketch(hashes={}, counts={}, sampled=False)
    groups = len(_hash_groups(profilers))
    hashes: dict[str, pl.Series] = {}
    for part in results[:groups]:
        # A list cell comes as a Series (of hashes of non-null values only).
        hashes.update(
            (name.removeprefix("hashes:"), part.get_column(name)[0]) for name in part.columns
        )
    counts = list(results[groups:])
    names = [profiler.spec.name for profiler in profilers]
    if _wide(frame, profilers):
        (long,) = counts
        parts = long.partition_by("field", as_dict=True, include_key=False)
        empty = pl.DataFrame(schema={"value": pl.String, "n": pl.Int64})
        counts = [parts.get((value_col(name),), empty) for name in names]
    return BatchSketch(
        hashes=hashes,
        counts=dict(zip(names, counts, strict=True)),
        sampled=frame.height > EXACT_ROWS,
    )


def profile_batch(
    sketch: BatchSketch,
    tables: Mapping[str, pl.DataFrame],
    profilers: Sequence[FieldProfiler],
    sums: Mapping[str, Any],
) -> None:
    """Add one batch to every profiler: its value ``tables`` and their ``table_aggregates``, or
    its ``sketch`` and the ``aggregates`` of the checks' pass (both in ``sums``)."""
    for profiler in profilers:
        name = profiler.spec.name
        if name in tables:
            profiler.add_table(sums, tables[name])
        else:
            profiler.add(sums, sketch.hashes[name], sketch.counts[name], sampled=sketch.sampled)

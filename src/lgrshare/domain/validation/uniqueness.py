"""``unique`` and ``primaryKey`` across the whole file, batch after batch.

Each batch adds its valid keys (typed values) with their row numbers and 64-bit hashes;
``finish`` finds every row whose key appeared in an earlier row. Candidates are the rows whose
hash repeats, found by sorting the hashes (fast), and are confirmed by comparing the keys
themselves (exact), so a hash collision never makes an error. Memory: the keys of the unique
fields, about 40 bytes a row for a 13-character code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from lgrshare.domain.standards.casting import display
from lgrshare.domain.standards.model import FieldSpec
from lgrshare.domain.validation.errors import ValidationError, short
from lgrshare.domain.validation.frame import ROW

_HASH = "__hash"
_FIRST = "__first"


@dataclass(slots=True)
class KeyTracker:
    """Collects the keys of one unique field (``fields`` of one) or of the primary key."""

    code: str
    specs: tuple[FieldSpec, ...]
    columns: tuple[int, ...]
    parts: list[pl.DataFrame] = field(default_factory=list)

    @property
    def fields(self) -> tuple[str, ...]:
        """Return the names of the key's fields."""
        return tuple(spec.name for spec in self.specs)

    def keys_query(self, frame: pl.DataFrame) -> pl.LazyFrame:
        """Return the query for the batch's keys: each row with valid values in every key
        field, its row number, its key and the key's hash."""
        # The key's columns taken without a query: a query over the whole batch frame carries
        # every column's schema, and a wide file with many unique fields would pay columns².
        typed = [frame.get_column(f"t:{name}").alias(f"k{i}") for i, name in enumerate(self.fields)]
        key = pl.col("k0") if len(typed) == 1 else pl.struct(f"k{i}" for i in range(len(typed)))
        return (
            pl.DataFrame([frame.get_column(ROW), *typed])
            .lazy()
            .drop_nulls()
            .with_columns(key.hash(seed=7).alias(_HASH))
        )

    def add_keys(self, keys: pl.DataFrame) -> None:
        """Add a batch's keys, from ``keys_query``."""
        self.parts.append(keys)

    def finish(self, *, limit: int) -> tuple[int, list[ValidationError]]:
        """Return how many rows repeat an earlier key, and the first ``limit`` as errors."""
        if not self.parts:
            return 0, []
        keys = [f"k{i}" for i in range(len(self.fields))]
        table = pl.concat(self.parts, rechunk=False)
        self.parts = []
        ordered = table.get_column(_HASH).sort()
        repeated = ordered.filter(ordered == ordered.shift(1)).unique()
        if repeated.is_empty():
            return 0, []
        candidates = table.filter(pl.col(_HASH).is_in(repeated.implode())).drop(_HASH)
        repeats = (
            candidates.sort([*keys, ROW])
            .with_columns(
                pl.col(ROW).first().over(keys).alias(_FIRST),
            )
            .filter(pl.col(ROW) != pl.col(_FIRST))
            .sort(ROW)
        )
        errors = [self._error(row) for row in repeats.head(max(limit, 0)).iter_rows(named=True)]
        return repeats.height, errors

    def _error(self, row: dict[str, object]) -> ValidationError:
        values = [str(display(spec, row[f"k{i}"])) for i, spec in enumerate(self.specs)]
        shown = ", ".join(short(value) for value in values)
        first = row[_FIRST]
        if self.code == "unique-error":
            message = (
                f"Row {row[ROW]:,}, {self.fields[0]}: {shown} must be unique, but row "
                f"{first:,} has it too."
            )
        else:
            names = ", ".join(self.fields)
            message = (
                f"Row {row[ROW]:,}: the key ({names}) = ({shown}) is the same as row {first:,}'s."
            )
        return ValidationError(
            code=self.code,
            message=message,
            row=int(row[ROW]),  # type: ignore[call-overload]
            field=self.fields[0] if len(self.fields) == 1 else None,
            field_number=self.columns[0] + 1 if len(self.fields) == 1 else None,
            cell=", ".join(values),
        )

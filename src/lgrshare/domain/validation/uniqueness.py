"""``unique`` and ``primaryKey`` across the whole file, batch after batch.

Each batch adds its valid keys (typed values) with their row numbers; ``finish`` finds every row
whose key appeared in an earlier row. Candidates are found by sorting 64-bit hashes (fast), and
confirmed by comparing the keys themselves (exact), so a hash collision never makes an error.
Memory: the keys of the unique fields, about 30 bytes a row for a 13-character code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from lgrshare.domain.standards.model import FieldSpec
from lgrshare.domain.validation.casting import display
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

    def add(self, frame: pl.DataFrame) -> None:
        """Add the batch's rows whose key fields all hold valid values."""
        typed = [pl.col(f"t:{name}").alias(f"k{i}") for i, name in enumerate(self.fields)]
        keys = frame.select(pl.col(ROW), *typed)
        self.parts.append(keys.drop_nulls())

    def finish(self, *, limit: int) -> tuple[int, list[ValidationError]]:
        """Return how many rows repeat an earlier key, and the first ``limit`` as errors."""
        if not self.parts:
            return 0, []
        keys = [f"k{i}" for i in range(len(self.fields))]
        table = pl.concat(self.parts, rechunk=False)
        self.parts = []
        key = pl.col(keys[0]) if len(keys) == 1 else pl.struct(keys)
        hashes = table.select(key.hash(seed=7)).to_series()
        order = hashes.arg_sort()
        ordered = hashes.gather(order)
        repeated = (ordered == ordered.shift(1)) | (ordered == ordered.shift(-1))
        picked = order.filter(repeated.fill_null(False))
        if picked.is_empty():
            return 0, []
        candidates = table[picked]
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

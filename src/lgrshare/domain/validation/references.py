"""``foreignKeys`` across the whole file (``lgrshare.domain.standards.foreign_keys``).

A reference to the table itself is checked as frictionless-py checks it: the referenced fields'
typed values (of every row where one is filled) make a lookup, and a row whose referencing
values are not all missing must find its values there, missing ones included. Each batch adds
its row numbers and both sets of typed values; ``finish`` finds the rows not found by one
anti-join. Memory: the key fields' values, as for ``unique``.

A reference to a code list is a check on each cell (``code_list_checks``), run with the others.
A reference to another resource of a Data Package cannot be checked with this file alone:
``unchecked`` lists it for the report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import polars as pl

from lgrshare.domain.standards.codelists import code_list
from lgrshare.domain.standards.foreign_keys import ForeignKey
from lgrshare.domain.standards.model import CODE_LIST_REFS, FieldSpec, Standard
from lgrshare.domain.validation.checks import Check, ok, typed_col, value_col
from lgrshare.domain.validation.errors import ValidationError, short
from lgrshare.domain.validation.frame import ROW

CODE = "foreign-key-error"


@dataclass(slots=True)
class ReferenceTracker:
    """Collects, batch by batch, what one self-referencing ``foreignKeys`` entry needs."""

    key: ForeignKey
    specs: tuple[FieldSpec, ...]
    columns: tuple[int, ...]
    # The referenced fields the file has (a missing one is never matched, as in frictionless).
    present: frozenset[str]
    parts: list[pl.DataFrame] = field(default_factory=list)
    code: str = CODE

    @property
    def fields(self) -> tuple[str, ...]:
        """Return the fields whose typed values the tracker reads (each once)."""
        names = [*self.key.fields, *self.key.reference_fields]
        return tuple(name for name in dict.fromkeys(names) if name in self.present)

    def keys_query(self, frame: pl.DataFrame) -> pl.LazyFrame:
        """Return the query for the batch's rows: row number, referencing values (``f<i>``),
        referenced values (``r<i>``)."""
        columns = [frame.get_column(ROW)]
        for i, name in enumerate(self.key.fields):
            columns.append(frame.get_column(typed_col(name)).alias(f"f{i}"))
        for i, name in enumerate(self.key.reference_fields):
            if name in self.present:
                columns.append(frame.get_column(typed_col(name)).alias(f"r{i}"))
            else:
                dtype = frame.get_column(typed_col(self.key.fields[i])).dtype
                columns.append(pl.Series(f"r{i}", [None] * frame.height, dtype=dtype))
        # Built from columns, not by a query over the batch frame (which costs its width).
        return pl.DataFrame(columns).lazy()

    def add_keys(self, rows: pl.DataFrame) -> None:
        """Add a batch's rows, from ``keys_query``."""
        self.parts.append(rows)

    def finish(self, *, limit: int) -> tuple[int, list[ValidationError]]:
        """Return how many rows reference values no row has, and the first ``limit`` as
        errors."""
        if not self.parts:
            return 0, []
        table = pl.concat(self.parts)
        self.parts = []
        width = len(self.key.fields)
        here = [f"f{i}" for i in range(width)]
        there = [f"r{i}" for i in range(width)]
        pairs = []
        for f, r in zip(here, there, strict=True):
            left, right = table.schema[f], table.schema[r]
            # Values of different types are never equal (1 and "1"), numbers of any kind are.
            common = pl.Float64 if left.is_numeric() and right.is_numeric() else pl.String
            pairs.append((pl.col(f).cast(common), pl.col(r).cast(common)))
        lookup = (
            table.select(r.alias(f) for (_, r), f in zip(pairs, here, strict=True))
            .filter(~pl.all_horizontal(pl.col(f).is_null() for f in here))
            .unique()
        )
        rows = table.select(ROW, *[f.alias(name) for (f, _), name in zip(pairs, here, strict=True)])
        originals = table.select(ROW, *here)
        missing = (
            rows.filter(~pl.all_horizontal(pl.col(f).is_null() for f in here))
            .join(lookup, on=here, how="anti", nulls_equal=True)
            .select(ROW)
            .join(originals, on=ROW, how="left")
            .sort(ROW)
        )
        errors = [self._error(row) for row in missing.head(max(limit, 0)).iter_rows()]
        return missing.height, errors

    def _error(self, row: tuple[object, ...]) -> ValidationError:
        number, *values = row
        shown = ", ".join("" if value is None else str(value) for value in values)
        names = ", ".join(self.key.fields)
        single = len(self.key.fields) == 1
        return ValidationError(
            code=self.code,
            message=(
                f"Row {number:,}, {names}: {short(shown)} is not found in "
                f"{', '.join(self.key.reference_fields)} of any row."
            ),
            row=int(number),  # type: ignore[call-overload]
            field=self.key.fields[0] if single else None,
            field_number=self.columns[0] + 1 if single else None,
            cell=shown,
        )


def reference_trackers(standard: Standard, columns: Mapping[str, int]) -> list[ReferenceTracker]:
    """Return a tracker for each self-reference whose referencing fields the file has."""
    specs = {spec.name: spec for spec in standard.fields}
    return [
        ReferenceTracker(
            key=key,
            specs=tuple(specs[name] for name in key.fields),
            columns=tuple(columns[name] for name in key.fields),
            present=frozenset(name for name in key.reference_fields if name in columns),
        )
        for key in standard.foreign_keys
        if key.on_self and all(name in columns for name in key.fields)
    ]


def code_list_checks(standard: Standard, columns: Mapping[str, int]) -> list[Check]:
    """Return a check for each reference to a code list whose field the file has."""
    checks = []
    for key in standard.foreign_keys:
        name = key.fields[0]
        if key.resource not in CODE_LIST_REFS or name not in columns:
            continue
        codes = sorted(code_list(key.resource))
        value = pl.col(value_col(name))
        checks.append(
            Check(
                CODE,
                name,
                columns[name],
                ok(name) & ~value.is_in(codes),
                _not_in(key.resource),
            )
        )
    return checks


def _not_in(ref: str) -> Callable[[str], str]:
    """Return the message of a code not in the code list ``ref``."""
    return lambda cell: f"{short(cell)} is not found in {ref} (ONS reference data)."


def unchecked(standard: Standard) -> list[str]:
    """Return the references to other resources, which one file cannot be checked against."""
    return [
        key.describe()
        for key in standard.foreign_keys
        if not key.on_self and key.resource not in CODE_LIST_REFS
    ]

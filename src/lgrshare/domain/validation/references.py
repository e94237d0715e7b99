"""``foreignKeys`` across the whole file (``lgrshare.domain.standards.foreign_keys``).

A reference to the table itself is checked as frictionless-py checks it: the referenced fields'
typed values (of every row where one is filled) make a lookup, and a row whose referencing
values are not all missing must find its values there, missing ones included. Each batch adds
its row numbers and both sets of typed values; ``finish`` finds the rows not found by one
anti-join. Memory: the key fields' values, as for ``unique``.

A reference to a code list is a check on each cell (``code_list_checks``), run with the others.
A reference to another resource of the Data Package is checked the same way when that resource
is given (``Resource``: its CSV file and its standard, whose types read the referenced values:
``lookups_of``); one not given cannot be checked with this file alone, and ``unchecked`` lists
it for the report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from lgrshare.domain.standards.casting import typed
from lgrshare.domain.standards.codelists import code_list
from lgrshare.domain.standards.foreign_keys import ForeignKey
from lgrshare.domain.standards.model import CODE_LIST_REFS, FieldSpec, Standard
from lgrshare.domain.validation.checks import Check, ok, typed_col, value_col
from lgrshare.domain.validation.errors import ValidationError, short
from lgrshare.domain.validation.frame import ROW

CODE = "foreign-key-error"
# Each referenced resource's lookup, by (resource, referenced fields): columns ``f<i>``.
Lookups = Mapping[tuple[str, tuple[str, ...]], pl.DataFrame]


@dataclass(frozen=True, slots=True)
class Resource:
    """Another table of the Data Package: its CSV file (UTF-8) and its standard."""

    path: Path
    standard: Standard


def lookups_of(standard: Standard, resources: Mapping[str, Resource]) -> Lookups:
    """Return the lookup of each reference of ``standard`` to one of ``resources``: the
    referenced fields' distinct typed values (rows where one is filled), read as the resource's
    standard reads them. A referenced field the resource's file lacks is never matched."""
    lookups: dict[tuple[str, tuple[str, ...]], pl.DataFrame] = {}
    for key in standard.foreign_keys:
        resource = resources.get(key.resource)
        if key.on_self or resource is None or (key.resource, key.reference_fields) in lookups:
            continue
        table = pl.read_csv(resource.path, infer_schema=False)
        missing = [v for v in resource.standard.missing_values if v != ""]
        specs = {spec.name: spec for spec in resource.standard.fields}
        columns = []
        for i, name in enumerate(key.reference_fields):
            if name not in table.columns:
                columns.append(pl.lit(None, dtype=pl.String).alias(f"f{i}"))
                continue
            value = pl.col(name)
            if missing:
                value = pl.when(~value.is_in(missing)).then(value)
            spec = specs.get(name)
            columns.append((typed(spec, value) if spec else value).alias(f"f{i}"))
        lookup = table.select(columns)
        filled = ~pl.all_horizontal(pl.col(c).is_null() for c in lookup.columns)
        lookups[(key.resource, key.reference_fields)] = lookup.filter(filled).unique()
    return lookups


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
    # Another resource's values (``lookups_of``), or None: this table's own.
    lookup: pl.DataFrame | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """Return the fields whose typed values the tracker reads (each once)."""
        own = self.key.reference_fields if self.lookup is None else ()
        names = [*self.key.fields, *own]
        return tuple(name for name in dict.fromkeys(names) if name in self.present)

    def keys_query(self, frame: pl.DataFrame) -> pl.LazyFrame:
        """Return the query for the batch's rows: row number, referencing values (``f<i>``),
        referenced values (``r<i>``)."""
        columns = [frame.get_column(ROW)]
        for i, name in enumerate(self.key.fields):
            columns.append(frame.get_column(typed_col(name)).alias(f"f{i}"))
        for i, name in enumerate(self.key.reference_fields if self.lookup is None else ()):
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
        if self.lookup is None:
            values = table.select(pl.col(f"r{i}").alias(f) for i, f in enumerate(here))
        else:
            values = self.lookup
        pairs = []
        for f in here:
            left, right = table.schema[f], values.schema[f]
            # Values of different types are never equal (1 and "1"), numbers of any kind are.
            common = pl.Float64 if left.is_numeric() and right.is_numeric() else pl.String
            pairs.append((pl.col(f).cast(common), pl.col(f).cast(common)))
        lookup = (
            values.select(r.alias(f) for (_, r), f in zip(pairs, here, strict=True))
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
                f"{', '.join(self.key.reference_fields)} of any row"
                + ("." if self.key.on_self else f" of {self.key.resource}.")
            ),
            row=int(number),  # type: ignore[call-overload]
            field=self.key.fields[0] if single else None,
            field_number=self.columns[0] + 1 if single else None,
            cell=shown,
        )


def reference_trackers(
    standard: Standard, columns: Mapping[str, int], lookups: Lookups
) -> list[ReferenceTracker]:
    """Return a tracker for each reference to the table itself or to a resource in
    ``lookups`` whose referencing fields the file has."""
    specs = {spec.name: spec for spec in standard.fields}
    return [
        ReferenceTracker(
            key=key,
            specs=tuple(specs[name] for name in key.fields),
            columns=tuple(columns[name] for name in key.fields),
            present=frozenset(name for name in key.reference_fields if name in columns),
            lookup=lookups.get((key.resource, key.reference_fields)),
        )
        for key in standard.foreign_keys
        if (key.on_self or (key.resource, key.reference_fields) in lookups)
        and all(name in columns for name in key.fields)
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


def unchecked(standard: Standard, checked: frozenset[str] = frozenset()) -> list[str]:
    """Return the references to other resources not ``checked`` (not given), which one file
    cannot be checked against."""
    return [
        key.describe()
        for key in standard.foreign_keys
        if not key.on_self and key.resource not in CODE_LIST_REFS and key.resource not in checked
    ]

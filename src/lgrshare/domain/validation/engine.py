"""``validate``: one file, one standard, one report.

The file's kind is sniffed from its bytes (``sniff``), after unpacking a gzip or ZIP file
(``compressed``); CSV is read block by block (``csv_fast``, falling back to ``csv_exact``; a
file in a dialect that is not plain by ``csv_exact`` alone), XLSX sheet-wise (``xlsx_reader``).
Each batch of rows is prepared in one Polars call (typed values, the checks run on every row,
the value tables of the fields checked by value, the unique keys and the profile sketch:
``checks``, ``uniqueness``, ``profile``) and a second over its value tables (the checks run by
value, their profile); then its errors are listed, and finally counted and its keys and profile
merged. The report counts every error and lists the first ``max_errors`` in row order. A CSV
file goes through three threads: parse; prepare and list; merge.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO

import polars as pl

from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.domain.isolation import in_memory_copy
from lgrshare.domain.standards.model import Standard
from lgrshare.domain.validation.caveats import Caveat, CaveatInvalid
from lgrshare.domain.validation.checks import (
    BY_VALUE_SHARE,
    Check,
    Findings,
    blank_flag,
    build_checks,
    by_value_fields,
    checks_by_field,
    prepare_frame,
    quotes_query,
    row_summary,
    run_checks,
    table_query,
    table_quotes,
    value_check_aggregates,
    value_tables,
)
from lgrshare.domain.validation.compressed import unpacked
from lgrshare.domain.validation.csv_exact import Rows, exact_batches, exact_rows
from lgrshare.domain.validation.csv_fast import FastPathFailed, Unconfirmed, fast_batches
from lgrshare.domain.validation.csv_layout import read_layout
from lgrshare.domain.validation.encoding import TextDecoder
from lgrshare.domain.validation.errors import ValidationError
from lgrshare.domain.validation.frame import CELLS, EXTRA, REPORTED, ROW, column
from lgrshare.domain.validation.header import HeaderMatch, match_header
from lgrshare.domain.validation.prefetch import prefetched
from lgrshare.domain.validation.profile import (
    BatchSketch,
    FieldProfiler,
    profile_batch,
    profilers_for,
    sketch_of,
    sketch_queries,
)
from lgrshare.domain.validation.references import (
    Lookups,
    ReferenceTracker,
    Resource,
    code_list_checks,
    lookups_of,
    reference_trackers,
    unchecked,
)
from lgrshare.domain.validation.report import FieldProfile, Report, fatal_report
from lgrshare.domain.validation.rules import (
    Subject,
    TotalTracker,
    UniqueTracker,
    rule_checks,
    rule_fields,
    table_trackers,
)
from lgrshare.domain.validation.sniff import sniff_format
from lgrshare.domain.validation.uniqueness import KeyTracker
from lgrshare.domain.validation.unreadable import Unreadable
from lgrshare.domain.validation.xlsx_reader import excel_dates, read_xlsx

Progress = Callable[[int], None]
# Queries run side by side in one Polars call (``_collect``).
QUERY_GROUP = 64
# A table of more fields than this is wide: its queries run this few at a time.
WIDE_TABLE = 256
WIDE_QUERY_GROUP = 4
# A table of more columns than this is checked this many fields at a time (``_Sliced``): a
# query over a Polars frame costs memory by the frame's columns, whatever its rows.
WIDE_SLICE = 256
# A CSV file of more columns than this is read by Python's csv module (``csv_exact``): a Polars
# parse costs about 9 KB a column, and the csv module's rows are made into a frame a slice at a
# time. (Narrower, Polars reads a wide and tall file several times faster.)
WIDE_READ = 2048


@dataclass(frozen=True, slots=True)
class _Ready:
    """A batch with everything its errors, keys and profile need (computed in two Polars
    calls: the batch's queries, then its value tables' aggregates)."""

    frame: pl.DataFrame
    # A value table for each field checked by value.
    tables: dict[str, pl.DataFrame]
    # The ``row_summary`` and the value tables' aggregates.
    summary: dict[str, Any]
    keys: list[pl.DataFrame]
    sketch: BatchSketch
    # The quotes in the cells of a batch read as ``Unconfirmed``.
    quotes: int
    findings: Findings | None = None


class SourceNotFound(NotFound):
    code = "source-not-found"
    title = "The file to validate does not exist"


def validate(
    source: Path | BinaryIO,
    standard: Standard,
    *,
    max_errors: int = 1000,
    sheet: str | None = None,
    file_name: str | None = None,
    progress: Progress | None = None,
    caveats: Sequence[Caveat] = (),
    subject: Subject | None = None,
    resources: Mapping[str, Resource] = MappingProxyType({}),
) -> Report:
    """Validate the CSV or XLSX ``source`` against ``standard`` and return the report.

    ``max_errors`` caps the errors listed (all are counted); ``sheet`` picks an XLSX sheet
    (default: the first); ``progress`` is called with the bytes read so far; ``caveats`` are the
    provider's quality caveats, carried in the report; ``subject`` is who the file is submitted
    for and its period, checked against the standard's organisation and period fields;
    ``resources`` are the other tables of its Data Package, by name, that ``foreignKeys`` may
    reference (``references.Resource``; a reference to one not given is said to be unchecked).

    The file is read in the standard's dialect and encoding (``Standard.dialect``), unpacked
    first if it is a gzip or ZIP file. A file that cannot be read as a table is a report with
    one ``format-error``, ``encoding-error`` or ``compression-error`` and ``stats["readable"]``
    false; a header with no rows is a readable report with one ``no-rows``. Raises (validation
    cannot run at all): ``SourceNotFound`` for a missing path, ``SheetNotFound`` for an unknown
    sheet, ``InvalidInput`` for a negative ``max_errors``, ``CaveatInvalid`` for a caveat on a
    field the standard lacks.
    """
    if max_errors < 0:
        raise InvalidInput("max_errors must be 0 or more.")
    for caveat in caveats:
        if caveat.field is not None and standard.get_field(caveat.field) is None:
            raise CaveatInvalid(
                f"The caveat names field {caveat.field!r}, which the standard lacks."
            )
    started = time.perf_counter()
    with _local_file(source) as (path, handle, size):
        info: dict[str, Any] = {"name": file_name or _name_of(source), "bytes": size}
        try:
            with unpacked(path, handle, size) as (path, handle, size, packing):
                info.update(packing)
                if packing and progress is not None:
                    progress = _scaled(progress, info["bytes"], size)
                run = _read(
                    path, handle, size, standard, info, sheet, max_errors, progress, subject,
                    lookups=lookups_of(standard, resources),
                )  # fmt: skip
        except Unreadable as exc:
            return fatal_report(
                standard_name=standard.name,
                standard_version=standard.version,
                file=info,
                error=exc.error,
                fields=len(standard.fields),
                seconds=time.perf_counter() - started,
                caveats=tuple(caveats),
            )
    return run.report(info, seconds=time.perf_counter() - started, caveats=tuple(caveats))


def _read(
    path: Path,
    handle: BinaryIO,
    size: int,
    standard: Standard,
    info: dict[str, Any],
    sheet: str | None,
    max_errors: int,
    progress: Progress | None,
    subject: Subject | None = None,
    *,
    lookups: Lookups = MappingProxyType({}),
) -> _Run | _Sliced:
    if sniff_format(handle, size=size) == "xlsx":
        labels = {text for spec in standard.fields for text in (spec.name, spec.title) if text}
        table = read_xlsx(path, sheet=sheet, expected=labels)
        info.update(
            format="xlsx", sheet=table.sheet, sheets=list(table.sheets),
            formula_cells=table.formula_cells,
        )  # fmt: skip
        if table.origin != "A1":
            info["first_cell"] = table.origin
        if table.title_rows:
            info["title_rows"] = table.title_rows
        run = _Run.start(
            standard, table.labels, max_errors, findings=table.findings,
            reported=bool(table.reported), subject=subject, lookups=lookups,
            header_row=table.header_row,
        )  # fmt: skip
        types = {
            run.header.columns[spec.name]: spec.type
            for spec in standard.fields
            if spec.name in run.header.columns
        }
        sliced = _sliced(run)
        for batch in table.batches():
            sliced.take(excel_dates(batch, types))
        if progress is not None:
            progress(size)
        return sliced
    info["format"] = "csv"
    if progress is not None:
        progress = _onward(progress)
    dialect = standard.dialect
    names = tuple(spec.name for spec in standard.fields)
    decoder = TextDecoder(dialect.encoding)
    layout = read_layout(handle, size=size, decoder=decoder, dialect=dialect, names=names)
    if not dialect.header:
        info["columns"] = list(names)  # the file has no header: its columns are the fields
    # Told now, and again at the end: a file unreadable further on is still described.
    info.update(layout.describe(decoder))
    result: _Run | _Sliced
    try:
        if not layout.plain:
            raise FastPathFailed("the standard's dialect is read by the exact reader")
        if len(layout.labels) > WIDE_READ:
            raise FastPathFailed("a very wide table is read by the exact reader")
        result = _sliced(
            _Run.start(standard, layout.labels, max_errors, subject=subject, lookups=lookups)
        )
        fast = fast_batches(handle, layout=layout, decoder=decoder, size=size, progress=progress)
        if isinstance(result, _Sliced):
            for block in fast:
                result.take(block)
        else:
            # Three stages in three threads: parse block n+2, prepare n+1, check n. Both
            # stages are closed (their threads joined) before anything else reads the file.
            with (
                closing(prefetched(fast)) as parsed,
                closing(prefetched(map(result.prepare, parsed))) as prepared,
            ):
                for ready in prepared:
                    result.add(ready)
    except FastPathFailed:
        decoder = TextDecoder(dialect.encoding)
        layout = read_layout(handle, size=size, decoder=decoder, dialect=dialect, names=names)
        result = _sliced(
            _Run.start(standard, layout.labels, max_errors, subject=subject, lookups=lookups)
        )
        if isinstance(result, _Sliced):
            for rows in exact_rows(
                handle, layout=layout, decoder=decoder, size=size, progress=progress
            ):
                result.take(rows)
        else:
            for frame in exact_batches(
                handle, layout=layout, decoder=decoder, size=size, progress=progress
            ):
                result.take(frame)
    info.update(layout.describe(decoder))
    return result


@dataclass(slots=True)
class _Run:
    """The state of one validation: checks, counts, listed errors, keys and profiles."""

    standard: Standard
    labels: tuple[str, ...]
    header: HeaderMatch
    max_errors: int
    counts: dict[str, int] = field(default_factory=dict)
    listed: list[ValidationError] = field(default_factory=list)
    rows: int = 0
    checks: list[Check] = field(default_factory=list)
    # Whole-file checks fed batch by batch: unique keys and the rules across rows.
    keys: list[KeyTracker | TotalTracker | UniqueTracker | ReferenceTracker] = field(
        default_factory=list
    )
    profilers: list[FieldProfiler] = field(default_factory=list)
    # The fields checked by value (``checks``): chosen at the first batch, and one is dropped
    # at a batch with too many distinct values (only ``prepare``, in the read-ahead thread,
    # reads or changes it).
    by_value: set[str] | None = None
    keyed: frozenset[str] = frozenset()
    # The other resources whose references are checked (given to ``validate``).
    checked: frozenset[str] = frozenset()
    # False for a slice of a wide table after its first (``_Sliced``): the row-wide errors
    # (blank rows, cells lacking or extra) are the first slice's to count.
    row_wide: bool = True
    # Whether the batches come with ``REPORTED`` (an XLSX file's unreadable cells).
    reported: bool = False
    # The whole table's header: a slice's own (``header``) has only the slice's fields.
    whole: HeaderMatch | None = None
    # The labels of the columns that are no field of the standard (every one, however many
    # errors are listed): a service removing them needs them all.
    extra_labels: tuple[str, ...] = ()

    @classmethod
    def start(
        cls,
        standard: Standard,
        labels: tuple[str, ...],
        max_errors: int,
        *,
        findings: tuple[ValidationError, ...] = (),
        reported: bool = False,
        subject: Subject | None = None,
        lookups: Lookups = MappingProxyType({}),
        header_row: int = 1,
    ) -> _Run:
        header = match_header(labels, standard)
        if header_row != 1:
            # A sheet's table below its first row: the label errors are on the header's row.
            moved = tuple(
                replace(e, row=header_row if e.row == 1 else e.row) for e in header.errors
            )
            header = replace(header, errors=moved)
        run = cls(standard=standard, labels=labels, header=header, max_errors=max_errors)
        run.reported = reported
        run.extra_labels = tuple(e.field or "" for e in header.errors if e.code == "extra-label")
        # A wide table's cell checks are made a slice at a time (``_Sliced``): each costs about
        # a kilobyte of Polars expressions, and a table may have thousands of fields.
        if len(labels) <= WIDE_SLICE:
            run.checks = build_checks(standard, header.columns, reported=reported)
        run.checks += rule_checks(standard, header.columns, subject)
        run._note([*header.errors, *findings])
        columns = header.columns
        for spec in standard.fields:
            if spec.constraints.get("unique") and spec.name in columns:
                run.keys.append(KeyTracker("unique-error", (spec,), (columns[spec.name],)))
        if standard.primary_key and all(name in columns for name in standard.primary_key):
            by_name = {spec.name: spec for spec in standard.fields}
            specs = tuple(by_name[name] for name in standard.primary_key)
            positions = tuple(columns[name] for name in standard.primary_key)
            run.keys.append(KeyTracker("primary-key-error", specs, positions))
        run.keys += table_trackers(standard, columns)
        run.keys += reference_trackers(standard, columns, lookups)
        run.checked = frozenset(resource for resource, _ in lookups)
        run.checks += code_list_checks(standard, columns)
        # Fields whose every cell needs its typed value, even when checked by value.
        run.keyed = frozenset(
            name for tracker in run.keys for name in tracker.fields
        ) | rule_fields(standard, columns)
        run.profilers = profilers_for([spec for spec in standard.fields if spec.name in columns])
        return run

    def _note(self, errors: Sequence[ValidationError], *, counted: bool = False) -> None:
        if not counted:
            for error in errors:
                self.counts[error.code] = self.counts.get(error.code, 0) + 1
        merged = sorted([*self.listed, *errors], key=lambda error: error.sort_key())
        self.listed = merged[: self.max_errors]

    def prepare(self, batch: pl.DataFrame | Unconfirmed) -> _Ready:
        """Return the batch with its typed values, value tables, profile sketch and errors.

        An ``Unconfirmed`` batch is confirmed by counting its cells' quotes, or read again
        line by line.
        """
        frame = batch.frame if isinstance(batch, Unconfirmed) else batch
        if self.by_value is None:
            columns = self.header.columns
            self.by_value = by_value_fields(frame, columns) if columns else set()
        ready = self._prepare(frame, unconfirmed=isinstance(batch, Unconfirmed))
        if isinstance(batch, Unconfirmed) and ready.quotes != batch.quotes:
            ready = self._prepare(batch.exact(), unconfirmed=False)
        for name, table in ready.tables.items():
            if table.height * BY_VALUE_SHARE > frame.height:
                self.by_value.discard(name)
        if not self.row_wide:
            ready.summary.update(blank=0, lacking=0, extras=0)
        # Errors are listed here, in the read-ahead thread. ``listed`` only grows, so the room
        # left now is at least the room left when ``add`` takes the batch, which cuts again.
        findings = run_checks(
            ready.frame,
            ready.summary,
            self.checks,
            tabled=ready.tables.keys(),
            width=len(self.labels),
            field_name=lambda j: (self.whole or self.header).name_of(j, self.labels),
            limit=self.max_errors - len(self.listed),
        )
        return replace(ready, findings=findings)

    def _prepare(self, batch: pl.DataFrame, *, unconfirmed: bool) -> _Ready:
        by_value = frozenset(self.by_value or ())
        frame = prepare_frame(
            batch,
            standard=self.standard,
            columns=self.header.columns,
            width=len(self.labels),
            by_value=by_value,
            keyed=self.keyed,
        )
        names = [name for name in self.header.columns if name in by_value]
        profilers = [p for p in self.profilers if p.spec.name not in by_value]
        summary = row_summary(
            frame,
            self.checks,
            by_value=by_value,
            width=len(self.labels),
            limit=self.max_errors,
            extra=[expr for profiler in profilers for expr in profiler.aggregates()],
        )
        keys = [tracker.keys_query(frame) for tracker in self.keys]
        tables = value_tables(frame, standard=self.standard, names=names)
        queries = [*summary, *keys, *tables, *sketch_queries(frame, profilers)]
        tabled: frozenset[str] = frozenset()
        if unconfirmed:
            quotes, tabled = quotes_query(
                frame,
                standard=self.standard,
                columns=self.header.columns,
                width=len(self.labels),
                by_value=by_value,
            )
            queries.append(quotes)
        # A wide table's queries run a few at a time (each holds thousands of columns).
        wide = len(self.header.columns) > WIDE_TABLE
        results = _collect(queries, group=WIDE_QUERY_GROUP if wide else QUERY_GROUP)
        done = len(summary) + len(keys)
        table_of = dict(zip(names, results[done : done + len(tables)], strict=True))
        sketched = results[done + len(tables) : len(results) - (1 if unconfirmed else 0)]
        sums: dict[str, Any] = {}
        for part in results[: len(summary)]:
            sums.update(part.row(0, named=True))
        sums.update(self._table_sums(table_of, quoted=tabled))
        return _Ready(
            frame=frame,
            tables=table_of,
            summary=sums,
            keys=results[len(summary) : done],
            sketch=sketch_of(sketched, frame, profilers),
            quotes=(
                results[-1].item() + sum(sums[f"quotes:{name}"] for name in tabled)
                if unconfirmed
                else 0
            ),
        )

    def _table_sums(
        self, tables: dict[str, pl.DataFrame], *, quoted: frozenset[str]
    ) -> dict[str, Any]:
        """Return what the checks, profile and quote count need from the value tables: one
        row per table, in one call. A list comes as a Series."""
        profilers = {profiler.spec.name: profiler for profiler in self.profilers}
        indexes = checks_by_field(self.checks)
        queries = [
            table_query(
                table,
                name,
                [
                    *value_check_aggregates(self.checks, indexes.get(name, ())),
                    *profilers[name].table_aggregates(),
                    *([table_quotes(name)] if name in quoted else []),
                ],
            )
            for name, table in tables.items()
        ]
        sums: dict[str, Any] = {}
        for result in _collect(queries):
            sums.update((name, result.get_column(name)[0]) for name in result.columns)
        return sums

    def take(self, batch: pl.DataFrame | Unconfirmed) -> None:
        """Check one batch (``prepare``, then ``add``)."""
        self.add(self.prepare(batch))

    def add(self, ready: _Ready) -> None:
        """Count and list one prepared batch's errors; add its keys and profile."""
        assert ready.findings is not None, "prepare lists a batch's errors"
        for code, number in ready.findings.counts.items():
            self.counts[code] = self.counts.get(code, 0) + number
        self._note(ready.findings.listed, counted=True)
        for tracker, keys in zip(self.keys, ready.keys, strict=True):
            tracker.add_keys(keys)
        profile_batch(ready.sketch, ready.tables, self.profilers, ready.summary)
        self.rows += ready.frame.height

    def report(
        self, info: dict[str, Any], *, seconds: float, caveats: tuple[Caveat, ...]
    ) -> Report:
        """Return the report, after the whole-file checks (unique keys)."""
        references = unchecked(self.standard, self.checked)
        if references:
            # Not an error (this file may well be right), but never a silent "valid".
            info["references_unchecked"] = references
        if self.extra_labels:
            info["extra_labels"] = list(self.extra_labels)
        if self.header.stripped:
            # Not an error (frictionless strips them too), but said: another tool may not.
            info["labels_stripped"] = [self.labels[i].strip() for i in self.header.stripped]
        if self.rows == 0:
            # Readable, but nothing to check or to share: a template not yet filled in, say.
            others = [name for name in info.get("sheets", ()) if name != info.get("sheet")]
            elsewhere = (
                f" Sheet {info['sheet']!r} was checked: is the data on another sheet (the "
                f"workbook's other sheets: {', '.join(others)})?"
                if others
                else ""
            )
            message = (
                "The file has a header row but no data rows: fill in the rows below the header "
                f"and check it again.{elsewhere}"
            )
            self._note([ValidationError(code="no-rows", message=message)])
        for tracker in self.keys:
            number, errors = tracker.finish(limit=self.max_errors)
            if number:
                self.counts[tracker.code] = self.counts.get(tracker.code, 0) + number
                self._note(errors, counted=True)
        profiles = {
            profiler.spec.name: profiler.result(rows=self.rows) for profiler in self.profilers
        }
        error_count = sum(self.counts.values())
        return Report(
            standard_name=self.standard.name,
            standard_version=self.standard.version,
            file=info,
            stats={
                "rows": self.rows,
                "fields": len(self.standard.fields),
                "bytes": info["bytes"],
                "seconds": round(seconds, 3),
                "counts": dict(sorted(self.counts.items())),
                "error_count": error_count,
                "errors_capped": error_count > len(self.listed),
                "readable": True,
            },
            errors=tuple(self.listed),
            profile=tuple(
                profiles.get(spec.name) or FieldProfile(spec.name, spec.type, 0, 0.0, 0)
                for spec in self.standard.fields
            ),
            caveats=caveats,
        )


@dataclass(slots=True)
class _Sliced:
    """A wide table's validation: its fields checked ``WIDE_SLICE`` at a time, each slice a
    ``_Run`` of its own over a frame of only its columns, so that memory follows the slice's
    width rather than the table's.

    The first slice holds every field a check across fields, a whole-file key or a rule reads
    (however many), the header's errors and the row-wide checks (blank rows, cells lacking or
    extra: ``blank_flag`` is worked out over all columns first and given to every slice); the
    others hold their own fields' checks and profiles. The report is the first's, with the
    others' counts, errors and profiles merged in.
    """

    parts: list[_Run]
    # Each slice's checks across fields (the first's) and of code lists: its cell checks are
    # made when a batch comes, kept while more may follow, and dropped after the last.
    others: list[list[Check]]

    def take(self, batch: pl.DataFrame | Unconfirmed | Rows) -> None:
        """Check one batch, slice after slice (a frame of each slice's columns made from
        ``Rows`` as it comes: the whole batch is never one frame)."""
        first = self.parts[0]
        if isinstance(batch, Rows):
            flag = batch.blank(first.standard.missing_values)
            shared = batch.bookkeeping()
            cells: Callable[[Iterable[int]], list[pl.Series]] = batch.columns
        else:
            frame = batch.exact() if isinstance(batch, Unconfirmed) else batch
            flag = blank_flag(frame, standard=first.standard, width=len(first.labels))
            names = [name for name in (ROW, CELLS, EXTRA, REPORTED) if name in frame.columns]
            shared = [frame.get_column(name) for name in names]
            cells = partial(_columns_of, frame)
        frames = (
            pl.DataFrame([*shared, flag, *cells(part.header.columns.values())])
            for part in self.parts
        )
        last = isinstance(batch, Rows) and batch.last
        for part, others, part_frame in zip(self.parts, self.others, frames, strict=True):
            if part.checks is others:
                made = build_checks(part.standard, part.header.columns, reported=part.reported)
                part.checks = [*made, *others]
            part.take(part_frame)
            if last:
                part.checks = others

    def report(
        self, info: dict[str, Any], *, seconds: float, caveats: tuple[Caveat, ...]
    ) -> Report:
        """Return the report of the whole table."""
        first = self.parts[0]
        for part in self.parts[1:]:
            for code, number in part.counts.items():
                first.counts[code] = first.counts.get(code, 0) + number
            first._note(part.listed, counted=True)
            first.profilers += part.profilers
        return first.report(info, seconds=seconds, caveats=caveats)


def _columns_of(frame: pl.DataFrame, indexes: Iterable[int]) -> list[pl.Series]:
    """Return the batch ``frame``'s columns at ``indexes`` (taken without a query)."""
    return [frame.get_column(column(j)) for j in indexes]


def _sliced(run: _Run) -> _Run | _Sliced:
    """Return ``run``, or for a wide table (``WIDE_SLICE``) its fields in slices."""
    columns = run.header.columns
    if len(run.labels) <= WIDE_SLICE:
        return run
    named = {column(j): name for name, j in columns.items()}

    def fields_of(check: Check) -> set[str]:
        roots = {*check.mask.meta.root_names(), *check.cell().meta.root_names()}
        names = {named.get(root) or root.partition(":")[2] for root in roots}
        return {name for name in names if name in columns}

    # Fields read together stay together, in the first slice.
    together = set(run.keyed)
    for check in run.checks:
        read = fields_of(check)
        if read - {check.field}:
            together |= read | {check.field}
    rest = [name for name in columns if name not in together]
    room = max(WIDE_SLICE - len(together), 0)
    groups = [[name for name in columns if name in together] + rest[:room]]
    groups += [rest[start : start + WIDE_SLICE] for start in range(room, len(rest), WIDE_SLICE)]
    checks, profilers, keyed, header = run.checks, run.profilers, run.keyed, run.header
    parts = [run] + [
        replace(run, counts={}, listed=[], keys=[], row_wide=False) for _ in groups[1:]
    ]
    others = []
    for part, names in zip(parts, groups, strict=True):
        chosen = set(names)
        part.header = replace(header, columns={name: columns[name] for name in names}, errors=())
        part.checks = [check for check in checks if check.field in chosen]
        others.append(part.checks)
        part.profilers = [profiler for profiler in profilers if profiler.spec.name in chosen]
        part.keyed = keyed & chosen
        part.whole = header
    return _Sliced(parts, others)


def _collect(queries: Sequence[pl.LazyFrame], *, group: int = 0) -> list[pl.DataFrame]:
    """Return the results of ``queries``, in order.

    A narrow file's few queries go in one call, so that Polars runs them side by side. A wide
    file has a few queries per field, or queries of thousands of expressions; run all at once,
    each holds its working memory at the same moment, so they go ``group`` at a time: memory
    stays bounded by the group, and the time is about the same (the cores are as busy).
    """
    results: list[pl.DataFrame] = []
    group = group or QUERY_GROUP
    for start in range(0, len(queries), group):
        results += pl.collect_all(queries[start : start + group], engine="in-memory")
    return results


def _scaled(progress: Progress, packed: int, unpacked: int) -> Progress:
    """Return ``progress``, told of positions in the unpacked file as positions in the packed
    one (which the caller knows the size of)."""
    return lambda done: progress(done * packed // max(unpacked, 1))


def _onward(progress: Progress) -> Progress:
    """Return ``progress``, told only of positions past the furthest it was told of: when the
    fast reader gives up, the exact reader reads the file again from its start, and a progress
    bar should wait there rather than go back."""
    furthest = 0

    def report(done: int) -> None:
        nonlocal furthest
        if done > furthest:
            furthest = done
            progress(done)

    return report


@contextmanager
def _local_file(source: Path | BinaryIO) -> Iterator[tuple[Path, BinaryIO, int]]:
    """Yield a path, an open handle and the size of ``source``, spooling a stream to disk."""
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            if path.is_dir():
                raise SourceNotFound(f"{path} is a folder, not a file.")
            if path.exists():
                raise SourceNotFound(f"{path} is not a regular file (a device or a pipe).")
            raise SourceNotFound(f"There is no file at {path}.")
        with path.open("rb") as handle:
            yield path, handle, path.stat().st_size
        return
    # A stream (an upload) is copied into an in-memory file, never to a disk: it is plaintext.
    handed = in_memory_copy(source, name="validate")
    try:
        with open(handed.path, "rb") as spool:
            size = os.fstat(spool.fileno()).st_size
            yield Path(handed.path), spool, size
    finally:
        handed.close()


def _name_of(source: Path | BinaryIO) -> str:
    if isinstance(source, str | Path):
        return Path(source).name
    name = getattr(source, "name", None)
    return Path(name).name if isinstance(name, str) else "upload"

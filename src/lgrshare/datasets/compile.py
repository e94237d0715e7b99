"""Compile: every council's accepted submissions of a standard under an agreement, as one dataset.

Each council's dataset is read through the one read path with the policy's ``compile`` action
(so a reader gets only the fields the agreement's flows give them, and a refusal is recorded);
each period's latest accepted version is read; rows carry their lineage (council, submission,
version, period) and every caveat is carried. A coverage report says which council submitted
which period, who is missing, and what makes figures incomparable. Rows whose council code is
not the submitting council's are flagged (``council_code_differs``).

For a person-derived standard (``domain.disclosure.PERSON_DERIVED``) the compiled output is not
rows but counts: added up by LSOA, ward and district (or by council), suppressed and rounded by
``domain.disclosure``, with a note of what was withheld and why. That is the airlock: other
councils never see such rows one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from lgrshare import access
from lgrshare.agreements.flows import named_standard
from lgrshare.agreements.models import Agreement
from lgrshare.catalogue.models import Dataset, Kind
from lgrshare.councils.models import User
from lgrshare.datasets.bundle import Bundle
from lgrshare.datasets.read import Rows, data_require, dataset_rows
from lgrshare.domain import disclosure
from lgrshare.domain.deadline import deadline_check
from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.domain.lineage import COUNCIL_FIELDS, with_council
from lgrshare.domain.policy import AccessDenied, Action
from lgrshare.domain.public_data import load_public_table
from lgrshare.domain.standards.model import Standard
from lgrshare.trail import record

# Caveat kinds that make one council's figures not comparable with another's.
INCOMPARABLE = ("definition-differs", "estimated", "provisional", "incomplete", "known-error")


class NothingToCompile(InvalidInput):
    code = "compile-no-submissions"
    title = "There is nothing to compile yet"


@dataclass(frozen=True)
class CouncilCoverage:
    """One providing council: ``periods`` it has an accepted submission for; ``refused`` the
    policy's reason when the reader may not compile its data; ``flagged`` rows naming
    another council."""

    council: str
    name: str
    periods: tuple[str, ...] = ()
    refused: str = ""
    rows: int = 0
    flagged: int = 0


@dataclass(frozen=True)
class Coverage:
    periods: tuple[str, ...]
    councils: tuple[CouncilCoverage, ...]
    differences: tuple[str, ...] = ()

    @property
    def missing(self) -> list[tuple[str, str]]:
        """(council name, period) for every period another council submitted and it did not."""
        return [
            (c.name, period)
            for c in self.councils
            if not c.refused
            for period in self.periods
            if period not in c.periods
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "periods": list(self.periods),
            "councils": [
                {
                    "council": c.council,
                    "name": c.name,
                    "periods": list(c.periods),
                    "refused": c.refused or None,
                    "rows": c.rows,
                    "flagged": c.flagged,
                }
                for c in self.councils
            ],
            "missing": [
                {"council": c.council, "name": c.name, "period": period}
                for c in self.councils
                if not c.refused
                for period in self.periods
                if period not in c.periods
            ],
            "differences": list(self.differences),
        }


@dataclass(frozen=True)
class Compiled:
    """The compiled dataset: ``frame`` (rows with lineage, or for a person-derived standard the
    suppressed counts at each geography), its coverage, caveats and disclosure note."""

    agreement: Agreement
    standard: Standard
    frame: pl.DataFrame
    coverage: Coverage
    caveats: list[dict[str, Any]] = field(default_factory=list)
    disclosure: disclosure.Note | None = None

    @property
    def flagged(self) -> int:
        return sum(c.flagged for c in self.coverage.councils)

    @property
    def place_column(self) -> str | None:
        """The column naming each row's place in the protected counts (their totals are
        ``Total``); None for rows, whose places are found by their codes."""
        return "unit" if self.disclosure is not None else None

    @property
    def name(self) -> str:
        return f"{self.agreement.reference}-{self.standard.name}-compiled"


def compile_standard(*, user: User, agreement: Agreement, standard_name: str) -> Compiled:
    """Compile every council's accepted submissions of ``standard_name`` under ``agreement``
    that ``user`` may compile; recorded as ``dataset-compiled``.

    Raises ``NotFound`` (``standard-not-in-agreement``) when the agreement shares no such
    data, ``AccessDenied`` (the policy's reason, recorded) when the user may compile none of
    it, ``NothingToCompile`` (``compile-no-submissions``) when no council has an accepted
    submission.
    """
    datasets = list(
        Dataset.objects.filter(agreement=agreement, standard_name=standard_name)
        .select_related("publisher", "area", "agreement")
        .order_by("publisher_id")
    )
    if not datasets:
        raise NotFound(
            f"{agreement.reference} does not share {standard_name}",
            code="standard-not-in-agreement",
        )
    standard = named_standard(agreement.current(), standard_name)
    read: list[Rows] = []
    coverage: list[CouncilCoverage] = []
    refusals: list[Dataset] = []
    for dataset in datasets:
        deadline_check()  # a council at a time, within the request's time limit
        if dataset.kind != Kind.SUBMISSION:  # nothing accepted yet: nothing to read
            decision = access.check(user=user, action=Action.COMPILE, dataset=dataset)
            if not decision.allowed:
                refusals.append(dataset)
            coverage.append(_council(dataset, refused="" if decision.allowed else decision.reason))
            continue
        try:
            rows = dataset_rows(user=user, dataset=dataset, action=Action.COMPILE)
        except AccessDenied as refused:
            refusals.append(dataset)
            coverage.append(_council(dataset, refused=refused.code))
            continue
        read.append(rows)
    if len(refusals) == len(datasets):  # recorded, with the policy's reason
        data_require(user=user, action=Action.COMPILE, dataset=refusals[0])
    if not any(rows.versions for rows in read):
        raise NothingToCompile(
            f"No council has an accepted submission of {standard.title} under "
            f"{agreement.reference} yet: there is nothing to compile"
        )
    frames = []
    for rows in read:
        frame, flagged = _with_lineage(rows)
        frames.append(frame)
        coverage.append(
            _council(
                rows.dataset,
                periods=tuple(v.period for v in rows.versions),
                rows=frame.height,
                flagged=flagged,
            )
        )
    combined = pl.concat(frames, how="diagonal_relaxed")
    caveats = [{**c, "council": rows.dataset.publisher_name} for rows in read for c in rows.caveats]
    periods = tuple(sorted({p for c in coverage for p in c.periods}))
    cover = Coverage(
        periods=periods,
        councils=tuple(sorted(coverage, key=lambda c: c.name)),
        differences=tuple(_differences(read, caveats)),
    )
    note = None
    if disclosure.person_derived(standard.personal_data):
        combined, note = _protected(combined, standard, _rules(agreement))
    compiled = Compiled(agreement, standard, combined, cover, caveats, note)
    record(
        user=user,
        action="dataset-compiled",
        target_type="agreement",
        target_id=agreement.reference,
        area=agreement.area.county_id,
        standard=standard_name,
        councils=len(read),
        rows=combined.height,
        flagged=compiled.flagged,
        withheld=len(note.withheld) if note else 0,
    )
    return compiled


def _council(dataset: Dataset, **facts: Any) -> CouncilCoverage:
    return CouncilCoverage(council=dataset.publisher_id or "", name=dataset.publisher_name, **facts)


def _with_lineage(rows: Rows) -> tuple[pl.DataFrame, int]:
    return with_council(rows.frame, council=rows.dataset.publisher_id or "")


def _differences(read: list[Rows], caveats: list[dict[str, Any]]) -> list[str]:
    """What makes one council's figures not comparable with another's, in words."""
    out = []
    versions = {v.standard_version for rows in read for v in rows.versions}
    if len(versions) > 1:
        out.append(
            f"Submitted against different versions of the standard: {', '.join(sorted(versions))}."
        )
    by_council = {rows.dataset.publisher_name: {v.period for v in rows.versions} for rows in read}
    if len({frozenset(p) for p in by_council.values() if p}) > 1:
        spans = "; ".join(
            f"{n}: {', '.join(sorted(p)) or 'none'}" for n, p in sorted(by_council.items())
        )
        out.append(f"Councils cover different periods ({spans}).")
    for caveat in caveats:
        if caveat.get("kind") in INCOMPARABLE:
            where = f" ({caveat['field']})" if caveat.get("field") else ""
            out.append(f"{caveat['council']}, {caveat['period']}{where}: {caveat['text']}")
    return out


def _rules(agreement: Agreement) -> disclosure.Rules:
    return disclosure.Rules(threshold=agreement.current().disclosure_threshold)


def _protected(
    frame: pl.DataFrame, standard: Standard, rules: disclosure.Rules
) -> tuple[pl.DataFrame, disclosure.Note]:
    """The compiled counts of a person-derived standard at each geography, protected."""
    counts = [
        f.name
        for f in standard.fields
        if f.type == "integer" and f.name in frame.columns and f.name not in standard.primary_key
    ]
    if not counts:
        raise InvalidInput(
            f"{standard.title} has no counts to publish as aggregates",
            code="compile-no-counts",
        )
    places = [f.name for f in standard.fields if f.name in COUNCIL_FIELDS or f.code_list]
    place = next(
        (
            f.name
            for f in standard.fields
            if f.code_list == "gss:lsoa-2021" and f.name in frame.columns
        ),
        None,
    )
    keys = [
        name for name in standard.primary_key if name in frame.columns and name not in places
    ] + ["source_period"]
    long = frame.unpivot(
        index=[c for c in frame.columns if c not in counts],
        on=counts,
        variable_name="__measure",
        value_name="__count",
    )
    long = long.with_columns(pl.col("__count").cast(pl.Int64, strict=False)).filter(
        pl.col("__count").is_not_null()
    )
    long = long.with_columns(
        pl.concat_str(
            [*[pl.col(k).fill_null("") for k in keys], "__measure"], separator=" / "
        ).alias("__category")
    )
    if place is not None:
        lookup = load_public_table("lookup-lsoa-ward-district").select(
            pl.col("lsoa21_code").alias(place), "ward24_code", "ltla24_code"
        )
        long = long.join(lookup, on=place, how="left").with_columns(
            pl.col("ward24_code").fill_null("unknown ward"),
            pl.col("ltla24_code").fill_null(pl.col("source_council")),
        )
        geographies = {"lsoa": place, "ward": "ward24_code", "district": "ltla24_code"}
    else:
        geographies = {"council": "source_council"}
    protected = disclosure.protect(
        long, count="__count", geographies=geographies, category="__category", rules=rules
    )
    out = pl.concat(
        [
            table.with_columns(pl.lit(name).alias("geography")).select(
                "geography", "unit", "category", "count", "withheld"
            )
            for name, table in protected.outputs.items()
        ]
    )
    return out, protected.note


def compiled_bundle(compiled: Compiled) -> Bundle:
    """The export bundle of a compiled standard: coverage and disclosure beside the data."""
    about = [
        f"{compiled.standard.title}: compiled from the councils sharing it under "
        f"{compiled.agreement.reference} ({compiled.agreement.title}).",
        "Each row names its council, submission, version and period (source_* columns).",
        *[
            f"{c.name}: {', '.join(c.periods) or 'nothing submitted'}"
            + (f" ({c.flagged} rows name another council)" if c.flagged else "")
            for c in compiled.coverage.councils
        ],
        "",
        "Differences that make figures incomparable:",
        *(compiled.coverage.differences or ("None recorded.",)),
    ]
    return Bundle(
        name=compiled.name,
        frame=compiled.frame,
        about=about,
        caveats=compiled.caveats,
        reports={"coverage.json": compiled.coverage.to_json()},
        disclosure=compiled.disclosure.to_json() if compiled.disclosure else None,
    )

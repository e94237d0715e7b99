"""Indicators from compiled submissions for saved options: the area's agreement compiled
through the datasets capability (its policy, agreed fields, disclosure control), then built up
to each proposed council by ``lgrshare.domain.indicators``.

Every indicator names its source (the standard, the agreement, the councils that submitted),
its vintage (the period and the submissions read) and its split method. For a standard derived
from personal data the compiled output is already protected counts (the airlock); the
indicators add up those published counts at the finest geography and never re-count rows, so
no withheld count can be worked out from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from lgrshare import access
from lgrshare.agreements.flows import agreed_fields
from lgrshare.agreements.models import Agreement, State
from lgrshare.agreements.status import RetentionDue, retention_due
from lgrshare.catalogue.models import Dataset, Kind
from lgrshare.councils.models import Area, User
from lgrshare.datasets.compile import Compiled, compile_standard
from lgrshare.domain import disclosure
from lgrshare.domain.errors import InvalidInput, LgrShareError, NotFound
from lgrshare.domain.evidence_pack import CompiledFigure, CompiledSource
from lgrshare.domain.geography import district_frame, lsoa_frame
from lgrshare.domain.indicators import Indicators, option_indicators, summable
from lgrshare.domain.options import OptionReport, option_check
from lgrshare.domain.policy import Action, DecisionReason
from lgrshare.domain.standards.model import Standard
from lgrshare.evidence.services import Compared, options_compare
from lgrshare.standards.services import standard_get
from lgrshare.submissions.models import Submission

PERIOD = "source_period"
PROTECTED_MEASURE = "count"
PROTECTED_BY = ("category",)
OFFERED_WHEN_REFUSED = ("", DecisionReason.TERMS_NOT_ACCEPTED)


@dataclass(frozen=True, slots=True)
class Choice:
    """A measure of a standard compiled under an agreement of the area, as offered on pages:
    ``key`` is ``agreement:standard:measure``."""

    agreement_id: int
    agreement_reference: str
    standard: str
    standard_title: str
    measure: str
    measure_title: str
    unit: str
    # The policy's reason this person may not compile it ("" when they may): a choice
    # refused for a reason they can put right (accepting the terms) is still offered.
    refused: str = ""

    @property
    def refusal_message(self) -> str:
        return DecisionReason(self.refused).message if self.refused else ""

    @property
    def offered(self) -> bool:
        return self.refused in OFFERED_WHEN_REFUSED

    @property
    def key(self) -> str:
        return f"{self.agreement_id}:{self.standard}:{self.measure}"

    @property
    def label(self) -> str:
        return f"{self.measure_title}: {self.standard_title} ({self.agreement_reference})"


@dataclass(frozen=True, slots=True)
class CompiledIndicators:
    compiled: Compiled
    indicators: Indicators
    period: str
    measure: str
    unit: str

    @property
    def source(self) -> str:
        """Where the figures come from, in words."""
        submitted = [c.name for c in self.compiled.coverage.councils if c.rows]
        return (
            f"{self.compiled.standard.title}: accepted submissions of "
            f"{', '.join(submitted) or 'no council'} under {self.compiled.agreement.reference} "
            f"({self.compiled.agreement.title}), compiled in LGR Share"
        )

    @property
    def vintage(self) -> str:
        """The period and the submissions (each the period's latest accepted version) read."""
        frame = self.compiled.frame
        if {"source_submission", "source_version"} <= set(frame.columns):
            if PERIOD in frame.columns and self.period:
                frame = frame.filter(pl.col(PERIOD) == self.period)
            names = {c.council: c.name for c in self.compiled.coverage.councils}
            if "source_council" not in frame.columns:
                frame = frame.with_columns(pl.lit("").alias("source_council"))
            read = sorted(
                (names.get(code, "a council"), ref, version)
                for code, ref, version in frame.select(
                    "source_council", "source_submission", "source_version"
                )
                .unique()
                .rows()
            )
            said = [f"{name}'s submission {ref} (version {v})" for name, ref, v in read]
            return f"{self.period or 'every period'}, from {_and(said) or 'no submission'}"
        periods = ", ".join(self.compiled.coverage.periods)
        return f"{self.period or periods} (protected counts of each period's latest version)"

    @property
    def disclosure(self) -> str:
        """What disclosure control did, or why none applies."""
        if self.compiled.disclosure is None:
            return "None needed: the standard is not derived from personal data."
        return (
            " ".join(self.compiled.disclosure.lines)
            + " Each council's figure adds up the published counts of its LSOAs, so it "
            "leaves withheld counts out and cannot reveal them."
        )

    def missing(self, report: OptionReport) -> dict[str, list[str]]:
        """Proposed council → names of its districts from which no rows were compiled (its
        figure leaves them out: it is not the council's total)."""
        rows = {c.council for c in self.compiled.coverage.councils if c.rows}
        if report.area in rows:  # the county's own rows reach every council
            return {}
        lsoas = lsoa_frame().select("lsoa_code", "district_code")
        names = dict(district_frame().select("district_code", "district_name").iter_rows())
        out: dict[str, list[str]] = {}
        for council, codes in report.lsoas.items():
            districts = (
                lsoas.filter(pl.col("lsoa_code").is_in(list(codes)))["district_code"]
                .unique()
                .sort()
                .to_list()
            )
            out[council] = [names.get(d, d) for d in districts if d not in rows]
        return out


def _due(due: RetentionDue | None) -> str:
    """When the data must be deleted, with the rule unless it is the plain date."""
    if due is None:
        return ""
    return f"{due.on:%d %B %Y}" + ("" if due.rule == "delete-by-date" else f" ({due.explanation})")


def _and(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else "".join(items)


def indicator_choices(*, area: Area, user: User) -> list[Choice]:
    """Return the measures that can be compiled in ``area``: each summable numeric field of
    each standard with an accepted submission under an active agreement of the area (for a
    standard derived from personal data, its protected counts), each with the policy's
    reason ``user`` may not compile it (asked, not recorded: compiling records it)."""
    shared = (
        Dataset.objects.filter(
            area=area,
            kind=Kind.SUBMISSION,
            agreement__state=State.ACTIVE,
            submissions__state=Submission.State.ACCEPTED,  # not deleted under retention
        )
        .select_related("agreement", "publisher", "area")
        .distinct()
        .order_by("agreement_id", "standard_name", "pk")
    )
    given: dict[tuple[int, str], set[str]] = {}
    reasons: dict[tuple[int, str], set[str]] = {}
    agreements: dict[int, Agreement] = {}
    for dataset in shared:
        assert dataset.agreement is not None  # filtered on its state
        pair = (dataset.agreement.pk, dataset.standard_name)
        agreements[pair[0]] = dataset.agreement
        version = dataset.agreement.current()
        given.setdefault(pair, set()).update(
            agreed_fields(version=version, standard=pair[1], provider=dataset.publisher_id or "")
        )
        decision = access.check(user=user, action=Action.COMPILE, dataset=dataset)
        reasons.setdefault(pair, set()).add("" if decision.allowed else decision.reason)
    choices: list[Choice] = []
    for (agreement_id, name), agreed in given.items():
        standard = standard_get(name=name)
        reference = agreements[agreement_id].reference
        found = reasons[(agreement_id, name)]
        refused = "" if "" in found else min(found, key=lambda r: r not in OFFERED_WHEN_REFUSED)
        for measure, title, unit in _measures(standard, agreed):
            choices.append(
                Choice(agreement_id, reference, name, standard.title, measure, title, unit, refused)
            )
    return choices


def _measures(standard: Standard, agreed: set[str]) -> list[tuple[str, str, str]]:
    """The measures of ``standard`` among the ``agreed`` fields that can be added up."""
    if disclosure.person_derived(standard.personal_data):
        return [(PROTECTED_MEASURE, "Counts (small numbers withheld, others rounded)", "")]
    return [
        (f.name, f.title or f.name, f.unit)
        for f in standard.fields
        if f.type in ("number", "integer")
        and f.name in agreed
        and f.name not in standard.primary_key
        and summable(f.unit)
    ]


def choice_get(*, area: Area, user: User, key: str) -> Choice:
    """Return the choice ``key`` of ``area``; raises ``InvalidInput`` (``indicator-invalid``)."""
    for choice in indicator_choices(area=area, user=user):
        if choice.key == key:
            return choice
    raise InvalidInput(
        "Choose one of the figures offered from the councils' shared data.",
        code="indicator-invalid",
    )


def compiled_get(*, user: User, area: Area, agreement_id: int, standard_name: str) -> Compiled:
    """Compile ``standard_name`` under the area's agreement ``agreement_id`` for ``user``.

    Raises ``NotFound`` (``agreement-not-found``) and what compiling raises (policy refusals
    recorded, ``compile-no-submissions``)."""
    in_range = 0 < agreement_id < 2**31  # out of a database integer's range: not there
    agreement = Agreement.objects.filter(area=area, pk=agreement_id).first() if in_range else None
    if agreement is None:
        raise NotFound("There is no such agreement in this area", code="agreement-not-found")
    return compile_standard(user=user, agreement=agreement, standard_name=standard_name)


def indicators_of(
    *,
    compiled: Compiled,
    report: OptionReport,
    measure: str,
    by: Sequence[str] = (),
    period: str = "",
) -> CompiledIndicators:
    """Return ``measure`` of ``compiled`` summed for each council of ``report``'s option, per
    ``by`` value, for one period (``period``, else the latest compiled).

    Raises ``InvalidInput`` (``indicator-invalid``) for a period, measure or column the
    compiled data does not have, or a measure that cannot be summed (a rate, a Band D)."""
    frame = compiled.frame
    units = {f.name: f.unit for f in compiled.standard.fields}
    if compiled.place_column is not None:
        frame, measure, by = _protected_counts(compiled), PROTECTED_MEASURE, PROTECTED_BY
    elif measure in units and not summable(units[measure]):
        raise InvalidInput(
            f"{measure} is in {units[measure]}: adding it up over councils means nothing.",
            code="indicator-invalid",
        )
    chosen = period
    if PERIOD in frame.columns:
        periods = sorted(p for p in frame[PERIOD].unique().to_list() if p)
        chosen = period or (periods[-1] if periods else "")
        if chosen not in periods:
            raise InvalidInput(
                f"The compiled data has no period {chosen!r}: it has {', '.join(periods)}.",
                code="indicator-invalid",
            )
        frame = frame.filter(pl.col(PERIOD) == chosen)
    indicators = option_indicators(frame=frame, report=report, measure=measure, by=by)
    return CompiledIndicators(compiled, indicators, chosen, measure, units.get(measure, ""))


def _protected_counts(compiled: Compiled) -> pl.DataFrame:
    """The published counts at the finest geography (LSOA, else council), totals left out:
    what indicators of a person-derived standard add up."""
    frame = compiled.frame
    finest = "lsoa" if (frame["geography"] == "lsoa").any() else "council"
    place = "lsoa21_code" if finest == "lsoa" else "gss_code"
    return frame.filter(
        (pl.col("geography") == finest)
        & (pl.col("unit") != disclosure.TOTAL)
        & (pl.col("category") != disclosure.TOTAL)
    ).select(
        pl.col("unit").alias(place),
        "category",
        pl.col("count").cast(pl.Float64).alias(PROTECTED_MEASURE),
    )


def option_compiled_indicators(
    *,
    user: User,
    area: Area,
    pk: int,
    agreement_id: int,
    standard_name: str,
    measure: str,
    by: Sequence[str] = (),
    period: str = "",
) -> CompiledIndicators:
    """Return ``measure`` of the compiled ``standard_name`` under the area's agreement
    ``agreement_id``, summed for each council of saved option ``pk``, per ``by`` value, for
    one period (``period``, else the latest compiled).

    Raises ``NotFound`` (``agreement-not-found``, ``option-not-found``), what compiling raises
    (policy refusals recorded, ``compile-no-submissions``), and ``InvalidInput``
    (``indicator-invalid``) for a measure or column the compiled data does not have."""
    (compared,) = options_compare(user=user, area=area, pks=[pk])
    compiled = compiled_get(
        user=user, area=area, agreement_id=agreement_id, standard_name=standard_name
    )
    report = option_check(option=compared.version.option(), area=area.county_id)
    return indicators_of(compiled=compiled, report=report, measure=measure, by=by, period=period)


def figures_of(
    result: CompiledIndicators, *, report: OptionReport, option: str, title: str = ""
) -> list[CompiledFigure]:
    """One row per proposed council of ``report``'s option and indicator, a council that no
    rows reached included (empty, its districts named): what pages and the pack show. A
    measure not split by anything is named ``title`` (its field's title) when given."""
    missing = result.missing(report)
    names = sorted({i.name for i in result.indicators.items}) or [result.measure]
    found = {(i.council, i.name): i for i in result.indicators.items}
    out = []
    for council in report.option.councils:
        gaps = missing.get(council, [])
        gap = f"Nothing submitted by {', '.join(gaps)}: not included." if gaps else ""
        for name in names:
            item = found.get((council, name))
            out.append(
                CompiledFigure(
                    option=option,
                    council=council,
                    indicator=title if title and name == result.measure else name,
                    measure=result.measure,
                    unit=result.unit,
                    value=item.value if item else None,
                    source=result.source,
                    vintage=result.vintage,
                    method=item.method if item else "No rows reached this council.",
                    disclosure=result.disclosure,
                    note=" ".join(n for n in (gap, item.note if item else "") if n),
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class Shown:
    """What an options page shows of one choice: its figures for every compared option, or
    why it cannot (``refused``: the code and message)."""

    choice: Choice
    figures: tuple[CompiledFigure, ...] = ()
    result: CompiledIndicators | None = None
    refused: tuple[str, str] | None = None


def compared_indicators(*, user: User, area: Area, compared: Sequence[Compared], key: str) -> Shown:
    """Return the figures of choice ``key`` for each of ``compared``; a refusal (recorded by
    the gate when it is the policy's), nothing compiled, or a measure that cannot be shown
    comes back in ``refused``. Raises ``InvalidInput`` (``indicator-invalid``) for a key
    that is not one of the area's choices."""
    choice = choice_get(area=area, user=user, key=key)
    try:
        compiled = compiled_get(
            user=user, area=area, agreement_id=choice.agreement_id, standard_name=choice.standard
        )
        figures: list[CompiledFigure] = []
        result = None
        for c in compared:
            report = option_check(option=c.version.option(), area=area.county_id)
            result = indicators_of(compiled=compiled, report=report, measure=choice.measure)
            figures += figures_of(
                result, report=report, option=c.option_set.name, title=choice.measure_title
            )
    except LgrShareError as exc:
        return Shown(choice, refused=(exc.code, exc.message))
    return Shown(choice, tuple(figures), result)


def pack_indicators(
    *, user: User, area: Area, compared: Sequence[Compared]
) -> tuple[list[CompiledFigure], list[CompiledSource]]:
    """Every choice of ``area`` for each of ``compared``, for the evidence pack, and each
    standard compiled (or why not: a refusal is recorded by the gate and named in the pack)."""
    figures: list[CompiledFigure] = []
    sources: list[CompiledSource] = []
    by_standard: dict[tuple[int, str], list[Choice]] = {}
    for choice in indicator_choices(area=area, user=user):
        by_standard.setdefault((choice.agreement_id, choice.standard), []).append(choice)
    for (agreement_id, standard), choices in by_standard.items():
        title = f"{choices[0].standard_title} ({choices[0].agreement_reference})"
        try:
            compiled = compiled_get(
                user=user, area=area, agreement_id=agreement_id, standard_name=standard
            )
            found: list[CompiledFigure] = []
            result = None
            for c in compared:
                report = option_check(option=c.version.option(), area=area.county_id)
                for choice in choices:
                    if compiled.place_column is None and choice.measure not in compiled.frame:
                        continue  # a field this reader is not given by the agreement's flows
                    result = indicators_of(compiled=compiled, report=report, measure=choice.measure)
                    found += figures_of(
                        result, report=report, option=c.option_set.name, title=choice.measure_title
                    )
        except LgrShareError as exc:
            sources.append(CompiledSource(title, refused=f"{exc.message} [{exc.code}]"))
            continue
        if result is None:
            sources.append(CompiledSource(title, refused="None of its figures is shared with you."))
            continue
        figures += found
        agreement = compiled.agreement
        version = agreement.current()
        due = retention_due(agreement, version)
        sources.append(
            CompiledSource(
                title,
                source=result.source,
                disclosure=result.disclosure,
                agreement=agreement.reference,
                agreement_title=agreement.title,
                classification=version.classification,
                purposes=version.purposes,
                delete_by=_due(due),
            )
        )
    return figures, sources

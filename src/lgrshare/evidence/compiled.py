"""Indicators from compiled submissions for a saved option: the area's agreement compiled
through the datasets capability (its policy, agreed fields, disclosure control), then built up
to each proposed council by ``lgrshare.domain.indicators``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from lgrshare.agreements.models import Agreement
from lgrshare.councils.models import Area, User
from lgrshare.datasets.compile import Compiled, compile_standard
from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.domain.indicators import Indicators, option_indicators
from lgrshare.domain.options import option_check
from lgrshare.evidence.services import options_compare

PERIOD = "source_period"


@dataclass(frozen=True, slots=True)
class CompiledIndicators:
    compiled: Compiled
    indicators: Indicators
    period: str


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
    in_range = 0 < agreement_id < 2**31  # out of a database integer's range: not there
    agreement = Agreement.objects.filter(area=area, pk=agreement_id).first() if in_range else None
    if agreement is None:
        raise NotFound("There is no such agreement in this area", code="agreement-not-found")
    compiled = compile_standard(user=user, agreement=agreement, standard_name=standard_name)
    frame = compiled.frame
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
    report = option_check(option=compared.version.option(), area=area.county_id)
    indicators = option_indicators(frame=frame, report=report, measure=measure, by=by)
    return CompiledIndicators(compiled=compiled, indicators=indicators, period=chosen)

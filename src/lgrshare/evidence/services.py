"""Unitary options of an area: appraise, save a version, export the evidence pack.

Each service asks the options policy through the gate (``lgrshare.access``), which records a
refusal; saving and exporting are audited (``option-saved``, ``evidence-pack-exported``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from lgrshare import access
from lgrshare.councils.models import Area, User
from lgrshare.domain.appraisal import Appraisal, appraise
from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.domain.options import Option, OptionReport, Problem, option_check, option_from_json
from lgrshare.domain.policy.options import OptionsAction
from lgrshare.evidence.models import OptionSet, OptionVersion
from lgrshare.trail import record, refusals_recorded

MAX_COMPARED = 6


class OptionHasProblems(InvalidInput):
    """The option does not cover the area exactly once: every problem is in ``problems``."""

    code = "option-not-valid"
    title = "The option has problems"
    status = 422

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            f"The option has {len(self.problems)} problem(s): "
            + " ".join(p.message for p in self.problems)
        )


def _checked(*, option: Option, area: Area) -> OptionReport:
    report = option_check(option=option, area=area.county_id)
    if not report.valid:
        raise OptionHasProblems(report.problems)
    return report


def option_appraise(*, user: User, area: Area, body: object) -> Appraisal:
    """Return the appraisal of the option in ``body`` (``{"name", "councils"}``) for ``area``.

    Raises ``AccessDenied`` (recorded) unless the policy allows ``appraise-option``,
    ``OptionInvalid`` when the body is not an option, ``OptionHasProblems`` with every problem.
    """
    access.require_on_options(user=user, action=OptionsAction.APPRAISE, area=area.county_id)
    option = option_from_json(body)
    return appraise(report=_checked(option=option, area=area), area_name=area.name)


def _area_target(kwargs: dict[str, object]) -> tuple[str, str, str]:
    area = kwargs["area"]
    assert isinstance(area, Area)
    return ("area", area.county_id, area.county_id)


@refusals_recorded("option-saved", _area_target)  # type: ignore[arg-type]
@transaction.atomic
def option_save(
    *, user: User, area: Area, option: Option, option_set: OptionSet | None = None, note: str = ""
) -> OptionVersion:
    """Save ``option`` as the next version of ``option_set`` (or as a new set named after the
    option) and return the version; audited as ``option-saved``.

    Raises ``AccessDenied`` unless the policy allows ``save-option``; ``OptionHasProblems``
    unless the option covers the area once; ``InvalidInput`` (``option-name-taken``) when a
    new set's name is in use in the area. A refusal is recorded and nothing is saved."""
    access.require_on_options(user=user, action=OptionsAction.SAVE, area=area.county_id)
    _checked(option=option, area=area)
    if option_set is None:
        if OptionSet.objects.in_area(area).filter(name=option.name).exists():
            raise InvalidInput(
                f"An option called {option.name!r} is already saved in {area.name}: open it "
                "and save a new version, or choose another name.",
                code="option-name-taken",
            )
        option_set = OptionSet.objects.create(area=area, name=option.name, created_by=user)
        number = 1
    else:
        if option_set.area_id != area.pk:
            raise NotFound("There is no such option in this area", code="option-not-found")
        option_set = OptionSet.objects.select_for_update().get(pk=option_set.pk)
        number = option_set.latest().number + 1
    version = OptionVersion.objects.create(
        option_set=option_set,
        number=number,
        body=OptionVersion.body_of(option),
        note=note.strip()[:500],
        created_by=user,
    )
    record(
        user=user,
        action="option-saved",
        target_type="option-set",
        target_id=option_set.pk,
        area=area.county_id,
        version=number,
        councils=len(option.councils),
    )
    return version


def option_sets_for(*, user: User, area: Area) -> list[OptionSet]:
    """Return ``area``'s saved options with their versions; raises ``AccessDenied`` (recorded)
    unless the policy allows ``appraise-option``."""
    access.require_on_options(user=user, action=OptionsAction.APPRAISE, area=area.county_id)
    return list(
        OptionSet.objects.in_area(area).prefetch_related("versions__created_by").order_by("name")
    )


def option_set_get(*, area: Area, pk: int) -> OptionSet:
    """Return the option set ``pk`` of ``area``; raises ``NotFound`` (``option-not-found``)."""
    # Out of a database integer's range is simply not there (never a database error).
    found = OptionSet.objects.in_area(area).filter(pk=pk).first() if 0 < pk < 2**31 else None
    if found is None:
        raise NotFound("There is no such option in this area", code="option-not-found")
    return found


@dataclass(frozen=True, slots=True)
class Compared:
    option_set: OptionSet
    version: OptionVersion
    appraisal: Appraisal


def options_compare(*, user: User, area: Area, pks: Sequence[int]) -> list[Compared]:
    """Return the latest version of each option set ``pks`` of ``area`` with its appraisal.

    Raises ``AccessDenied`` unless the policy allows ``appraise-option``; ``InvalidInput``
    (``too-many-options``) past ``MAX_COMPARED``; ``NotFound`` for a set not in the area."""
    access.require_on_options(user=user, action=OptionsAction.APPRAISE, area=area.county_id)
    if len(pks) > MAX_COMPARED:
        raise InvalidInput(
            f"Compare at most {MAX_COMPARED} options at once.", code="too-many-options"
        )
    compared = []
    for pk in dict.fromkeys(pks):
        option_set = option_set_get(area=area, pk=pk)
        version = option_set.latest()
        report = _checked(option=version.option(), area=area)
        compared.append(Compared(option_set, version, appraise(report=report, area_name=area.name)))
    return compared

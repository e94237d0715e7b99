"""Whether an agreement may go live, from its records: the adapter to
``lgrshare.domain.screening.readiness``.

The services call ``require_ready`` inside their transaction, under the agreement's lock; the
refusal (``AgreementNotReady``) is recorded by ``lgrshare.trail.refusals_recorded`` after the
transaction has rolled back, with every problem's code.
"""

from __future__ import annotations

from django.utils import timezone

from lgrshare.agreements.models import Agreement, AgreementVersion, Dpia
from lgrshare.domain.screening import (
    AgreementNotReady,
    DpiaDecision,
    Problem,
    ReadinessFacts,
    ScreeningResult,
    StandardLevel,
    readiness,
)
from lgrshare.domain.screening.readiness import LEVEL_GROUP
from lgrshare.standards.services import area_standard_version, standard_get


def _dpia(agreement: Agreement) -> DpiaDecision | None:
    found = Dpia.objects.filter(agreement=agreement).select_related("decided_by").first()
    if found is None:
        return None
    return DpiaDecision(
        status=found.status,
        outcome=found.outcome,
        residual_risk=found.residual_risk,
        # Only a DPO records the decision (``dpia_record``); this also holds if that person's
        # roles change afterwards.
        decided_by_dpo=found.decided_by_id is not None,
        ico_consultation=found.ico_consultation,
        appropriate_policy_document=found.appropriate_policy_document,
    )


def _standards(version: AgreementVersion) -> tuple[StandardLevel, ...]:
    levels = []
    for item in version.data_items or []:
        if "standard" in item:
            named = str(item.get("version") or "")
            standard = standard_get(name=item["standard"], version=named)
            saved = area_standard_version(standard.name, named) if named else None
            levels.append(
                StandardLevel(
                    name=standard.name,
                    title=standard.title,
                    personal_data=standard.personal_data,
                    sensitivity=standard.sensitivity,
                    proposed=bool(saved and saved.proposed),
                )
            )
    return tuple(levels)


def readiness_facts(version: AgreementVersion, screened: ScreeningResult) -> ReadinessFacts:
    """Return what the readiness rules look at for ``version`` screened as ``screened``."""
    return ReadinessFacts(
        screening=screened,
        personal_data=version.personal_data,
        classification=version.classification,
        standards=_standards(version),
        dpia=_dpia(version.agreement),
        delete_by=version.delete_by,
        today=timezone.localdate(),
        article_9_condition=version.article_9_condition or None,
    )


def problems_of(version: AgreementVersion, screened: ScreeningResult) -> tuple[Problem, ...]:
    """Return every problem that stops ``version`` going live (empty when none)."""
    return readiness(readiness_facts(version, screened))


def level_warnings(version: AgreementVersion, screened: ScreeningResult) -> tuple[Problem, ...]:
    """Return the problems of classification and personal data against the standards shared:
    a draft may be saved with them, with a warning, but cannot go live."""
    return readiness(readiness_facts(version, screened), groups=(LEVEL_GROUP,))


def require_ready(version: AgreementVersion, screened: ScreeningResult) -> None:
    """Return None when ``version`` may go live; raises ``AgreementNotReady`` listing every
    problem otherwise."""
    problems = problems_of(version, screened)
    if problems:
        raise AgreementNotReady(problems)

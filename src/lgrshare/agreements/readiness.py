"""Whether an agreement may go live, from its records: the adapter to
``lgrshare.domain.screening.readiness``.

The services call ``require_ready`` inside their transaction, under the agreement's lock; the
refusal (``AgreementNotReady``) is recorded by ``lgrshare.trail.refusals_recorded`` after the
transaction has rolled back, with every problem's code.
"""

from __future__ import annotations

from django.utils import timezone

from lgrshare.agreements.models import Agreement, AgreementVersion, Dpia
from lgrshare.domain.agreement_terms import Terms, TermsProblem
from lgrshare.domain.screening import (
    AgreementNotReady,
    DpiaDecision,
    Problem,
    ReadinessFacts,
    ScreeningFacts,
    ScreeningResult,
    StandardLevel,
    readiness,
    screen,
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


def _standards(terms: Terms) -> tuple[StandardLevel, ...]:
    levels = []
    for item in terms.data_items:
        if not item.standard:
            continue
        standard = standard_get(name=item.standard, version=item.version)
        saved = area_standard_version(standard.name, item.version) if item.version else None
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


def screen_terms(terms: Terms, *, contractor_access: bool) -> ScreeningResult:
    """Return the DPIA screening of ``terms`` (``contractor_access``: a contractor is named)."""
    lawful = terms.lawful
    return screen(
        ScreeningFacts(
            personal_data=lawful.personal_data,
            special_category=lawful.personal_data == "special-category",
            criminal_offence_data=lawful.criminal_offence_data,
            vulnerable_people=terms.risks.children_or_vulnerable,
            data_matching=terms.risks.data_matching,
            large_scale=terms.risks.large_scale,
            contractor_access=contractor_access,
            lawful_basis=lawful.lawful_basis or None,
            article_9_condition=lawful.article_9_condition or None,
            schedule_1_conditions=lawful.schedule_1_conditions,
        )
    )


def _facts(terms: Terms, screened: ScreeningResult, dpia: DpiaDecision | None) -> ReadinessFacts:
    return ReadinessFacts(
        screening=screened,
        personal_data=terms.lawful.personal_data,
        classification=terms.security.classification,
        standards=_standards(terms),
        dpia=dpia,
        delete_by=terms.retention.delete_by,
        today=timezone.localdate(),
        article_9_condition=terms.lawful.article_9_condition or None,
        data_items=len(terms.data_items),
    )


def readiness_facts(version: AgreementVersion, screened: ScreeningResult) -> ReadinessFacts:
    """Return what the readiness rules look at for ``version`` screened as ``screened``."""
    return _facts(version.terms, screened, _dpia(version.agreement))


# Where the agreement form asks what a level problem is about.
_LEVEL_FIELDS = {
    "classification-below-standard": "classification",
    "personal-data-below-standard": "personal_data",
}


def level_problems(terms: Terms, *, contractor_access: bool) -> list[TermsProblem]:
    """Return the problems of ``terms``' classification and personal data against the
    standards they share, as problems of the form's fields: a draft is not saved with them."""
    screened = screen_terms(terms, contractor_access=contractor_access)
    found = readiness(_facts(terms, screened, None), groups=(LEVEL_GROUP,))
    return [
        TermsProblem(p.code, _LEVEL_FIELDS.get(p.code, "classification"), _sentence(p))
        for p in found
    ]


def _sentence(problem: Problem) -> str:
    return f"{problem.message} {problem.detail}".strip().rstrip(".")


def problems_of(version: AgreementVersion, screened: ScreeningResult) -> tuple[Problem, ...]:
    """Return every problem that stops ``version`` going live (empty when none)."""
    return readiness(readiness_facts(version, screened))


def require_ready(version: AgreementVersion, screened: ScreeningResult) -> None:
    """Return None when ``version`` may go live; raises ``AgreementNotReady`` listing every
    problem otherwise."""
    problems = problems_of(version, screened)
    if problems:
        raise AgreementNotReady(problems)

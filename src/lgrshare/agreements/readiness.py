"""Whether an agreement may go live, from its records: the adapter to
``lgrshare.domain.screening.readiness``, and the audit of every refusal.

The services call ``require_ready`` (inside their transaction, under the agreement's lock) and
are wrapped in ``refusal_audited`` (outside it), so the refusal is recorded after the
transaction has rolled back and is never lost with it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

from django.utils import timezone

from lgrshare.agreements.models import Agreement, AgreementVersion, Dpia
from lgrshare.councils.models import User
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
from lgrshare.standards.services import standard_get
from lgrshare.trail import record

P = ParamSpec("P")
R = TypeVar("R")


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
            standard = standard_get(name=item["standard"])
            levels.append(
                StandardLevel(
                    name=standard.name,
                    title=standard.title,
                    personal_data=standard.personal_data,
                    sensitivity=standard.sensitivity,
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


def refusal_audited(step: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Wrap a keyword-only service taking ``user`` and ``agreement`` so that an
    ``AgreementNotReady`` it raises is recorded (``agreement-not-ready``, naming ``step`` and
    every problem code) after its transaction has rolled back, then raised again."""

    def wrap(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def audited(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return service(*args, **kwargs)
            except AgreementNotReady as refusal:
                user, agreement = kwargs["user"], kwargs["agreement"]
                assert isinstance(user, User)
                assert isinstance(agreement, Agreement)
                _record_refusal(user, agreement, step, refusal.problems)
                raise

        return audited

    return wrap


def _record_refusal(
    user: User, agreement: Agreement, step: str, problems: Sequence[Problem]
) -> None:
    record(
        user=user,
        action="agreement-not-ready",
        target_type="agreement",
        target_id=agreement.reference,
        reason="agreement-not-ready",
        step=step,
        problems=",".join(problem.code for problem in problems),
        version=agreement.current().number,
    )

"""DPIA screening, lawful-basis rules and minimisation warnings: rules as data, one engine.

Pure Python (no Django). The rules live in ``lgrshare/domain/rules``:

- ``lawful-bases.json``: UK GDPR Article 6(1) bases with notes for councils, including why
  legitimate interests (f) is not available to a public authority performing its tasks;
- ``conditions.json``: Article 9(2) and Article 10 conditions and the DPA 2018 Schedule 1
  conditions commonly relevant to councils, marking those needing an appropriate policy document;
- ``dpia-screening.json``: the Article 35(3) cases, the ICO's list of processing likely to result
  in high risk, and the WP248 nine criteria with the "two or more" rule;
- ``legal-basis-checks.json``: flags on the legal choices (a missing Article 9 condition, ...);
- ``minimisation.json``: identifier field names, geography ordering and question phrases.

Use ``screen(ScreeningFacts(...))`` for the DPIA screening of a request or agreement,
``minimisation_warnings(RequestFacts(...))`` when a request is written, and ``lawful_bases()`` /
``conditions()`` for the choices a form offers, and ``readiness(ReadinessFacts(...))`` for the
problems that stop an agreement going live (``rules/readiness.json``).
"""

from lgrshare.domain.rules import RulesInvalid
from lgrshare.domain.screening.catalogue import (
    Article9Condition,
    Conditions,
    LawfulBasis,
    Schedule1Condition,
    ScreeningInputError,
    conditions,
    lawful_bases,
)
from lgrshare.domain.screening.dpia import (
    Outcome,
    PersonalData,
    Reason,
    ScreeningFacts,
    ScreeningResult,
    screen,
    screening_rules,
)
from lgrshare.domain.screening.minimisation import (
    MinimisationWarning,
    RequestFacts,
    minimisation_rules,
    minimisation_warnings,
)
from lgrshare.domain.screening.readiness import (
    AgreementNotReady,
    DpiaDecision,
    Problem,
    ReadinessFacts,
    StandardLevel,
    readiness,
    require_ready,
)

__all__ = [
    "AgreementNotReady",
    "Article9Condition",
    "Conditions",
    "DpiaDecision",
    "LawfulBasis",
    "MinimisationWarning",
    "Outcome",
    "PersonalData",
    "Problem",
    "ReadinessFacts",
    "Reason",
    "RequestFacts",
    "RulesInvalid",
    "Schedule1Condition",
    "ScreeningFacts",
    "ScreeningInputError",
    "ScreeningResult",
    "StandardLevel",
    "conditions",
    "lawful_bases",
    "minimisation_rules",
    "minimisation_warnings",
    "readiness",
    "require_ready",
    "screen",
    "screening_rules",
]

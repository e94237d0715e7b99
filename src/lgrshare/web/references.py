"""What an officer would consult outside LGR Share, at the step where it helps.

Each reference is a real public address, labelled as external and opened in a new tab; nothing
is fetched at run time. Pages name the references they want (``{% consult "key" ... %}``), so a
changed address is changed here once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Reference:
    title: str
    url: str
    why: str  # one line: what it helps with, at that step


REFERENCES: Mapping[str, Reference] = MappingProxyType(
    {
        "lga-guidance": Reference(
            "LGA: Local government reorganisation data sharing principles and checklist",
            "https://www.local.gov.uk/publications/"
            "local-government-reorganisation-data-sharing-principles-and-checklist",
            "The guidance this service follows, step by step.",
        ),
        "lg-inform": Reference(
            "LG Inform",
            "https://lginform.local.gov.uk/",
            "The LGA's free benchmarking tool: published data at council level.",
        ),
        "lg-inform-plus": Reference(
            "LG Inform Plus",
            "https://esd.org.uk/",
            "For subscribing councils: the same data at ward and LSOA level.",
        ),
        "ico-data-sharing-code": Reference(
            "ICO: Data sharing code of practice",
            "https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/data-sharing/"
            "data-sharing-a-code-of-practice/",
            "What a data sharing agreement should cover, and when sharing personal data is fair "
            "and lawful.",
        ),
        "ico-dpia": Reference(
            "ICO: Data protection impact assessments",
            "https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/"
            "accountability-and-governance/data-protection-impact-assessments-dpias/",
            "When a DPIA is required, and how to carry one out.",
        ),
        "knowledge-hub": Reference(
            "Knowledge Hub",
            "https://khub.net/",
            "Ask other councils' officers in the information governance group.",
        ),
        "savvi-ig": Reference(
            "SAVVI: Information governance framework",
            "https://coda.io/@savvi/welcome/the-savvi-information-governance-framework-193",
            "The steps of the information governance process when personal data is shared.",
        ),
    }
)

"""A task: one open action waiting for a person, with a link to where it is done.

Tasks are not stored. Each capability derives its own from the current state
(``agreements.tasks``, ``requests.tasks``, ``submissions.tasks``, each a ``tasks_for(user)``),
so a task disappears the moment the action is done, whoever does it; the "Your tasks" page
(``lgrshare.tasks``) collects them. The headings live here so the page shows them in one order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

# Each kind of task and its heading on the page, in the order the page shows them.
TASK_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "agreement-review": "Agreements to review as DPO",
        "agreement-expert-review": "Agreements waiting for your legal or IT security review",
        "agreement-sign": "Agreements to sign",
        "agreement-returned": "Agreements returned to you with comments",
        "request-answer": "Requests waiting for your council's answer",
        "submission-accept": "Submissions waiting for you to accept",
        "terms-accept": "Terms to accept before you can read the data",
        "attestation": "Deleted data: confirm your council's copies are gone",
        "person-confirm": "People and roles waiting for your confirmation",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """What waits (``title``), why or since when (``detail``), and where to do it (``link``)."""

    kind: str
    title: str
    link: str
    detail: str = ""
    since: datetime | None = None

    def __post_init__(self) -> None:
        if self.kind not in TASK_KINDS:
            raise ValueError(f"Unknown task kind {self.kind!r}")

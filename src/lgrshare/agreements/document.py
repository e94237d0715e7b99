"""A data sharing agreement as a document: every heading a DSA needs, for the page and the PDF.

``AgreementDocument`` is plain data built by ``agreements.services`` from the models, so the
GOV.UK page and the PDF (``render_pdf``) say exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lgrshare.agreements.advice import PartyAdvice

# What a person reads for an agreement's status (``agreements.status.status_of``): the stored
# state, except that an agreement past its delete-by date is "expired" until it is closed.
STATUS_LABELS = {
    "draft": "Draft",
    "in-review": "In review",
    "active": "Active",
    "suspended": "Suspended",
    "terminated": "Terminated",
    "expired": "Expired: data due for deletion",
    "closed": "Closed",
}


@dataclass(frozen=True)
class PartyLine:
    council: str  # official name
    gss_code: str
    dpo_decision: str  # "approved", "returned" or "pending"
    dpo_name: str
    dpo_at: datetime | None
    signatory_name: str
    signed_at: datetime | None


@dataclass(frozen=True)
class Section:
    """One heading of the agreement and its paragraphs (plain text, no markup)."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class AgreementDocument:
    reference: str  # e.g. DSA-00001
    title: str
    version: int
    state: str  # a STATUS_LABELS key: draft, in-review, active, ..., expired, closed
    area: str
    classification: str  # OFFICIAL or OFFICIAL-SENSITIVE
    generated_at: datetime
    parties: tuple[PartyLine, ...]
    sections: tuple[Section, ...]  # in order: purposes, data, legal basis, access, security, ...
    starts_on: date | None = None
    delete_by: date | None = None
    review_date: date | None = None
    attribution: tuple[str, ...] = field(default_factory=tuple)
    # Who has advised each party (DPO, legal, IT security, signature) and what is still needed.
    advice: tuple[PartyAdvice, ...] = field(default_factory=tuple)

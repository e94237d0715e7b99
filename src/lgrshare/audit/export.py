"""``lgrshare audit export``: the trail, or part of it, as CSV that is safe to open.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and treat a leading tab or carriage return the same way), so an actor or target id chosen by
an attacker could run code on a DPO's machine ("CSV injection"). Every such cell gets a leading
apostrophe, which spreadsheets show as text. The export itself is recorded in the trail.
"""

from __future__ import annotations

import csv
from typing import TextIO

from lgrshare.audit.models import AuditEntry
from lgrshare.audit.services import audit_record
from lgrshare.domain.audit import AuditEvent
from lgrshare.domain.exports import neutralise as neutralise_cell

COLUMNS = (
    "seq",
    "at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "reason",
    "detail",
    "prev_hash",
    "hash",
)


def neutralise(cell: str) -> str:
    """Every audit column is text, so even number-like cells such as ``+42`` are made inert."""
    return neutralise_cell(cell, keep_numbers=False)


def audit_export(*, out: TextIO, exporter: str, dataset: str = "", actor: str = "") -> int:
    """Write the entries (about dataset ``dataset`` and/or made by ``actor``; all when both
    are empty) to ``out`` as CSV in chain order; return how many.

    ``out`` must be opened with ``newline=""``. The export is recorded as an ``export`` event
    by ``exporter`` after it is written. Raises ``AuditError`` for an empty ``exporter``.
    """
    entries = AuditEntry.objects.order_by("seq")
    scope = []
    if dataset:
        entries = entries.filter(target_type="dataset", target_id=dataset)
        scope.append(f"dataset:{dataset}")
    if actor:
        entries = entries.filter(actor=actor)
        scope.append(f"actor:{actor}")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for entry in entries.iterator(chunk_size=2000):
        row = [entry.seq, entry.at.isoformat(), *(getattr(entry, c) for c in COLUMNS[2:])]
        writer.writerow([neutralise(str(value)) for value in row])
        count += 1
    audit_record(
        event=AuditEvent(
            name="export",
            actor=exporter,
            target_type="audit-trail",
            target_id=" ".join(scope) or "all",
            reason="",
            detail={"entries": count},
        )
    )
    return count

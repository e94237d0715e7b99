"""``lgrshare audit verify``: recompute the stored chain and name the first broken row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

from django.core.exceptions import ValidationError

from lgrshare.audit.anchor import anchor_path, anchor_read
from lgrshare.audit.models import AuditEntry
from lgrshare.domain.audit import AuditRecord, ChainHead, ChainVerdict, verify_chain

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _unreadable(seq: int) -> AuditRecord:
    # A row the database cannot even turn into Python values (a time edited into nonsense):
    # stand in a record that cannot verify, so the verdict names it as altered.
    return AuditRecord(
        seq=seq,
        at=_EPOCH,
        actor="",
        action="",
        target_type="",
        target_id="",
        reason="",
        detail={},
        prev_hash="",
        hash="unreadable",
    )


def stored_records() -> Iterator[AuditRecord]:
    """Yield the stored records in insertion order, in constant memory."""
    rows = AuditEntry.objects.order_by("id").iterator(chunk_size=2000)
    last = 0
    while True:
        try:
            entry = next(rows)
        except StopIteration:
            return
        except (ValueError, TypeError, ValidationError):
            yield _unreadable(last + 1)
            return
        record = entry.to_record()
        last = record.seq
        yield record


def audit_verify(*, anchor: ChainHead | None = None) -> ChainVerdict:
    """Return the verdict on the stored chain, checked against ``anchor`` or else the head
    anchor file. Raises ``AuditAnchorInvalid`` for a damaged anchor file.

    A chain that holds records while the anchor file is missing is not intact
    (``anchor-missing``): the file is written after every commit, so its absence means it was
    removed, and without it a removed tail or a rewritten chain would verify.
    """
    recorded = anchor or anchor_read()
    verdict = verify_chain(stored_records(), anchor=recorded)
    if recorded is not None or not verdict.intact or verdict.checked == 0:
        return verdict
    return replace(
        verdict,
        intact=False,
        problem="anchor-missing",
        message=(
            f"the head anchor {anchor_path()} is missing, so a removed or rewritten tail could "
            f"not be detected; {verdict.checked} records chain correctly. Restore the anchor "
            "from its external copy, or check against a head recorded elsewhere with --anchor"
        ),
    )

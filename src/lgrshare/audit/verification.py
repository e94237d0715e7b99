"""``lgrshare audit verify``: recompute the stored chain and name the first broken row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from django.core.exceptions import ValidationError

from lgrshare.audit.anchor import anchor_read
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
    anchor file (when there is one). Raises ``AuditAnchorInvalid`` for a damaged anchor file.
    """
    return verify_chain(stored_records(), anchor=anchor or anchor_read())

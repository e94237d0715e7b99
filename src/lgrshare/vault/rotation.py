"""``lgrshare vault rotate-kek``: re-wrap every data key with a new KEK, leaving data as it is.

The flow with no moment when a server cannot read (documented in the README):

1. Make the new KEK file and point ``LGRSHARE_KEK_FILE`` at it, with the old file listed in
   ``LGRSHARE_KEK_PREVIOUS_FILES``; restart. New blobs are wrapped with the new KEK, old ones
   still unwrap with the previous.
2. Run ``lgrshare vault rotate-kek``: every key not yet under the current KEK is re-wrapped.
   It is idempotent, so an interrupted run is simply run again.
3. When it reports that no key needs the previous KEK, remove it from
   ``LGRSHARE_KEK_PREVIOUS_FILES`` and destroy the old file.

``--new-kek-file F`` does steps 1 and 2 the other way round, for a hub whose servers are
stopped: it re-wraps to F (creating it if it does not exist) and the operator then points
``LGRSHARE_KEK_FILE`` at F. A server still running with the old configuration cannot unwrap the
re-wrapped keys until it restarts with F (or with F among its previous files).

Rows are re-wrapped in batches, each in its own transaction with the rows locked, so a blob
destroyed meanwhile is never given its key back.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from lgrshare.audit.services import audit_record
from lgrshare.domain.audit import AuditEvent
from lgrshare.domain.crypto import (
    CryptoError,
    Keyring,
    WrappedKey,
    create_kek_file,
    load_kek,
    rewrap_to_current,
)
from lgrshare.vault.keys import keyring
from lgrshare.vault.models import Blob

BATCH = 500


@dataclass(slots=True)
class RotationReport:
    """What a rotation did: the KEK every key is now wrapped by, how many keys were re-wrapped
    or already current, and the blobs whose key could not be re-wrapped (id, error code)."""

    kek_id: str
    created: bool = False
    rewrapped: int = 0
    already_current: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def _target_keyring(new_kek_file: Path | None) -> tuple[Keyring, bool]:
    configured = keyring()
    if new_kek_file is None:
        return configured, False
    created = not os.path.lexists(new_kek_file)
    new = create_kek_file(new_kek_file) if created else load_kek(new_kek_file)
    previous = tuple(k for k in (configured.current, *configured.previous) if k != new)
    return Keyring(current=new, previous=previous), created


def _rewrap_batch(ids: list[uuid.UUID], ring: Keyring, report: RotationReport) -> None:
    with transaction.atomic():
        for blob in Blob.objects.select_for_update().filter(pk__in=ids).exclude(wrapped_key=""):
            try:
                wrapped = WrappedKey.from_str(blob.wrapped_key)
                rewrapped = rewrap_to_current(wrapped, ring)
            except CryptoError as error:
                report.failed.append((blob.file_id, error.code))
                continue
            if rewrapped == wrapped:
                report.already_current += 1
                continue
            blob.wrapped_key = rewrapped.to_str()
            blob.save(update_fields=["wrapped_key"])
            report.rewrapped += 1


def vault_rotate_kek(*, actor: str, new_kek_file: Path | None = None) -> RotationReport:
    """Re-wrap every live data key with the current KEK, or with ``new_kek_file`` (created
    when missing); return a ``RotationReport``. Records a ``rotate-kek`` audit event.

    Raises the KEK files' ``ConfigurationError`` (missing, insecure, invalid) before anything
    changes. Keys that cannot be unwrapped are reported in ``failed``, not raised.
    """
    ring, created = _target_keyring(new_kek_file)
    report = RotationReport(kek_id=ring.current.kek_id, created=created)
    ids = list(Blob.objects.exclude(wrapped_key="").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        _rewrap_batch(ids[start : start + BATCH], ring, report)
    audit_record(
        event=AuditEvent(
            name="rotate-kek",
            actor=actor,
            target_type="kek",
            target_id=ring.current.kek_id,
            reason="",
            detail={
                "rewrapped": report.rewrapped,
                "already_current": report.already_current,
                "failed": len(report.failed),
                "previous": ",".join(k.kek_id for k in ring.previous),
            },
        )
    )
    return report

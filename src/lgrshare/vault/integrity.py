"""``lgrshare vault check``: verify every stored container and reconcile files with rows.

What it finds, by code (``Finding.code``):

- ``integrity-error``: a container fails verification (altered, truncated, spliced);
- ``blob-mismatch``: a container verifies but its plaintext is not the size and SHA-256 its
  row records (the row's metadata was altered);
- ``kek-unknown``, ``key-unwrap-failed``, ``wrapped-key-invalid``: a data key cannot be
  unwrapped (a KEK rotated out too early, or an altered row);
- ``blob-missing``: a committed row whose file is gone;
- ``orphan-file``: a file with no row, or whose row was destroyed (a crash between writing and
  committing, or between destroying the key and deleting the file);
- ``temporary-file``: a ``*.tmp`` file left by a write that never finished.

``--repair`` deletes orphan and temporary files (they hold nothing readable: an orphan's data
key was never committed or was destroyed) and marks rows without a file as lost rather than
deleting them: what pointed at the blob (a submission, its audit trail) must go on saying that
it existed and was lost, the row keeps the wrapped key in case the file is restored from a
backup, and deleting it would fail on the foreign keys anyway. Damaged containers and key
problems are not repairable here: restore the file, or the KEK, from a backup.

Whatever its age, a file is left alone while its writer holds its lock: from the temporary
file's creation until the transaction that records its row commits or rolls back (the kernel
drops the lock when the writer dies). Any other temporary file, or file without a live row, is
a leftover, found straight after the crash that left it. Rows are read before the directory is
listed, so a blob committed during the check is never reported missing; a file without a row
in that first read whose lock is free is looked up again before it is called an orphan, as its
row may have been committed since (the lock is released only after the commit).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from lgrshare.audit.services import audit_record
from lgrshare.domain.audit import AuditEvent
from lgrshare.domain.crypto import CryptoError, WrappedKey, decrypt_stream, unwrap_key
from lgrshare.domain.crypto.keys import Keyring
from lgrshare.vault.errors import BlobMissing
from lgrshare.vault.keys import keyring
from lgrshare.vault.models import Blob
from lgrshare.vault.storage import Storage, default_storage


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: a stable ``code``, the blob id or file name, what is wrong, and whether
    ``--repair`` fixed it."""

    code: str
    name: str
    message: str
    repaired: bool = False


@dataclass(slots=True)
class CheckReport:
    """What ``vault_check`` did: blobs verified (and their plaintext bytes), destroyed and
    lost rows seen, files left alone as being written, and the findings."""

    verified: int = 0
    verified_bytes: int = 0
    destroyed: int = 0
    lost: int = 0
    in_flight: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def remaining(self) -> list[Finding]:
        """Return the findings that are still problems (not repaired)."""
        return [finding for finding in self.findings if not finding.repaired]

    @property
    def clean(self) -> bool:
        """Return True when no problem remains."""
        return not self.remaining


class _Digest:
    """A write-only sink that hashes and counts what ``decrypt_stream`` verified."""

    def __init__(self) -> None:
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return len(data)


def _verify(blob: Blob, storage: Storage, ring: Keyring) -> Finding | None:
    name = blob.file_id
    try:
        data_key = unwrap_key(WrappedKey.from_str(blob.wrapped_key), ring)
        with storage.open(name) as handle:
            digest = _Digest()
            decrypt_stream(handle, digest, data_key=data_key, file_id=name)  # type: ignore[arg-type]
    except BlobMissing as error:
        return Finding("blob-missing", name, error.message)
    except CryptoError as error:
        return Finding(error.code, name, error.message)
    if digest.size != blob.plaintext_bytes or digest.sha256.hexdigest() != blob.plaintext_sha256:
        return Finding(
            "blob-mismatch",
            name,
            "the container verifies but its content is not the size and SHA-256 its row records",
        )
    return None


def _check_rows(
    report: CheckReport, storage: Storage, ring: Keyring, *, repair: bool
) -> tuple[set[str], set[str]]:
    """Verify every readable row; return the ids that may own a file (not destroyed) and the
    ids of destroyed rows."""
    owned: set[str] = set()
    destroyed: set[str] = set()
    rows = Blob.objects.order_by("created_at").iterator(chunk_size=500)
    for blob in rows:
        if blob.destroyed_at is not None:
            report.destroyed += 1
            destroyed.add(blob.file_id)
            continue
        owned.add(blob.file_id)
        if blob.lost_at is not None:
            report.lost += 1
            continue
        finding = _verify(blob, storage, ring)
        if finding is None:
            report.verified += 1
            report.verified_bytes += blob.plaintext_bytes
        elif finding.code == "blob-missing" and repair:
            Blob.objects.filter(pk=blob.pk, lost_at__isnull=True, destroyed_at__isnull=True).update(
                lost_at=timezone.now()
            )
            report.findings.append(_repaired(finding, "marked lost"))
        else:
            report.findings.append(finding)
    return owned, destroyed


def _repaired(finding: Finding, how: str) -> Finding:
    return Finding(finding.code, finding.name, f"{finding.message} ({how})", repaired=True)


def _committed_since(name: str) -> bool:
    # Asked only once the file's lock is seen free, which its writer drops after the commit.
    return Blob.objects.filter(pk=name, destroyed_at__isnull=True).exists()


def _stray_files(
    storage: Storage, owned: set[str], destroyed: set[str], report: CheckReport
) -> Iterator[Finding]:
    for name in storage.list_ids():
        if name in owned:
            continue
        # A destroyed row's key is gone for good, whatever holds the file.
        if name not in destroyed and storage.being_written(name):
            report.in_flight += 1
            continue
        if _committed_since(name):
            continue
        yield Finding("orphan-file", name, "a file with no live row: nothing can read it")
    for name in storage.list_temporary():
        # At any age: a write in progress holds its file's lock; a crashed one does not.
        if storage.being_written(name):
            report.in_flight += 1
            continue
        yield Finding("temporary-file", name, "an unfinished write")


def vault_check(
    *,
    repair: bool = False,
    storage: Storage | None = None,
    actor: str = "system",
) -> CheckReport:
    """Verify every readable blob and find orphans both ways; with ``repair``, delete orphan
    and temporary files (any not being written, whatever their age) and mark rows without a
    file as lost.

    Returns a ``CheckReport``. A repair that changed anything is recorded, as one
    ``vault-repaired`` event by ``actor``, naming what it deleted and marked (blob ids and file
    names: random, and nothing of the data or its keys). Raises the KEK's
    ``ConfigurationError`` when the current KEK cannot be loaded (no blob could be checked).
    """
    store = storage or default_storage()
    ring = keyring()
    report = CheckReport()
    owned, destroyed = _check_rows(report, store, ring, repair=repair)
    for finding in _stray_files(store, owned, destroyed, report):
        if repair:
            store.delete(finding.name)
            finding = _repaired(finding, "deleted")
        report.findings.append(finding)
    repaired = [finding for finding in report.findings if finding.repaired]
    if repaired:
        _record_repair(repaired, actor=actor)
    return report


# The most of the repaired names an audit record lists (its counts are always whole).
_NAMES_SHOWN = 20


def _record_repair(repaired: list[Finding], *, actor: str) -> None:
    def named(code: str) -> list[str]:
        return [finding.name for finding in repaired if finding.code == code]

    deleted = named("orphan-file") + named("temporary-file")
    lost = named("blob-missing")
    audit_record(
        event=AuditEvent(
            name="vault-repaired",
            actor=actor,
            target_type="vault",
            target_id="blobs",
            reason="",
            detail={
                "orphans_deleted": len(named("orphan-file")),
                "temporary_deleted": len(named("temporary-file")),
                "marked_lost": len(lost),
                "deleted": ",".join(deleted[:_NAMES_SHOWN]),
                "lost": ",".join(lost[:_NAMES_SHOWN]),
            },
        )
    )

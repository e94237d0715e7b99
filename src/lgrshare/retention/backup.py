"""``lgrshare backup OUT`` and ``lgrshare restore IN``: a consistent copy of the database and
the vault, and a restore that keeps deleted data deleted.

A backup is a directory: ``data.json`` (every record, read in one transaction, so one moment's
state; REPEATABLE READ on PostgreSQL), ``vault/`` (the encrypted file of every live blob) and
``manifest.json`` (when, the record counts, each file's SHA-256, and the key-encryption key's
id). The wrapped data keys are in the records; the KEK itself never enters a backup: the
manifest names it by id, and a restore refuses to run without it (``kek-mismatch``).

A restore goes into a fresh instance (migrated, holding no records: else
``restore-target-not-empty``). After loading, every deletion certificate kept outside the
database (``retention.ledger``) that the backup predates is applied again: its keys destroyed,
its files removed, its submissions and dataset marked deleted, the certificate restored and a
``retention-deleted`` record added to the audit chain.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from lgrshare.audit.anchor import anchor_write
from lgrshare.audit.models import AuditEntry
from lgrshare.audit.services import audit_record
from lgrshare.audit.verification import audit_verify
from lgrshare.catalogue.models import Dataset
from lgrshare.domain.audit import AuditEvent, ChainHead
from lgrshare.domain.errors import ConfigurationError, InvalidInput
from lgrshare.retention.ledger import kept_certificates
from lgrshare.retention.models import DeletionCertificate
from lgrshare.submissions.models import Submission
from lgrshare.vault.keys import current_kek, keyring
from lgrshare.vault.models import Blob
from lgrshare.vault.services import blob_destroy
from lgrshare.vault.storage import default_storage

# Rebuilt by migrate in every instance, or about sessions rather than data.
EXCLUDED = frozenset({"contenttypes.contenttype", "auth.permission", "sessions.session"})
FORMAT = 1


def _exact(value: object) -> str:
    # Django's JSON encoder cuts times to milliseconds; the audit chain hashes microseconds.
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)  # UUID, Decimal


def records_json() -> str:
    """Return every record of the instance (but those ``EXCLUDED``) as JSON, exactly: times
    to the microsecond, in a stable order."""
    objects = []
    for model in apps.get_models():
        if model._meta.label_lower in EXCLUDED or model._meta.proxy:
            continue
        objects += serializers.serialize("python", model._default_manager.order_by("pk"))
    return json.dumps(objects, default=_exact, sort_keys=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _lgrshare_models() -> list[Any]:
    return [m for m in apps.get_models() if m.__module__.startswith("lgrshare.")]


@dataclass(frozen=True, slots=True)
class BackupResult:
    records: int
    files: int


def backup_write(*, out: Path) -> BackupResult:
    """Write a backup of the database and the vault to the directory ``out`` (new or empty).
    Raises ``InvalidInput`` (``backup-target-not-empty``) and the KEK's errors."""
    if out.exists() and any(out.iterdir()):
        raise InvalidInput(f"{out} is not empty", code="backup-target-not-empty")
    (out / "vault").mkdir(parents=True, exist_ok=True)
    store = default_storage()
    files: dict[str, str] = {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        counts = {m._meta.label: m.objects.count() for m in _lgrshare_models()}
        last = AuditEntry.objects.order_by("-seq").first()
        head = {"seq": last.seq, "hash": last.hash} if last else None
        (out / "data.json").write_text(records_json(), encoding="utf-8")
        for blob in Blob.objects.readable():
            with (
                store.open(blob.file_id) as source,
                (out / "vault" / blob.file_id).open("wb") as target,
            ):
                shutil.copyfileobj(source, target)
            files[blob.file_id] = _sha256(out / "vault" / blob.file_id)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "kek_id": current_kek().kek_id,
        "audit_head": head,
        "records": counts,
        "files": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return BackupResult(records=sum(counts.values()), files=len(files))


@dataclass(frozen=True, slots=True)
class RestoreResult:
    records: int
    files: int
    reapplied: list[str]


def backup_restore(*, source: Path) -> RestoreResult:
    """Restore the backup in ``source`` into this fresh instance, then re-apply every kept
    certificate it predates. Raises ``InvalidInput`` (``backup-invalid``,
    ``restore-target-not-empty``) and ``ConfigurationError`` (``kek-mismatch``)."""
    try:
        manifest = json.loads((source / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise InvalidInput(
            f"{source} holds no readable backup: {error}", code="backup-invalid"
        ) from None
    known = {current_kek().kek_id, *(k.kek_id for k in keyring().previous)}
    if manifest["kek_id"] not in known:
        raise ConfigurationError(
            f"The backup's data keys are wrapped by KEK {manifest['kek_id']}, which this "
            "instance does not hold: set LGRSHARE_KEK_FILE to it",
            code="kek-mismatch",
        )
    if AuditEntry.objects.exists() or Blob.objects.exists():
        raise InvalidInput(
            "Restore into a fresh instance: this one already holds records",
            code="restore-target-not-empty",
        )
    store = default_storage()
    for name, digest in manifest["files"].items():
        if _sha256(source / "vault" / name) != digest:
            raise InvalidInput(f"The backup's file {name} is damaged", code="backup-invalid")
    with transaction.atomic():
        objects = json.loads((source / "data.json").read_text(encoding="utf-8"))
        loaded = set()
        with connection.constraint_checks_disabled():
            for stored in serializers.deserialize("python", objects):
                stored.save()
                loaded.add(type(stored.object))
        connection.check_constraints()
        # Rows came with their ids: move PostgreSQL's sequences past them, as loaddata does.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(loaded)):
                cursor.execute(statement)
        for name in manifest["files"]:
            with (source / "vault" / name).open("rb") as handle:
                store.write_atomic(name, _copy_from(handle))
        # The restored chain must end where the backup's did; then it is this instance's head.
        if manifest["audit_head"] is not None:
            head = ChainHead(seq=manifest["audit_head"]["seq"], hash=manifest["audit_head"]["hash"])
            verdict = audit_verify(anchor=head)
            if not verdict.intact:
                raise InvalidInput(
                    f"The backup's audit chain does not verify: {verdict.message}",
                    code="backup-invalid",
                )
            anchor_write(head)
    reapplied = [_reapply(kept) for kept in kept_certificates() if _missing(kept)]
    return RestoreResult(
        records=sum(manifest["records"].values()),
        files=len(manifest["files"]),
        reapplied=reapplied,
    )


def _copy_from(source: BinaryIO) -> Callable[[BinaryIO], None]:
    def copy(target: BinaryIO) -> None:
        shutil.copyfileobj(source, target)

    return copy


def _missing(kept: dict[str, Any]) -> bool:
    return not DeletionCertificate.objects.filter(scope=kept["scope"]).exists()


@transaction.atomic
def _reapply(kept: dict[str, Any]) -> str:
    store = default_storage()
    for entry in kept["body"].get("destroyed", []):
        blob = Blob.objects.filter(pk=entry["blob"]).first()
        if blob is not None:
            blob_destroy(blob=blob, storage=store)
    submissions = Submission.objects.filter(dataset_id=kept["dataset"])
    if kept["submission"] is not None:
        submissions = submissions.filter(pk=kept["submission"])
    else:
        Dataset.objects.filter(pk=kept["dataset"]).update(deleted_at=kept["issued_at"])
    submissions.exclude(state=Submission.State.WITHDRAWN).update(state=Submission.State.DELETED)
    submissions.update(report_sealed="")
    certificate = DeletionCertificate.objects.create(
        scope=kept["scope"],
        dataset_id=kept["dataset"],
        submission_id=kept["submission"],
        agreement_id=kept["agreement"],
        agreement_version=kept["agreement_version"],
        rule=kept["rule"],
        rule_text=kept["rule_text"],
        due_on=kept["due_on"],
        issued_at=kept["issued_at"],
        issued_by=kept["issued_by"],
        body=kept["body"],
        body_sha256=kept["body_sha256"],
        files_removed_at=timezone.now(),
    )
    dataset = Dataset.objects.select_related("area").get(pk=kept["dataset"])
    audit_record(
        event=AuditEvent(
            name="retention-deleted",
            actor="restore",
            target_type="dataset",
            target_id=dataset.slug,
            reason=kept["rule"],
            detail={
                "area": dataset.area.county_id if dataset.area else None,
                "certificate": kept["body"]["certificate"],
                "certificate_sha256": kept["body_sha256"],
                "reapplied_after_restore": True,
            },
        )
    )
    return str(certificate.body["certificate"])

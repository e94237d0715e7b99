"""Deleting one dataset (or one submission) and issuing its certificate, so that a kill at any
point leaves a state the next run completes.

1. In one transaction, under a lock on the dataset's row: if a certificate for this scope
   exists, stop (another run did it). Otherwise hash each live container (SHA-256 of the
   ciphertext, read from the vault), destroy each data key (``blob_destroy``: the wrapped key
   is emptied), drop what was derived from the files (the sealed report, which no key opens
   any more, is removed too), mark the submissions deleted and the dataset deleted, insert the
   certificate (its ``scope`` is unique: on SQLite, where there is no row lock, a second run
   fails here and rolls back) and record ``retention-deleted`` with the certificate's SHA-256
   in the audit chain. A kill before the commit undoes all of it: the next run starts again.
2. After the commit the files are deleted (``blob_destroy`` arranges it), the certificate is
   kept outside the database too (``retention.ledger``) and ``files_removed_at`` is set. A
   kill before that leaves files that no key opens; the next run (``finish_pending``) deletes
   them, keeps the certificate and sets it, so ``vault check`` is clean again.

Nothing derived from the cells stays: the report's errors and profile are sealed under the
file's key (``submissions.services.full_report``), previews and exports are computed from the
file on demand, and nothing else is kept on the server.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction

from lgrshare.agreements.models import Agreement
from lgrshare.audit.models import AuditEntry
from lgrshare.audit.services import audit_record
from lgrshare.catalogue.models import Dataset
from lgrshare.councils.models import Council, User
from lgrshare.domain.audit import AuditEvent
from lgrshare.retention.ledger import certificate_keep
from lgrshare.retention.models import Attestation, DeletionCertificate
from lgrshare.submissions.models import Submission
from lgrshare.vault.errors import BlobMissing
from lgrshare.vault.models import Blob
from lgrshare.vault.services import blob_destroy
from lgrshare.vault.storage import Storage, default_storage

# What leaving a copy on a council's machine looks like in the audit trail.
COPYING_EVENTS = ("download", "export")


@dataclass(frozen=True, slots=True)
class Deletion:
    """What to delete and why: the dataset (and the one submission, when only it goes), the
    agreement, the rule (a code and its words) and the day it fell due."""

    dataset: Dataset
    agreement: Agreement
    rule: str
    rule_text: str
    due_on: date
    submission: Submission | None = None

    @property
    def scope(self) -> str:
        if self.submission is not None:
            return f"submission:{self.submission.pk}"
        return f"dataset:{self.dataset.pk}"


def canonical_sha256(body: dict[str, Any]) -> str:
    """Return the SHA-256 of ``body`` as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _ciphertext_sha256(storage: Storage, blob: Blob) -> str | None:
    try:
        handle = storage.open(blob.file_id)
    except BlobMissing:
        return None
    digest = hashlib.sha256()
    with handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _destroy(submission: Submission, storage: Storage) -> dict[str, Any]:
    blob = Blob.objects.select_for_update().get(pk=submission.blob_id)
    entry: dict[str, Any] = {
        "submission": f"SUB-{submission.pk:05d}",
        "period": submission.period,
        "version": submission.version,
        "file_name": submission.file_name,
        "blob": blob.file_id,
        # A data key has no name of its own: it is the key of this one blob.
        "key_id": blob.file_id,
        "ciphertext_bytes": blob.ciphertext_bytes,
    }
    if blob.destroyed_at is not None:
        entry.update(ciphertext_sha256=None, destroyed_earlier=blob.destroyed_at.isoformat())
        return entry
    entry["wrapped_key_sha256"] = hashlib.sha256(blob.wrapped_key.encode()).hexdigest()
    entry["ciphertext_sha256"] = _ciphertext_sha256(storage, blob)
    blob_destroy(blob=blob, storage=storage)
    return entry


def _copiers(dataset: Dataset) -> dict[str, list[str]]:
    """The councils whose people downloaded or exported the dataset (from the audit trail),
    other than its holder, each with who did."""
    actors = set(
        AuditEntry.objects.filter(
            action__in=COPYING_EVENTS, target_type="dataset", target_id=dataset.slug
        ).values_list("actor", flat=True)
    )
    found: dict[str, set[str]] = {}
    for user in User.objects.filter(username__in=actors).select_related("contractor"):
        council = user.council_id or (user.contractor.works_for_id if user.contractor else None)
        if council and council != dataset.publisher_id:
            found.setdefault(str(council), set()).add(user.username)
    return {council: sorted(names) for council, names in sorted(found.items())}


def _request_attestations(
    agreement: Agreement, copiers: dict[str, list[str]], now: datetime
) -> list[dict[str, str]]:
    listed = []
    for code, names in copiers.items():
        attestation, made = Attestation.objects.get_or_create(
            agreement=agreement,
            council_id=code,
            defaults={"because_of": names, "requested_at": now},
        )
        if not made and set(names) - set(attestation.because_of):
            attestation.because_of = sorted(set(attestation.because_of) | set(names))
            attestation.save(update_fields=["because_of"])
        listed.append({"council": code, "name": Council.objects.get(pk=code).official_name})
    return listed


def delete_and_certify(
    *, deletion: Deletion, now: datetime, issued_by: str, storage: Storage | None = None
) -> DeletionCertificate | None:
    """Delete what ``deletion`` names and issue its certificate; return it, or None when it
    was already deleted (by an earlier or a concurrent run). See the module docstring for
    what a kill at each point leaves. Raises the vault's and the database's errors (nothing
    is then deleted)."""
    store = storage or default_storage()
    try:
        with transaction.atomic():
            return _delete(deletion, now, issued_by, store)
    except IntegrityError:
        # Another run inserted this scope's certificate between our check and our insert.
        if DeletionCertificate.objects.filter(scope=deletion.scope).exists():
            return None
        raise


def _delete(
    deletion: Deletion, now: datetime, issued_by: str, store: Storage
) -> DeletionCertificate | None:
    dataset = Dataset.objects.select_for_update().get(pk=deletion.dataset.pk)
    if DeletionCertificate.objects.filter(scope=deletion.scope).exists():
        return None
    submissions = Submission.objects.select_for_update().filter(dataset=dataset).order_by("pk")
    if deletion.submission is not None:
        submissions = submissions.filter(pk=deletion.submission.pk)
    destroyed = []
    for submission in submissions:
        destroyed.append(_destroy(submission, store))
        if submission.state != Submission.State.WITHDRAWN:
            submission.state = Submission.State.DELETED
        submission.report_sealed = ""
        submission.save(update_fields=["state", "report_sealed"])
    if deletion.submission is None:
        dataset.deleted_at = now
        dataset.save(update_fields=["deleted_at"])
    agreement = deletion.agreement
    version = agreement.current()
    certificate = DeletionCertificate.objects.create(
        scope=deletion.scope,
        dataset=dataset,
        submission=deletion.submission,
        agreement=agreement,
        agreement_version=version.number,
        rule=deletion.rule,
        rule_text=deletion.rule_text,
        due_on=deletion.due_on,
        issued_at=now,
        issued_by=issued_by,
        body={},
        body_sha256="",
    )
    attest = _request_attestations(agreement, _copiers(dataset), now)
    certificate.body = {
        "certificate": certificate.reference,
        "dataset": {
            "slug": dataset.slug,
            "title": dataset.title,
            "holder": dataset.publisher_name,
            "standard": dataset.standard_name,
        },
        "submission": f"SUB-{deletion.submission.pk:05d}" if deletion.submission else None,
        "agreement": {
            "reference": agreement.reference,
            "title": agreement.title,
            "version": version.number,
        },
        "rule": {
            "code": deletion.rule,
            "text": deletion.rule_text,
            "due_on": deletion.due_on.isoformat(),
        },
        "issued_at": now.isoformat(),
        "issued_by": issued_by,
        "destroyed": destroyed,
        "derived": "The validation report's errors and profile were sealed under each file's "
        "data key and are removed with it; previews and exports are made from the file on "
        "demand and kept nowhere on the server.",
        "attestations_required": attest,
    }
    certificate.body_sha256 = canonical_sha256(certificate.body)
    certificate.save(update_fields=["body", "body_sha256"])
    audit_record(
        event=AuditEvent(
            name="retention-deleted",
            actor=issued_by,
            target_type="dataset",
            target_id=dataset.slug,
            reason=deletion.rule,
            detail={
                "area": agreement.area.county_id,
                "certificate": certificate.reference,
                "certificate_sha256": certificate.body_sha256,
                "agreement": agreement.reference,
                "submission": certificate.body["submission"],
                "keys_destroyed": sum(1 for d in destroyed if d.get("ciphertext_sha256")),
            },
        )
    )
    return certificate


def finish_pending(
    *, now: datetime, storage: Storage | None = None, only: Iterable[int] | None = None
) -> int:
    """Delete the files of every certificate whose files are not yet recorded removed (a run
    killed after its commit), then record them removed; return how many were finished."""
    store = storage or default_storage()
    pending = DeletionCertificate.objects.filter(files_removed_at__isnull=True)
    if only is not None:
        pending = pending.filter(pk__in=list(only))
    finished = 0
    for certificate in pending:
        names = [entry["blob"] for entry in certificate.body.get("destroyed", [])]
        for name in names:
            store.delete(name)
        if any(store.exists(name) for name in names):
            continue  # not gone (a storage refusing deletes): the next run tries again
        certificate_keep(certificate)
        DeletionCertificate.objects.filter(pk=certificate.pk).update(files_removed_at=now)
        finished += 1
    return finished

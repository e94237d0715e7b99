"""``lgrshare retention verify``: check that every certificate still tells the truth.

For each certificate: its body still hashes to the SHA-256 recorded with it, and its
``retention-deleted`` audit record holds that SHA-256; every key it names is destroyed (the
blob's row has no wrapped key) and every file is gone from the vault; nothing derived remains
(no sealed report on its submissions); the dataset is marked deleted (for a dataset's
certificate). The audit chain itself is verified once (``audit.verification.audit_verify``),
so an altered audit record is found too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lgrshare.audit.models import AuditEntry
from lgrshare.audit.verification import audit_verify
from lgrshare.retention.deletion import canonical_sha256
from lgrshare.retention.models import DeletionCertificate
from lgrshare.submissions.models import Submission
from lgrshare.vault.models import Blob
from lgrshare.vault.storage import Storage, default_storage


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: a stable ``code``, the certificate's reference, and what is wrong."""

    code: str
    certificate: str
    message: str


@dataclass(slots=True)
class VerifyReport:
    verified: int = 0
    findings: list[Finding] = field(default_factory=list)


def _audit_holds(certificate: DeletionCertificate) -> bool:
    entries = AuditEntry.objects.filter(
        action="retention-deleted",
        target_type="dataset",
        target_id=certificate.dataset.slug,
    )
    for entry in entries:
        detail = json.loads(entry.detail or "{}")
        if detail.get("certificate_sha256") == certificate.body_sha256:
            return True
    return False


def _check(certificate: DeletionCertificate, storage: Storage) -> list[Finding]:
    ref = certificate.reference
    found = []
    if canonical_sha256(certificate.body) != certificate.body_sha256:
        found.append(Finding("certificate-altered", ref, "its text no longer matches its hash"))
    if not _audit_holds(certificate):
        found.append(
            Finding("audit-record-missing", ref, "no retention-deleted audit record holds its hash")
        )
    for entry in certificate.body.get("destroyed", []):
        blob = Blob.objects.filter(pk=entry["blob"]).first()
        if blob is None or blob.destroyed_at is None or blob.wrapped_key:
            found.append(Finding("key-not-destroyed", ref, f"the key of blob {entry['blob']}"))
        if storage.exists(entry["blob"]):
            found.append(
                Finding(
                    "blob-file-remains", ref, f"the file of blob {entry['blob']} is still there"
                )
            )
    submissions = Submission.objects.filter(dataset=certificate.dataset)
    if certificate.submission_id is not None:
        submissions = submissions.filter(pk=certificate.submission_id)
    if submissions.exclude(report_sealed="").exists():
        found.append(Finding("derived-data-remains", ref, "a sealed validation report remains"))
    if certificate.submission_id is None and certificate.dataset.deleted_at is None:
        found.append(Finding("dataset-not-deleted", ref, "the dataset is not marked deleted"))
    return found


def retention_verify(*, storage: Storage | None = None) -> VerifyReport:
    """Check every certificate (see the module docstring); return what was found."""
    store = storage or default_storage()
    report = VerifyReport()
    verdict = audit_verify()
    if not verdict.intact:
        report.findings.append(Finding("audit-chain-broken", "-", verdict.message))
    for certificate in DeletionCertificate.objects.select_related("dataset").order_by("pk"):
        report.verified += 1
        report.findings.extend(_check(certificate, store))
    return report

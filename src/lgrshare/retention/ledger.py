"""Deletion certificates kept outside the database, where a restore reads them.

Each certificate is also written as ``<reference>-<scope>.json`` to the certificates directory
(``LGRSHARE_CERTIFICATES_DIR``, default ``<LGRSHARE_HOME>/certificates``; put it on storage
that outlives the database and its backups). Restoring an older backup re-applies every
certificate found here that the restored database lacks, so deleted data stays deleted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from lgrshare.config import env_str
from lgrshare.retention.models import DeletionCertificate

CERTIFICATES_DIR = "LGRSHARE_CERTIFICATES_DIR"


def certificates_dir() -> Path:
    """Return the directory certificates are kept in outside the database."""
    configured = env_str(CERTIFICATES_DIR, "").strip()
    return Path(configured).expanduser() if configured else Path(settings.HOME) / "certificates"


def _name(certificate: DeletionCertificate) -> str:
    return f"{certificate.reference}-{certificate.scope.replace(':', '-')}.json"


def certificate_keep(certificate: DeletionCertificate) -> Path:
    """Write ``certificate`` to the certificates directory (atomically); return its path."""
    directory = certificates_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / _name(certificate)
    record = {
        "scope": certificate.scope,
        "body": certificate.body,
        "body_sha256": certificate.body_sha256,
        "dataset": certificate.dataset_id,
        "submission": certificate.submission_id,
        "agreement": certificate.agreement_id,
        "agreement_version": certificate.agreement_version,
        "rule": certificate.rule,
        "rule_text": certificate.rule_text,
        "due_on": certificate.due_on.isoformat(),
        "issued_at": certificate.issued_at.isoformat(),
        "issued_by": certificate.issued_by,
    }
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    return path


def kept_certificates() -> Iterator[dict[str, Any]]:
    """Yield every certificate kept in the certificates directory, oldest first."""
    directory = certificates_dir()
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("DEL-*.json")):
        yield json.loads(path.read_text(encoding="utf-8"))

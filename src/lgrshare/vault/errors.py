"""Errors of the vault app, each with a stable code.

A blob that is missing, lost or unreadable is the service's fault, never the user's (500); a
destroyed one is gone on purpose (410).
"""

from __future__ import annotations

from lgrshare.domain.errors import LgrShareError


class VaultError(LgrShareError):
    """Base of the vault's errors."""

    code = "vault-error"
    title = "The stored data could not be used"
    status = 500


class BlobMissing(VaultError):
    """A blob's row exists but its file does not (see ``lgrshare vault check``)."""

    code = "blob-missing"
    title = "The stored file is missing"


class BlobLost(VaultError):
    """``lgrshare vault check --repair`` recorded the blob's file as lost."""

    code = "blob-lost"
    title = "The stored file was lost"


class BlobDestroyed(VaultError):
    """The blob's data key was destroyed (crypto-shredding): nobody can read it any more."""

    code = "blob-destroyed"
    title = "The data was deleted"
    status = 410

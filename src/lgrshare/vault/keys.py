"""Where the vault keeps its keys and files, read from the environment at each use.

- ``LGRSHARE_KEK_FILE``: the key-encryption key (KEK) that wraps every data key. Unset, it is
  ``<LGRSHARE_HOME>/kek``, created at first use (mode 0600). When it is set, the file must
  exist: a missing secret mount must stop the service, not silently mint a new key that the
  next deployment would not have.
- ``LGRSHARE_KEK_PREVIOUS_FILES``: comma-separated KEK files kept during a rotation, to unwrap
  data keys not yet re-wrapped to the current KEK.
- ``LGRSHARE_VAULT_DIR``: the directory of encrypted blobs, default ``<LGRSHARE_HOME>/vault``.

Every KEK file must be private to its owner: one its group or others can use is refused with
``kek-file-insecure`` (a ``ConfigurationError``), as ssh refuses a private key.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from lgrshare.config import env_list, env_str
from lgrshare.domain.crypto import Kek, Keyring, load_kek, load_or_create_kek

KEK_FILE = "LGRSHARE_KEK_FILE"
KEK_PREVIOUS_FILES = "LGRSHARE_KEK_PREVIOUS_FILES"
VAULT_DIR = "LGRSHARE_VAULT_DIR"


def _home() -> Path:
    return Path(settings.HOME)


def kek_path() -> Path:
    """Return the current KEK file's path (``LGRSHARE_KEK_FILE`` or ``<home>/kek``)."""
    configured = env_str(KEK_FILE, "").strip()
    return Path(configured).expanduser() if configured else _home() / "kek"


def previous_kek_paths() -> list[Path]:
    """Return the previous KEK files' paths (``LGRSHARE_KEK_PREVIOUS_FILES``), maybe none."""
    return [Path(item).expanduser() for item in env_list(KEK_PREVIOUS_FILES, [])]


def vault_dir() -> Path:
    """Return the blob directory (``LGRSHARE_VAULT_DIR`` or ``<home>/vault``)."""
    configured = env_str(VAULT_DIR, "").strip()
    return Path(configured).expanduser() if configured else _home() / "vault"


def current_kek() -> Kek:
    """Return the current KEK, creating the embedded default file at first use.

    Raises ``KekFileMissing`` when ``LGRSHARE_KEK_FILE`` names no file, ``KekFileInsecure``
    when the file is readable by its group or others, ``KekFileInvalid`` when it holds no key
    (all ``ConfigurationError``).
    """
    if env_str(KEK_FILE, "").strip():
        return load_kek(kek_path())
    return load_or_create_kek(kek_path())


def keyring() -> Keyring:
    """Return the current KEK and the previous ones. Raises as ``current_kek`` and
    ``load_kek`` (for a previous file)."""
    current = current_kek()
    previous = tuple(load_kek(path) for path in previous_kek_paths())
    return Keyring(current=current, previous=tuple(k for k in previous if k != current))

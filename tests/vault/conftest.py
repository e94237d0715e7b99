"""Each vault test gets its own home: its own KEK file and blob directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def vault_home(tmp_path: Path, settings, monkeypatch) -> Path:
    for name in (
        "LGRSHARE_KEK_FILE",
        "LGRSHARE_KEK_PREVIOUS_FILES",
        "LGRSHARE_VAULT_DIR",
        "LGRSHARE_AUDIT_HEAD_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    settings.HOME = tmp_path
    return tmp_path


@pytest.fixture
def vault_dir(vault_home: Path) -> Path:
    return vault_home / "vault"


def stored_names(vault_dir: Path) -> list[str]:
    """Every file in the vault directory, temporary files included."""
    return sorted(p.name for p in vault_dir.iterdir()) if vault_dir.exists() else []

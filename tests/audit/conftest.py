"""Each audit test gets its own head anchor file, and a DPO in Surrey and one in Kent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import KENT, SURREY, _make


@pytest.fixture(autouse=True)
def anchor_file(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "audit-head"
    monkeypatch.setenv("LGRSHARE_AUDIT_HEAD_FILE", str(path))
    return path


@pytest.fixture
def dora(db: None):
    """Surrey County Council's data protection officer."""
    return _make("dora", ["dpo"], SURREY)


@pytest.fixture
def kim(db: None):
    """Kent County Council's data protection officer: an outsider to Surrey."""
    return _make("kim", ["dpo"], KENT)


@pytest.fixture
def ivan(db: None):
    """IT security at Surrey County Council."""
    return _make("ivan", ["it-security"], SURREY)

"""Each audit test gets its own head anchor file, a fast password hasher, a DPO in Surrey and
one in Kent, IT security, and a Surrey ``world`` of agreements, requests and submissions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audit.world import World
from tests.conftest import GUILDFORD, KENT, SURREY, WOKING, _make


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


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    """A dozen people per test: a fast hasher (tests/accounts proves Argon2 is configured)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db, alice, bob, charlie, dave) -> World:
    people = {"alice": alice, "bob": bob, "charlie": charlie, "dave": dave}
    people |= {
        "sue": _make("sue", ["data-lead"], SURREY),
        "sam": _make("sam", ["analyst"], SURREY),
        "gary": _make("gary", ["data-lead"], GUILDFORD),
        "sdpo": _make("sdpo", ["dpo"], SURREY),
        "ssign": _make("ssign", ["senior-signatory"], SURREY),
        "gdpo": _make("gdpo", ["dpo"], GUILDFORD),
        "gsign": _make("gsign", ["senior-signatory"], GUILDFORD),
        "wlead": _make("wlead", ["data-lead"], WOKING),
    }
    return World(people)

"""The crash test: a process storing a large upload is killed with SIGKILL at several points.

Each child has its own LGRSHARE_HOME (an SQLite file database, migrated once and copied) and
stores a 200 MB stream generated on the fly, recording an ``upload`` audit event in the same
transaction. It prints where it is; the test kills it on a marker, never on a timer. Afterwards
``lgrshare vault check --repair`` must leave no orphan and no temporary file, every remaining
row's blob must verify, and the audit chain must be intact.
"""

from __future__ import annotations

import os
import selectors
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

TOTAL_BYTES = 200 * 1024 * 1024
CHILD = r"""
import io, sys
import django

django.setup()
from django.db import transaction

from lgrshare.audit.services import audit_record
from lgrshare.domain.audit import AuditEvent
from lgrshare.vault.services import blob_store

TOTAL = int(sys.argv[1])
BLOCK = bytes(range(256)) * 4096


class Upload(io.RawIOBase):
    # 200 MB made on the fly, never held in memory; prints its progress every 10%.
    sent = 0
    marked = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), len(BLOCK), TOTAL - self.sent)
        buffer[:count] = BLOCK[:count]
        self.sent += count
        while self.marked < 100 and self.sent * 100 >= TOTAL * (self.marked + 10):
            self.marked += 10
            print(f"progress {self.marked}", flush=True)
        return count


print("ready", flush=True)
with transaction.atomic():
    blob = blob_store(source=Upload())
    audit_record(event=AuditEvent(
        name="upload", actor="crash-test", target_type="blob", target_id=str(blob.id), reason=""
    ))
    print(f"stored {blob.id}", flush=True)
    sys.stdin.readline()  # hold the transaction open until told (or killed)
print(f"committed {blob.id}", flush=True)
sys.stdin.readline()
"""


def _env(home: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("LGRSHARE_") and k != "DATABASE_URL"
    }
    env.update(LGRSHARE_HOME=str(home), DJANGO_SETTINGS_MODULE="lgrshare.settings")
    return env


def _lgrshare(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lgrshare.cli", *args],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("migrated")
    result = _lgrshare(home, "migrate")
    assert result.returncode == 0, result.stderr
    return home


def _home_from(migrated: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    for database in migrated.glob("lgrshare.sqlite3*"):
        shutil.copy(database, home / database.name)
    shutil.copy(migrated / "secret_key", home / "secret_key")
    return home


def _run_until(home: Path, marker: str, *, then_commit: bool = False) -> list[str]:
    """Start a child, wait for ``marker`` (sending "commit" on ``stored`` when asked), kill it
    with SIGKILL, and return the lines it printed."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(TOTAL_BYTES)],
        env=_env(home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdin is not None
    lines: list[str] = []
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        try:
            while True:
                if not selector.select(timeout=120):
                    pytest.fail(f"the child printed nothing for 120 s after {lines}")
                line = child.stdout.readline().strip()
                if not line:
                    pytest.fail(f"the child ended early: {lines} {child.stderr.read()}")  # type: ignore[union-attr]
                lines.append(line)
                if then_commit and line.startswith("stored"):
                    child.stdin.write("commit\n")
                    child.stdin.flush()
                if line.startswith(marker):
                    break
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            for stream in (child.stdin, child.stdout, child.stderr):
                if stream is not None:
                    stream.close()
    assert child.returncode == -signal.SIGKILL
    return lines


def _rows(home: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(home / "lgrshare.sqlite3") as database:
        return database.execute("SELECT id, plaintext_bytes FROM vault_blob").fetchall()


@pytest.mark.parametrize(
    ("marker", "committed", "leftovers"),
    [
        # Encrypting into the temporary file.
        ("progress 10", False, {"temporary-file"}),
        # Read to the end: sealing, fsync, rename or insert, whichever the kill lands in.
        ("progress 100", False, {"temporary-file", "orphan-file"}),
        # Renamed into place and the row inserted, not committed.
        ("stored", False, {"orphan-file"}),
        # Committed: the blob must survive whole.
        ("committed", True, set()),
    ],
)
def test_a_killed_upload_leaves_all_or_nothing(migrated, tmp_path, marker, committed, leftovers):
    home = _home_from(migrated, tmp_path)
    lines = _run_until(home, marker, then_commit=committed)
    assert lines[-1].startswith(marker)

    repair = _lgrshare(home, "vault", "check", "--repair")
    assert repair.returncode == 0, repair.stdout + repair.stderr
    assert "0 problem(s) remain" in repair.stdout
    found = {line.split("[")[1].split("]")[0] for line in repair.stdout.splitlines() if "[" in line}
    assert found <= leftovers
    assert bool(found) == bool(leftovers)

    vault = home / "vault"
    left = sorted(p.name for p in vault.iterdir()) if vault.exists() else []
    assert not [name for name in left if name.endswith(".tmp")]
    rows = _rows(home)
    if committed:
        blob_id = lines[-1].split()[1]
        assert [(str(row_id).replace("-", ""), size) for row_id, size in rows] == [
            (blob_id.replace("-", ""), TOTAL_BYTES)
        ]
        assert left == [blob_id]
        assert f"Verified 1 blob(s), {TOTAL_BYTES:,} bytes" in repair.stdout
    else:
        assert rows == []
        assert left == []

    verify = _lgrshare(home, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    # The upload's record if it committed, and the repair's if it repaired anything.
    assert f"{int(committed) + int(bool(found))} records verified" in verify.stdout

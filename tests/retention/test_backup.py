"""Backup then restore into a fresh instance gives the same records and files; restoring an
older backup keeps data deleted since deleted. Each instance is a separate home and process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LGRSHARE = [sys.executable, "-m", "lgrshare.cli"]
MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


POSTGRES = os.environ.get("DATABASE_URL", "")
SERVER = POSTGRES.rsplit("/", 1)[0] if POSTGRES.startswith("postgres") else ""


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """Where each instance keeps its records: a SQLite file in its home, or (when the suite
    runs on PostgreSQL) a fresh database per instance on the same server."""
    if request.param == "sqlite":
        yield lambda name: None
        return
    if not SERVER:
        pytest.skip("the PostgreSQL round trip runs when DATABASE_URL names a PostgreSQL server")
    import psycopg

    made = []

    def make(name: str) -> str:
        database = f"lgrshare_backup_{os.getpid()}_{name}"
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{database}"')
            db.execute(f'CREATE DATABASE "{database}"')
        made.append(database)
        return f"{SERVER}/{database}"

    yield make
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        for database in made:
            db.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _env(home: Path, ledger: Path, kek: Path, url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LGRSHARE_", "DATABASE_URL"))}
    env.update(
        LGRSHARE_HOME=str(home),
        LGRSHARE_CERTIFICATES_DIR=str(ledger),
        LGRSHARE_KEK_FILE=str(kek),
    )
    if url:
        env["DATABASE_URL"] = url
    return env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def _dump(env: dict[str, str]) -> list[dict]:
    code = "from lgrshare.retention.backup import records_json; print(records_json())"
    return json.loads(_shell(env, code))


def _shell(env: dict[str, str], code: str) -> str:
    # The last line: Django's shell may first say what it imported.
    out = _run(env, sys.executable, str(MANAGE), "shell", "-v", "0", "-c", code)
    return out.strip().splitlines()[-1]


_DELETE_WOKING = """
from django.utils import timezone
from lgrshare.councils.models import User
from lgrshare.retention.services import submission_delete_early
from lgrshare.submissions.models import Submission
woking = Submission.objects.get(dataset__publisher_id="E07000217", state="accepted")
submission_delete_early(user=User.objects.get(username="woking.dpo"), submission=woking,
                        reason="Sent for the wrong year")
"""


def test_a_restore_round_trips_and_an_older_backup_keeps_deleted_data_deleted(tmp_path, database):
    kek = tmp_path / "kek"
    first, second = tmp_path / "first", tmp_path / "second"
    ledger = tmp_path / "certificates"
    one = _env(first, ledger, kek, database("first"))
    _run({**one, "LGRSHARE_KEK_FILE": ""}, *LGRSHARE, "demo")  # creates the KEK at home
    (first / "kek").rename(kek)
    _run(one, *LGRSHARE, "backup", str(tmp_path / "backup"))

    # Round trip: a fresh instance restored from the backup holds the same records and files.
    two = _env(second, ledger, kek, database("second"))
    _run(two, *LGRSHARE, "migrate")
    _run(two, *LGRSHARE, "restore", str(tmp_path / "backup"))
    assert _dump(two) == _dump(one)
    assert sorted(p.name for p in (second / "vault").iterdir()) == sorted(
        p.name for p in (first / "vault").iterdir()
    )
    assert "0 problems" in _run(two, *LGRSHARE, "retention", "verify")

    # After the backup, Woking's DPO deletes Woking's file; then the hub is lost and the older
    # backup restored into a third instance: the file stays deleted.
    _run(one, sys.executable, str(MANAGE), "shell", "-v", "0", "-c", _DELETE_WOKING)
    third = tmp_path / "third"
    three = _env(third, ledger, kek, database("third"))
    _run(three, *LGRSHARE, "migrate")
    restored = _run(three, *LGRSHARE, "restore", str(tmp_path / "backup"))
    assert "Re-applied deletion certificate DEL-00002" in restored
    check = """
from lgrshare.submissions.models import Submission
s = Submission.objects.get(dataset__publisher_id="E07000217", period="2023-24", version=1,
                           dataset__agreement__title__startswith="Council tax base 2023-24 for h")
print(s.state, s.blob.destroyed_at is not None, s.report_sealed == "")
"""
    assert _shell(three, check).split() == [
        "deleted", "True", "True",
    ]  # fmt: skip
    assert "2 certificates verified, 0 problems" in _run(three, *LGRSHARE, "retention", "verify")
    assert _run(three, *LGRSHARE, "vault", "check").strip()
    _run(three, *LGRSHARE, "audit", "verify")

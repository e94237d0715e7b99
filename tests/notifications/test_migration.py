"""Moving notifications out of the requests app keeps everyone's notifications."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import SURREY

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def _run(home: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LGRSHARE_", "DATABASE_URL"))}
    env["LGRSHARE_HOME"] = str(home)
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _migrate(home: Path, *target: str) -> None:
    _run(home, str(MANAGE), "migrate", *target, "--verbosity", "0")


def test_notifications_made_before_the_move_are_copied_with_their_time_and_read_state(tmp_path):
    # The database as it stood before the move: the requests app held the notifications.
    _migrate(tmp_path)
    _run(tmp_path, "-m", "lgrshare.cli", "reference", "load")
    _migrate(tmp_path, "requests", "0001_initial")
    _migrate(tmp_path, "notifications", "zero")
    database = tmp_path / "lgrshare.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO councils_user (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined, job_title)"
            " VALUES ('!', 0, 'sue', 'Sue', 'Test', '', 0, 1, '2026-11-01 10:00:00', '')"
        )
        db.execute(
            "INSERT INTO requests_datarequest (id, question, purpose, legal_power, standard_name,"
            " data_items, geography_level, period, personal_data, special_category,"
            " children_or_vulnerable, data_matching, contractor_access, state, stop_reason,"
            " stop_note, discovery, created_at, area_id, requesting_council_id)"
            " SELECT 7, 'Which county contracts end after vesting day?', '', '',"
            " 'contracts-register', '[]', '', '', 0, 0, 0, 0, 0, 'open', '', '', '{}',"
            " '2026-11-01 12:00:00', id, 'E07000209' FROM councils_area WHERE county_id = ?",
            (SURREY,),
        )
        db.executemany(
            "INSERT INTO requests_notification (user_id, request_id, text, created_at, read_at)"
            " VALUES (1, ?, ?, ?, ?)",
            [
                (7, "Surrey County Council answered REQ-00007", "2026-11-02 09:30:00", None),
                (None, "Guildford commented", "2026-11-04 09:30:00", "2026-11-05 08:00:00"),
            ],
        )
    _migrate(tmp_path)
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT user_id, kind, text, link, created_at, read_at"
            " FROM notifications_notification ORDER BY created_at"
        ).fetchall()
        old_table = db.execute(
            "SELECT name FROM sqlite_master WHERE name = 'requests_notification'"
        ).fetchall()
    assert rows == [
        (
            1,
            "request-update",
            "Surrey County Council answered REQ-00007",
            "/requests/7/",
            "2026-11-02 09:30:00",
            None,
        ),
        (
            1,
            "request-update",
            "Guildford commented",
            "",
            "2026-11-04 09:30:00",
            "2026-11-05 08:00:00",
        ),
    ]
    assert old_table == []

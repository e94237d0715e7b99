"""``lgrshare audit export``: CSV in chain order, filtered, formula-like cells neutralised."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from lgrshare.audit.export import COLUMNS, neutralise
from lgrshare.audit.models import AuditEntry
from lgrshare.audit.services import audit_record
from lgrshare.cli import main
from lgrshare.domain.audit import AuditEvent

pytestmark = pytest.mark.django_db


def _record(actor: str, target_id: str, reason: str = "allowed", **detail) -> None:
    audit_record(
        event=AuditEvent(
            name="download",
            actor=actor,
            target_type="dataset",
            target_id=target_id,
            reason=reason,
            detail=detail,
        )
    )


def _export(tmp_path, *args: str) -> list[dict[str, str]]:
    out = tmp_path / "trail.csv"
    result = CliRunner().invoke(main, ["audit", "export", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        ("alice", "alice"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(cell, safe):
    assert neutralise(cell) == safe


def test_the_export_neutralises_formulas_and_keeps_everything_else(tmp_path):
    _record("=cmd|' /C calc'!A0", "+42", reason="-1")
    _record("alice", "@7")
    rows = _export(tmp_path)
    assert list(rows[0]) == list(COLUMNS)
    assert [r["seq"] for r in rows] == ["1", "2"]
    assert rows[0]["actor"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["target_id"] == "'+42"
    assert rows[0]["reason"] == "'-1"
    assert rows[1]["target_id"] == "'@7"
    stored = AuditEntry.objects.get(seq=2)
    assert rows[1]["hash"] == stored.hash
    assert rows[1]["at"] == stored.at.isoformat()
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_the_export_filters_by_dataset_and_actor_and_is_itself_recorded(tmp_path):
    _record("alice", "7", rows=3)
    _record("bob", "7")
    _record("alice", "8")
    assert [r["seq"] for r in _export(tmp_path, "--dataset", "7")] == ["1", "2"]
    assert [r["seq"] for r in _export(tmp_path, "--actor", "alice")] == ["1", "3"]
    rows = _export(tmp_path, "--dataset", "7", "--actor", "alice")
    assert [(r["seq"], r["detail"]) for r in rows] == [("1", '{"rows":3}')]
    exports = AuditEntry.objects.filter(action="export").order_by("seq")
    assert [e.target_id for e in exports] == [
        "dataset:7",
        "actor:alice",
        "dataset:7 actor:alice",
    ]
    assert all(e.actor.startswith("cli:") for e in exports)

"""``lgrshare audit verify`` names the first altered, removed or reordered row (exit 1)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.db import connection

from lgrshare.audit.anchor import anchor_write
from lgrshare.audit.models import AuditEntry
from lgrshare.audit.services import audit_record
from lgrshare.cli import main
from lgrshare.domain.audit import AuditEvent, ChainHead

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def chain():
    """Five records, as an attacker finds them; the UPDATE trigger is dropped as an attacker
    with the table owner's rights could (the drop is rolled back with the test)."""
    entries = [
        audit_record(
            event=AuditEvent(
                name="download",
                actor="alice",
                target_type="dataset",
                target_id=str(n),
                reason="allowed",
            )
        )
        for n in range(1, 6)
    ]
    with connection.cursor() as cursor:
        # The append-only trigger would refuse the tampering these tests need to make.
        on_table = " ON audit_auditentry" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TRIGGER audit_auditentry_no_update{on_table}")
    return entries


def _sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def _broken(result, problem: str, seq: int) -> None:
    assert result.exit_code == 1, result.output
    assert f"Broken [{problem}] at row {seq}:" in result.output


def test_an_intact_chain_exits_zero_and_prints_its_head(run, chain):
    anchor_write(chain[-1].to_record().head)
    result = run("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "Intact: 5 records verified" in result.output
    assert f"Head: 5:{chain[-1].hash}" in result.output


def test_an_empty_chain_is_intact(run):
    result = run("audit", "verify")
    assert result.exit_code == 0
    assert "0 records verified" in result.output


@pytest.mark.parametrize(
    ("column", "value"),
    [("actor", "mallory"), ("reason", "no-agreement"), ("detail", '{"rows":1}')],
)
def test_an_edited_row_is_named(run, chain, column, value):
    _sql(f"UPDATE audit_auditentry SET {column} = %s WHERE seq = 3", value)  # noqa: S608
    _broken(run("audit", "verify"), "record-altered", 3)


def test_an_edited_time_is_named(run, chain):
    _sql("UPDATE audit_auditentry SET at = %s WHERE seq = 2", "2020-01-01 00:00:00")
    _broken(run("audit", "verify"), "record-altered", 2)


def test_a_time_edited_into_nonsense_is_named(run, chain):
    _sql("UPDATE audit_auditentry SET at = 'yesterday' WHERE seq = 4")
    _broken(run("audit", "verify"), "record-altered", 4)


def test_an_edited_and_rehashed_row_breaks_the_link(run, chain):
    _sql("UPDATE audit_auditentry SET hash = %s WHERE seq = 2", "f" * 64)
    _broken(run("audit", "verify"), "record-altered", 2)


def test_a_deleted_middle_row_is_named(run, chain):
    _sql("DELETE FROM audit_auditentry WHERE seq = 3")
    _broken(run("audit", "verify"), "record-missing", 3)


def test_reordered_rows_are_named(run, chain):
    # Swap the numbers of rows 3 and 4 (through a free number, as seq is unique).
    _sql("UPDATE audit_auditentry SET seq = 1000 WHERE seq = 3")
    _sql("UPDATE audit_auditentry SET seq = 3 WHERE seq = 4")
    _sql("UPDATE audit_auditentry SET seq = 4 WHERE seq = 1000")
    _broken(run("audit", "verify"), "record-reordered", 3)


def test_a_deleted_tail_is_caught_by_the_head_anchor(run, chain):
    anchor_write(chain[-1].to_record().head)
    _sql("DELETE FROM audit_auditentry WHERE seq >= 4")
    _broken(run("audit", "verify"), "record-missing", 4)


def test_a_missing_anchor_file_is_not_intact(run, chain, anchor_file):
    """Without the head kept outside the database, a removed tail would verify."""
    anchor_write(chain[-1].to_record().head)
    anchor_file.unlink()
    _sql("DELETE FROM audit_auditentry WHERE seq >= 4")
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert "Not verified [anchor-missing]" in result.output


def test_a_rewritten_chain_is_caught_by_an_anchor_given_on_the_command_line(
    run, chain, anchor_file
):
    recorded = f"{chain[2].seq}:{chain[2].hash}"
    assert run("audit", "verify", "--anchor", recorded).exit_code == 0
    # A consistent rewrite from row 3 on: valid hashes, but not the ones recorded elsewhere.
    _sql("DELETE FROM audit_auditentry WHERE seq >= 3")
    for n in (30, 40, 50):
        audit_record(
            event=AuditEvent(
                name="view", actor="alice", target_type="dataset", target_id=str(n), reason=""
            )
        )
    # An attacker who can write the database and the anchor file rewrites both ...
    anchor_file.unlink(missing_ok=True)
    anchor_write(AuditEntry.objects.order_by("-seq").first().to_record().head)
    assert run("audit", "verify").exit_code == 0  # ... and the chain alone cannot tell
    _broken(run("audit", "verify", "--anchor", recorded), "record-altered", 3)


def test_a_bad_anchor_is_a_clean_error(run, anchor_file):
    anchor_write(ChainHead(seq=1, hash="a" * 64))
    anchor_file.write_text("not json")
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 2
    assert "Error [audit-anchor-invalid]" in result.output
    result = CliRunner().invoke(main, ["audit", "verify", "--anchor", "3:xyz"])
    assert "Error [audit-anchor-invalid]" in result.output

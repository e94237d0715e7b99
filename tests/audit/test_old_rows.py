"""The event vocabulary: codes that fit their column; and rows written before it grew (the
coarse verbs ``revoke``, ``grant``, ``approve`` ...) stay in the chain: it still verifies,
exports and shows them, and new events chain on."""

from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner
from django.utils import timezone

from lgrshare.audit.anchor import anchor_write
from lgrshare.audit.export import audit_export
from lgrshare.audit.models import AuditEntry
from lgrshare.audit.services import audit_record
from lgrshare.cli import main
from lgrshare.domain.audit import (
    EVENT_NAMES,
    GENESIS_HASH,
    AuditActionUnknown,
    AuditEvent,
    AuditRecord,
    record_hash,
)

pytestmark = pytest.mark.django_db

OLD = [
    ("approve", "approved"),
    ("revoke", "returned"),
    ("revoke", "suspended"),
    ("grant", "terms-accepted"),
    ("accept", ""),
]


def _store_old_rows() -> None:
    """Rows as the product wrote them before: stored directly, as chain_next now refuses them."""
    prev_seq, prev_hash = 0, GENESIS_HASH
    for action, reason in OLD:
        draft = AuditRecord(
            seq=prev_seq + 1,
            at=timezone.now(),
            actor="surrey.dpo",
            action=action,
            target_type="agreement",
            target_id="DSA-00001",
            reason=reason,
            detail={"version": 1},
            prev_hash=prev_hash,
            hash="",
        )
        stored = AuditRecord(
            **{**{f: getattr(draft, f) for f in draft.__slots__}, "hash": record_hash(draft)}
        )
        AuditEntry.from_record(stored).save(force_insert=True)
        prev_seq, prev_hash = stored.seq, stored.hash


def test_old_rows_verify_export_and_new_events_chain_on(tmp_path, monkeypatch):
    monkeypatch.setenv("LGRSHARE_AUDIT_HEAD_FILE", str(tmp_path / "head"))
    _store_old_rows()
    audit_record(
        event=AuditEvent(
            name="agreement-suspended",
            actor="surrey.dpo",
            target_type="agreement",
            target_id="DSA-00001",
            reason="",
            detail={"version": 1},
        )
    )
    anchor_write(AuditEntry.objects.order_by("-seq").first().to_record().head)
    result = CliRunner().invoke(main, ["audit", "verify"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "6 records verified" in result.output
    out = io.StringIO(newline="")
    audit_export(out=out, exporter="cli:test")
    actions = [row["action"] for row in csv.DictReader(io.StringIO(out.getvalue()))]
    assert actions == ["approve", "revoke", "revoke", "grant", "accept", "agreement-suspended"]
    labels = [e.action_label for e in AuditEntry.objects.order_by("seq")[:6]]
    assert labels[1].startswith("Access or a role was revoked")
    assert labels[5] == "An agreement was suspended"


def test_a_retired_verb_cannot_be_appended(tmp_path, monkeypatch):
    monkeypatch.setenv("LGRSHARE_AUDIT_HEAD_FILE", str(tmp_path / "head"))
    with pytest.raises(AuditActionUnknown):
        audit_record(
            event=AuditEvent(
                name="revoke", actor="a", target_type="agreement", target_id="1", reason=""
            )
        )
    assert not AuditEntry.objects.exists()


def test_every_event_name_is_a_code_that_fits_its_column():
    limit = AuditEntry._meta.get_field("action").max_length
    for name in EVENT_NAMES:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name), name
        assert len(name) <= limit, name

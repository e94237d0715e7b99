"""The stored chain: records link, read back exactly, and cannot be changed through Django."""

from __future__ import annotations

import itertools
import json

import pytest
from django.db import DatabaseError, connection, transaction

from lgrshare.audit.anchor import anchor_read, anchor_write
from lgrshare.audit.models import AuditAppendOnly, AuditEntry
from lgrshare.audit.services import audit_record
from lgrshare.audit.verification import audit_verify
from lgrshare.domain.audit import (
    GENESIS_HASH,
    AuditActionUnknown,
    AuditError,
    AuditEvent,
    record_hash,
)

pytestmark = pytest.mark.django_db


def event(n: int = 1, **changes) -> AuditEvent:
    fields = {
        "name": "view",
        "actor": "alice",
        "target_type": "dataset",
        "target_id": str(n),
        "reason": "allowed",
        "detail": {"rows": n},
    }
    return AuditEvent(**{**fields, **changes})


def test_entries_chain_from_genesis():
    entries = [audit_record(event=event(n)) for n in range(1, 5)]
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    for stored in AuditEntry.objects.all():
        assert record_hash(stored.to_record()) == stored.hash
    verdict = _anchored_verify()
    assert (verdict.intact, verdict.checked) == (True, 4)


def test_any_text_reads_back_exactly_and_detail_is_canonical_ascii():
    detail = {
        "zeta": "naïve \u2013 東京 \u2028 \ud800",
        "alpha": True,
        "nul": "a\x00b",
        "none": None,
    }
    stored = audit_record(event=event(detail=detail, target_id="Ünïcode"))
    row = AuditEntry.objects.get(pk=stored.pk)
    assert row.detail.isascii()
    assert list(json.loads(row.detail)) == ["alpha", "none", "nul", "zeta"]
    assert dict(row.to_record().detail) == detail
    assert _anchored_verify().intact


def _record_then_fail() -> None:
    with transaction.atomic():
        audit_record(event=event(2))
        raise RuntimeError


def test_a_rolled_back_transaction_takes_its_record_with_it():
    audit_record(event=event(1))
    with pytest.raises(RuntimeError):
        _record_then_fail()
    third = audit_record(event=event(3))
    assert third.seq == 2  # no gap: the rolled-back record never existed
    assert _anchored_verify().intact


def test_the_orm_refuses_to_change_or_delete_an_entry():
    entry = audit_record(event=event())
    entry.reason = "forged"
    with pytest.raises(AuditAppendOnly):
        entry.save()
    with pytest.raises(AuditAppendOnly):
        entry.delete()
    with pytest.raises(AuditAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="forged")
    with pytest.raises(AuditAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "allowed"


def test_the_database_refuses_an_update_too():
    entry = audit_record(event=event())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET reason = 'forged' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).reason == "allowed"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"name": "teleport"}, AuditActionUnknown),
        ({"actor": ""}, AuditError),
        ({"target_id": "x" * 201}, AuditError),
        ({"actor": "al\x00ice"}, AuditError),
        ({"detail": {"ratio": 0.5}}, AuditError),
    ],
)
def test_a_bad_event_is_refused_and_nothing_is_stored(changes, error):
    with pytest.raises(error):
        audit_record(event=event(**changes))
    assert not AuditEntry.objects.exists()


def test_the_head_anchor_follows_each_commit(django_capture_on_commit_callbacks, anchor_file):
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(event=event(1))
    with django_capture_on_commit_callbacks(execute=True):
        last = audit_record(event=event(2))
    head = anchor_read()
    assert head is not None
    assert (head.seq, head.hash) == (2, last.hash)
    assert oct(anchor_file.stat().st_mode & 0o777) == "0o600"


def _anchored_verify():
    """Verify as after a commit: the test's transaction never commits, so write the head
    anchor that ``audit_record`` would have written on commit."""
    last = AuditEntry.objects.order_by("-seq").first()
    if last is not None:
        anchor_write(last.to_record().head)
    return audit_verify()

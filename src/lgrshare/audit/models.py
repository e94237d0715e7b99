"""The persisted audit chain: append-only rows that store ``AuditRecord``s exactly.

``seq`` is the chain's own number, taken from ``chain_next`` under a lock, never from an
auto-increment (which skips values). ``id`` is the physical insertion order: verification reads
rows in that order, so rows whose numbers were swapped show as reordered, not just altered.
``detail`` is the canonical ASCII JSON of the record's detail, so it reads back byte for byte
(and PostgreSQL, which refuses NUL in text, can store any value). ``actor`` is a username, or
``cli:<login>`` for the command line: text, not a foreign key, so the trail outlives people.

The ORM refuses to change or delete a row; the migration adds a database trigger refusing
UPDATE too (SQLite and PostgreSQL). Deletes are not blocked by a trigger, as ``flush`` and the
test runner delete with plain DELETEs; the chain shows a deleted row (``record-missing``) and
the head anchor a truncated tail (see ``audit.services``).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.db import models

from lgrshare.audit.words import detail_words, reason_words
from lgrshare.domain.audit import EVENT_NAMES, AuditRecord
from lgrshare.domain.errors import LgrShareError


class AuditAppendOnly(LgrShareError):
    """Something tried to change or delete an audit row."""

    code = "audit-append-only"
    title = "The audit trail cannot be changed"
    status = 500


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditAppendOnly("audit entries cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditAppendOnly("audit entries cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AuditAppendOnly("audit entries cannot be updated")

    def for_target(self, target_type: str, target_id: str) -> AuditEntryQuerySet:
        """The entries about one target, newest first."""
        return self.filter(target_type=target_type, target_id=target_id).order_by("-seq")

    def by_actor(self, actor: str) -> AuditEntryQuerySet:
        """The entries made by one actor, newest first."""
        return self.filter(actor=actor).order_by("-seq")


class AuditEntry(models.Model):
    """One stored ``AuditRecord``; see the module notes."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=40)
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=200)
    reason = models.CharField(max_length=100, blank=True)
    detail = models.TextField(default="{}")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects: ClassVar[AuditEntryQuerySet] = AuditEntryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["actor"], name="audit_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} {self.target_type}:{self.target_id} by {self.actor}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the row; raises ``AuditAppendOnly`` for an existing one."""
        if not self._state.adding:
            raise AuditAppendOnly("audit entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Raises ``AuditAppendOnly``: audit entries are never deleted."""
        raise AuditAppendOnly("audit entries cannot be deleted")

    @classmethod
    def from_record(cls, record: AuditRecord) -> AuditEntry:
        """Return an unsaved row holding ``record`` exactly."""
        return cls(
            seq=record.seq,
            at=record.at,
            actor=record.actor,
            action=record.action,
            target_type=record.target_type,
            target_id=record.target_id,
            reason=record.reason,
            detail=_detail_json(record),
            prev_hash=record.prev_hash,
            hash=record.hash,
        )

    def to_record(self) -> AuditRecord:
        """Return the row as an ``AuditRecord``. A ``detail`` that is not JSON any more is
        passed on as text, for ``verify_chain`` to report the row as altered."""
        try:
            detail: Any = json.loads(self.detail)
        except (TypeError, ValueError):
            detail = self.detail
        return AuditRecord(
            seq=self.seq,
            at=self.at,
            actor=self.actor,
            action=self.action,
            target_type=self.target_type,
            target_id=self.target_id,
            reason=self.reason,
            detail=detail,
            prev_hash=self.prev_hash,
            hash=self.hash,
        )

    @property
    def action_label(self) -> str:
        """Return what the action means, for people (the code itself when unknown)."""
        return EVENT_NAMES.get(self.action, self.action)

    @property
    def reason_words(self) -> str:
        """Return the reason in words, for pages (the code stays in the record and the API)."""
        return reason_words(self.reason)

    @property
    def detail_words(self) -> list[tuple[str, str]]:
        """Return the detail as (label, value) in words, for pages."""
        return detail_words(dict(self.detail_items))

    @property
    def detail_items(self) -> list[tuple[str, object]]:
        """Return the detail as sorted (key, value) pairs, for pages."""
        try:
            detail = json.loads(self.detail)
        except (TypeError, ValueError):
            return [("detail", self.detail)]
        return sorted(detail.items()) if isinstance(detail, dict) else [("detail", detail)]


def _detail_json(record: AuditRecord) -> str:
    # The same serialisation the hash uses: sorted keys, no spaces, ASCII only.
    return json.dumps(dict(record.detail), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


class AuditLock(models.Model):
    """A single row locked (``SELECT ... FOR UPDATE``) while a record is appended, so two
    transactions never take the same ``seq``. SQLite serialises writers by itself."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)

    def __str__(self) -> str:
        return "audit lock"

"""Encrypted blobs: one row per stored file, holding its data key only in wrapped form."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q


class BlobQuerySet(models.QuerySet["Blob"]):
    def readable(self) -> BlobQuerySet:
        """Blobs whose key still exists and whose file was not recorded lost."""
        return self.filter(destroyed_at__isnull=True, lost_at__isnull=True)


class Blob(models.Model):
    """A file in the vault. Generic: what it holds (a submission, an export) points here.

    ``id`` is also the container's file id, bound into every chunk, so a file cannot be passed
    off as another. ``wrapped_key`` is ``WrappedKey.to_str()``: the data key wrapped by a KEK
    that never enters the database. Destroying the blob empties it (crypto-shredding) and sets
    ``destroyed_at``; the row stays as the record of what existed. ``lost_at`` is set by
    ``lgrshare vault check --repair`` when the file is gone but the row was committed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wrapped_key = models.CharField(max_length=100, blank=True)
    plaintext_bytes = models.PositiveBigIntegerField()
    ciphertext_bytes = models.PositiveBigIntegerField()
    plaintext_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)
    lost_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[BlobQuerySet] = BlobQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                name="destroyed_blob_has_no_key",
                condition=Q(destroyed_at__isnull=True) | Q(wrapped_key=""),
            ),
            models.CheckConstraint(
                name="live_blob_has_a_key",
                condition=Q(destroyed_at__isnull=False) | ~Q(wrapped_key=""),
            ),
        ]

    def __str__(self) -> str:
        return f"blob {self.id}"

    @property
    def file_id(self) -> str:
        """Return the id bound into the container (the row's UUID as text)."""
        return str(self.id)

"""A council's file for a dataset shared under an agreement: validated, caveated, encrypted."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lgrshare.catalogue.models import Dataset
from lgrshare.vault.models import Blob


class Submission(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for the data lead"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        SUPERSEDED = "superseded", "Superseded by a later version"
        DELETED = "deleted", "Deleted under the agreement's retention rules"

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="submissions")
    period = models.CharField(max_length=60)
    version = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    blob = models.OneToOneField(Blob, on_delete=models.PROTECT, related_name="submission")
    file_name = models.CharField(max_length=120)
    file_format = models.CharField(max_length=8)
    standard_name = models.CharField(max_length=80)
    standard_version = models.CharField(max_length=20)
    valid = models.BooleanField()
    # The validator's report (``Report.to_json()``) and the declared caveats, which travel with
    # the data into every preview, download and export. ``report`` holds only what quotes no
    # cell (validity, counts by code, the file's layout); the errors, which quote cells, and
    # the profile, which holds values, are in ``report_sealed``, encrypted under the file's
    # own data key (``vault.services.blob_seal``), so destroying the key destroys them too.
    report = models.JSONField()
    report_sealed = models.TextField(blank=True, default="")
    caveats = models.JSONField(default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "period", "version"], name="one_submission_version"
            )
        ]
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.dataset.slug} {self.period} v{self.version}"

    @property
    def reference(self) -> str:
        return f"SUB-{self.pk:05d}"

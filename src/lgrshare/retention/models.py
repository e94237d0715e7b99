"""Deletion certificates and recipients' attestations: the proof that data was deleted.

A certificate is issued once per thing deleted (``scope``: a dataset, or one submission deleted
early), and that uniqueness is what makes two retention runs at once delete it once. Its
``body`` is the certificate as issued; ``body_sha256`` is recorded in the audit chain, so a
changed certificate no longer matches its audit record (``lgrshare retention verify``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lgrshare.agreements.models import Agreement
from lgrshare.catalogue.models import Dataset
from lgrshare.councils.models import Council
from lgrshare.submissions.models import Submission


class DeletionCertificate(models.Model):
    # "dataset:<pk>" or "submission:<pk>": one certificate per thing deleted.
    scope = models.CharField(max_length=80, unique=True)
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="deletion_certificates"
    )
    agreement_version = models.PositiveIntegerField()
    # delete-by-date, event-period, terminated or early-deletion, and the rule in words.
    rule = models.CharField(max_length=30)
    rule_text = models.TextField()
    due_on = models.DateField()
    issued_at = models.DateTimeField()
    issued_by = models.CharField(max_length=200)
    body = models.JSONField()
    body_sha256 = models.CharField(max_length=64)
    # Set once every destroyed blob's file is gone from the vault (the step after the commit;
    # a run killed before it is completed by the next run).
    files_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def issued_by_words(self) -> str:
        """Who deleted, for people: the scheduled run (``cli:<login>``, or the demo loader's
        ``demo``) or the DPO who deleted early (their username)."""
        if self.issued_by == "demo":
            return "the retention run (run by the demo loader)"
        if self.issued_by.startswith("cli:"):
            return f"the retention run (lgrshare retention run, as {self.issued_by[4:]})"
        return f"{self.issued_by}, deleting early"

    @property
    def reference(self) -> str:
        return f"DEL-{self.pk:05d}" if self.pk else "DEL-new"


class Attestation(models.Model):
    """A council whose people downloaded or exported data that was deleted confirms that it
    deleted its local copies: who, when, and their statement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="attestations")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    # Who at the council downloaded or exported the data, from the audit trail (usernames).
    because_of = models.JSONField(default=list)
    requested_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by_name = models.CharField(max_length=300, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    statement = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "council"], name="one_attestation_each")
        ]
        ordering = ["council__name"]

    def __str__(self) -> str:
        return f"{self.council} for {self.agreement.reference}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

"""Data sharing agreements held as data: versions, parties' sign-off, DPIA, terms, contractors.

An agreement's terms live in versions; a version that has gone for review is never edited:
a change makes a new version that every party signs again, and earlier versions stay readable.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from lgrshare.councils.models import Area, Contractor, Council
from lgrshare.domain.agreement_terms import Terms
from lgrshare.domain.errors import InvalidInput
from lgrshare.vault.models import Blob

# A version's columns that hold its terms: the typed value's keys, in its order.
TERM_FIELDS = tuple(Terms().to_dict())


class VersionFrozen(InvalidInput):
    """A signed version was about to change: its text is fixed from the first signature."""

    code = "version-frozen"
    title = "A signed version cannot change"


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in-review", "In review"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    TERMINATED = "terminated", "Terminated"
    # Every dataset deleted under the retention rules and every recipient's attestation in.
    CLOSED = "closed", "Closed"


class Classification(models.TextChoices):
    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


class PersonalData(models.TextChoices):
    NONE = "none", "No personal data"
    AGGREGATE = "aggregate", "Aggregate figures derived from personal data"
    PERSONAL = "personal", "Personal data"
    SPECIAL = "special-category", "Special category personal data"


class Agreement(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="agreements")
    request = models.ForeignKey(
        "requests.DataRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
    )
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    state_reason = models.TextField(blank=True)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The event the terms keep data until ("the decision on proposals was published"), as a
    # party's DPO recorded it: the data is due for deletion the agreed months after it.
    retention_event_on = models.DateField(null=True, blank=True)
    retention_event_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retention_event_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"DSA-{self.pk:05d}" if self.pk else "DSA-new"

    def current(self) -> AgreementVersion:
        version = self.versions.order_by("-number").first()
        assert version is not None, "an agreement always has a version"
        return version


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    purposes = models.TextField()
    # [{"standard": name, "fields": [...]}] or [{"item": text}]
    data_items = models.JSONField(default=list)
    # Who gives what to whom: [{"standard", "provider", "recipient", "fields": [...]}] (GSS codes,
    # field names). A provider sees its own data; anyone else only what a flow gives them.
    flows = models.JSONField(default=list)
    # A second person checks each file: nobody accepts a submission they made themselves.
    second_person_acceptance = models.BooleanField(default=False)
    # The smallest count shown in any output derived from personal data (domain.disclosure).
    disclosure_threshold = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(2), MaxValueValidator(100)]
    )
    legal_power = models.TextField()
    personal_data = models.CharField(
        max_length=20, choices=PersonalData.choices, default=PersonalData.NONE
    )
    criminal_offence_data = models.BooleanField(default=False)
    children_or_vulnerable = models.BooleanField(default=False)
    data_matching = models.BooleanField(default=False)
    large_scale = models.BooleanField(default=False)
    lawful_basis = models.CharField(max_length=4, blank=True)
    article_9_condition = models.CharField(max_length=4, blank=True)
    schedule_1_conditions = models.JSONField(default=list, blank=True)
    # {"view-data": ["analyst", ...], ...}; an action left out takes the policy's default.
    permitted_roles = models.JSONField(default=dict, blank=True)
    named_people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    contractors = models.ManyToManyField(Contractor, blank=True, related_name="agreement_versions")
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.OFFICIAL
    )
    onward_sharing = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    delete_by = models.DateField(null=True, blank=True)
    retention_event = models.CharField(max_length=200, blank=True)
    retention_months_after_event = models.PositiveIntegerField(null=True, blank=True)
    deletion_method = models.TextField(blank=True)
    # After a termination, the data is deleted this many days later (``lgrshare retention run``).
    termination_grace_days = models.PositiveIntegerField(default=30)
    # A submission superseded by a later accepted version is deleted this many days after;
    # None keeps it until the dataset's own deletion.
    superseded_keep_days = models.PositiveIntegerField(null=True, blank=True)
    rights_and_breaches = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True)
    other_legal_requirements = models.TextField(blank=True)
    # Set at the first signature: from then on the version's text is fixed. ``document`` holds
    # the agreement document as signed (``agreements.build.snapshot``), so the page and the PDF
    # never change when related records (people, contractor agreements, the DPIA) do.
    frozen_at = models.DateTimeField(null=True, blank=True, editable=False)
    document = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="one_version_number")
        ]
        ordering = ["agreement", "number"]

    def __str__(self) -> str:
        return f"{self.agreement.reference} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, refusing any change to a version once it is signed (``VersionFrozen``)."""
        if self.pk is not None:
            stored = AgreementVersion.objects.filter(pk=self.pk).values("frozen_at").first()
            if stored is not None and stored["frozen_at"] is not None:
                raise VersionFrozen(
                    f"{self} is signed: its terms cannot change. Change the terms to make a "
                    "new version.",
                    code="version-frozen",
                )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Delete a draft version; raises ``VersionFrozen`` for a signed one."""
        if AgreementVersion.objects.filter(pk=self.pk, frozen_at__isnull=False).exists():
            raise VersionFrozen(f"{self} is signed and cannot be deleted", code="version-frozen")
        return super().delete(*args, **kwargs)

    @property
    def terms(self) -> Terms:
        """What this version says, as the one typed value every reader uses."""
        return Terms.from_dict({name: getattr(self, name) for name in TERM_FIELDS})


class Party(models.Model):
    """A council party to one version, and its DPO's review and signatory's signature."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for the DPO"
        APPROVED = "approved", "Approved by the DPO"
        RETURNED = "returned", "Returned by the DPO"

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="parties")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    provides_data = models.BooleanField(default=False)
    dpo_decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    dpo_comments = models.TextField(blank=True)
    dpo_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dpo_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    # Names as they were at the decision and the signature, so renaming a person later does
    # not change the signed document.
    dpo_name = models.CharField(max_length=300, blank=True)
    signatory_name = models.CharField(max_length=300, blank=True)
    # The party's DPO asked its legal adviser to review this version (rules/expert-reviews.json).
    legal_review_asked = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "council"], name="one_party_per_council")
        ]
        ordering = ["council__name"]

    def __str__(self) -> str:
        return f"{self.council} in {self.version}"


class ContractorAgreement(models.Model):
    """The contract under which a contractor processes data for a council (UK GDPR Article 28).

    It holds the particulars Article 28(3) requires a contract to set out, the signed contract
    itself (encrypted in the vault, never in the database), and the sign-off of a DPO of the
    council the contractor works for. Until that sign-off it gives no access; access ends on
    ``ends_on``.
    """

    contractor = models.ForeignKey(
        Contractor, on_delete=models.CASCADE, related_name="contractor_agreements"
    )
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    # Article 28(3): the subject matter and duration, the nature and purpose of the processing,
    # the type of personal data, the categories of data subjects, the processor's obligations.
    scope = models.TextField(verbose_name="subject matter")
    nature_and_purpose = models.TextField(blank=True)
    personal_data_types = models.TextField(blank=True)
    data_subject_categories = models.TextField(blank=True)
    # Codes of ``rules/article-28.json``: every obligation the contract binds the processor to.
    processor_obligations = models.JSONField(default=list, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    document = models.ForeignKey(
        "vault.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document_name = models.CharField(max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-ends_on"]

    def __str__(self) -> str:
        return f"{self.contractor} for {self.council} to {self.ends_on}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None


class TermsAcceptance(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="acceptances")
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agreement", "version"], name="accept_each_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.agreement.reference} v{self.version}"


class Dpia(models.Model):
    """The decision on a Data Protection Impact Assessment for an agreement."""

    class Status(models.TextChoices):
        NOT_STARTED = "not-started", "Not started"
        IN_PROGRESS = "in-progress", "In progress"
        COMPLETE = "complete", "Complete"
        NOT_NEEDED = "not-needed", "Not needed"

    class ResidualRisk(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High: the ICO must be consulted first"

    agreement = models.OneToOneField(Agreement, on_delete=models.CASCADE, related_name="dpia")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    outcome = models.TextField(blank=True)
    residual_risk = models.CharField(max_length=6, choices=ResidualRisk.choices, blank=True)
    # UK GDPR Article 36: when the residual risk stays high, when the ICO was consulted and what
    # it advised.
    ico_consultation = models.TextField(blank=True)
    # DPA 2018 Schedule 1 Part 4: where each party's appropriate policy document is held.
    appropriate_policy_document = models.TextField(blank=True)
    document_name = models.CharField(max_length=120, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    # The DPIA document, encrypted in the vault; only the parties' DPOs may download it.
    document_blob = models.OneToOneField(
        Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"DPIA for {self.agreement.reference}: {self.status}"


class ExpertReview(models.Model):
    """A legal adviser's or IT security officer's review of one version, for their council.

    One per party and kind: a later review replaces the earlier (the audit trail keeps each).
    A new version has new parties, so it needs its own reviews.
    """

    class Kind(models.TextChoices):
        LEGAL = "legal", "Legal review"
        IT_SECURITY = "it-security", "IT security review"

    class Outcome(models.TextChoices):
        REVIEWED = "reviewed", "Reviewed"
        CHANGES_NEEDED = "changes-needed", "Changes needed"

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="expert_reviews")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    comments = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # As they were named when they reviewed, like the DPO and the signatory.
    by_name = models.CharField(max_length=300)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["party", "kind"], name="one_review_per_party_and_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.party.council_id}: {self.outcome}"

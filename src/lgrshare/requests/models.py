"""Data requests, the holders' answers and the forum thread."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lgrshare.councils.models import Area, Council
from lgrshare.domain.request_flow import Answer, State, StopReason
from lgrshare.vault.models import Blob


class DataRequest(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="requests")
    question = models.TextField()
    purpose = models.TextField(blank=True)
    legal_power = models.CharField(max_length=300, blank=True)
    requesting_council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    holders = models.ManyToManyField(Council, through="HolderResponse", related_name="requests")
    standard_name = models.CharField(max_length=80, blank=True)
    # [{"field": name}] for fields of the standard, [{"item": text}] for described items.
    data_items = models.JSONField(default=list, blank=True)
    geography_level = models.CharField(max_length=10, blank=True)
    period = models.CharField(max_length=100, blank=True)
    needed_by = models.DateField(null=True, blank=True)
    personal_data = models.BooleanField(default=False)
    special_category = models.BooleanField(default=False)
    children_or_vulnerable = models.BooleanField(default=False)
    data_matching = models.BooleanField(default=False)
    contractor_access = models.BooleanField(default=False)
    state = models.CharField(
        max_length=10, choices=[(s.value, s.label) for s in State], default=State.DRAFT
    )
    stop_reason = models.CharField(
        max_length=20, blank=True, choices=[(r.value, r.label) for r in StopReason]
    )
    stop_note = models.TextField(blank=True)
    # What the person checked before asking ("where can I get it?"), and why it was not enough.
    discovery = models.JSONField(default=dict, blank=True)
    joined = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.question[:60]}"

    @property
    def reference(self) -> str:
        return f"REQ-{self.pk:05d}" if self.pk else "REQ-new"

    @property
    def state_enum(self) -> State:
        return State(self.state)


class HolderResponse(models.Model):
    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="responses")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(
        max_length=20, choices=[(a.value, a.label) for a in Answer], default=Answer.PENDING
    )
    reason = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "council"], name="one_answer_per_holder")
        ]
        ordering = ["council__name"]

    def __str__(self) -> str:
        return f"{self.council} on {self.request.reference}: {self.answer}"


class Attachment(models.Model):
    """A file added to a thread: checked, screened for personal data, and encrypted in the
    vault (``blob``); the database holds its name, size and hash, never its content."""

    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    blob = models.OneToOneField(Blob, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    attachment = models.OneToOneField(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="comment"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Comment on {self.request.reference}"

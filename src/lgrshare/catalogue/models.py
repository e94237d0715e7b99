"""The catalogue: what data exists, who publishes or holds it, and how it can be had."""

from __future__ import annotations

from functools import cache
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from lgrshare.agreements.facts import facts_of
from lgrshare.councils.models import Area, Council, User
from lgrshare.domain.policy import AgreementFacts, Resource
from lgrshare.domain.standards.model import builtin_standards


@cache
def _personal_data_classes() -> dict[str, str]:
    return {standard.name: standard.personal_data for standard in builtin_standards()}


def personal_data_of(standard: str) -> str:
    """The personal-data class of a built-in standard by name ("none" for none or unknown): the
    policy's airlock keeps other councils' rows of a person-derived standard back."""
    return _personal_data_classes().get(standard, "none")


class Access(models.TextChoices):
    PUBLIC = "public", "Public: use it now"
    UNDER_AGREEMENT = "under-agreement", "Under an agreement"
    HELD = "held", "Held by a council, no agreement yet"


class GeographyLevel(models.TextChoices):
    COUNCIL = "council", "Council"
    WARD = "ward", "Ward"
    LSOA = "lsoa", "Neighbourhood (LSOA)"
    POINT = "point", "Point or address"
    NONE = "none", "No geography"


class Kind(models.TextChoices):
    REFERENCE = "reference", "Published reference table shipped with LGR Share"
    METRICS = "metrics", "Imported published metrics"
    REGISTER = "register", "Entry only: the data is held elsewhere"
    SUBMISSION = "submission", "Submitted by a council under an agreement"


class DatasetQuerySet(models.QuerySet["Dataset"]):
    def visible_to(self, user: User) -> DatasetQuerySet:
        """National public data for everyone signed in; an area's entries for its members."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(Q(area__isnull=True) | Q(area__memberships__user=user)).distinct()


class Dataset(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField()
    publisher_name = models.CharField(max_length=200)
    publisher = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.PROTECT, related_name="published"
    )
    source = models.CharField(max_length=500, blank=True)
    licence = models.CharField(max_length=200, blank=True)
    vintage = models.CharField(max_length=60, blank=True)
    geography_level = models.CharField(max_length=10, choices=GeographyLevel.choices)
    standard_name = models.CharField(max_length=80, blank=True)
    # [{"name": ..., "title": ..., "type": ...}]: searchable and shown on the dataset page.
    fields = models.JSONField(default=list, blank=True)
    access = models.CharField(max_length=20, choices=Access.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Null for national public data; set for what one area's councils hold or share.
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="datasets"
    )
    contact = models.CharField(max_length=200, blank=True)
    # The agreement this data is shared under (access "under-agreement").
    agreement = models.ForeignKey(
        "agreements.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="datasets",
    )
    # Denormalised text of search_document(), kept by the services, for PostgreSQL full text.
    # Set when ``lgrshare retention run`` deleted the dataset's data (its certificate says how):
    # the policy then refuses every read with ``data-deleted``; the metadata stays.
    deleted_at = models.DateTimeField(null=True, blank=True)
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[DatasetQuerySet] = DatasetQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def policy_resource(self) -> Resource:
        """The policy's view of this data (``access.Gated``): id, access, holder, area, standard."""
        return Resource(
            dataset_id=self.slug,
            access=self.access,
            holder=self.publisher_id,
            area=self.area.county_id if self.area_id else None,  # type: ignore[union-attr]
            standard=self.standard_name or None,
            deleted=self.deleted_at is not None,
            personal_data=personal_data_of(self.standard_name),
        )

    def policy_agreement(self) -> AgreementFacts | None:
        """The facts of the agreement this data is shared under, or ``None`` (``access.Gated``)."""
        if self.agreement_id is None:
            return None
        return facts_of(self.agreement)  # type: ignore[arg-type]

    @property
    def field_names(self) -> list[str]:
        return [str(f.get("name", "")) for f in self.fields]

    def search_document(self) -> dict[str, str]:
        """The text full-text search indexes, by column."""
        return {
            "title": self.title,
            "description": self.description,
            "fields": " ".join(
                f"{f.get('name', '')} {f.get('title', '')}".replace("_", " ") for f in self.fields
            ),
            "standard": self.standard_name.replace("-", " "),
            "publisher": self.publisher_name,
        }


class MetricValue(models.Model):
    """One published figure in long form (the shape of LG Inform's data)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="metric_values")
    metric_id = models.CharField(max_length=40)
    metric_title = models.CharField(max_length=300)
    area_code = models.CharField(max_length=9)
    period = models.CharField(max_length=40)
    value = models.FloatField(null=True)
    unit = models.CharField(max_length=60, blank=True)

    class Meta:
        indexes = [models.Index(fields=["dataset", "metric_id", "area_code"])]

    def __str__(self) -> str:
        return f"{self.metric_id} {self.area_code} {self.period}"

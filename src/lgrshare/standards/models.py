"""An area's own data standards: each saved version, a draft until an agreement agrees it."""

from __future__ import annotations

from django.db import models

from lgrshare.councils.models import Area, User


class AreaStandard(models.Model):
    """One version of a standard an area drafted (``definition``: the standard's JSON, as
    ``Standard.to_json`` gives it). A version is frozen once agreed: a change is a new version.
    Names are unique across the hub and never a built-in standard's."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="standards")
    name = models.SlugField(max_length=80)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    definition = models.JSONField()

    class Source(models.TextChoices):
        EXAMPLE = "example", "Proposed from an example file"
        SCHEMA = "schema", "From a Table Schema"
        COPY = "copy", "Copied from another standard"
        ITEM = "item", "Drafted from an agreement's data item described in words"
        FIELDS = "fields", "Fields confirmed one by one"
        JSON = "json", "Edited as JSON"

    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    # How this version was made: a proposal (example, item) still needs its fields confirmed.
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SCHEMA)
    drafted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    drafted_at = models.DateTimeField(auto_now_add=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    # The reference of the agreement whose signing agreed this version (e.g. DSA-00004).
    agreed_under = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name", "-drafted_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="area_standard_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def proposed(self) -> bool:
        """Whether this version is a proposal nobody has confirmed field by field yet."""
        return self.state == self.State.DRAFT and self.source in (
            self.Source.EXAMPLE,
            self.Source.ITEM,
        )

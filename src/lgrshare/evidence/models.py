"""Unitary options saved in an area: an option set (a named proposal) and its versions.

A version is never changed: saving again adds a version, so the county and the districts argue
over the same numbers and can see what changed and who changed it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from lgrshare.councils.models import Area
from lgrshare.domain.options import Option, option_from_json


class OptionSetQuerySet(models.QuerySet["OptionSet"]):
    def in_area(self, area: Area) -> OptionSetQuerySet:
        return self.filter(area=area)


class OptionSet(models.Model):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="option_sets")
    name = models.CharField(max_length=120)
    # Who saved it; kept as null if the account is deleted (the audit trail keeps the name).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OptionSetQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="one_option_name_per_area")
        ]

    def __str__(self) -> str:
        return self.name

    def latest(self) -> OptionVersion:
        # all(): uses the versions when prefetched (a list of options costs no query per row).
        return max(self.versions.all(), key=lambda v: v.number)


class OptionVersion(models.Model):
    option_set = models.ForeignKey(OptionSet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # {"name": ..., "councils": [["East Surrey", ["E07000207", ...]], ...]}: as checked when
    # saved. A list of pairs, not an object: PostgreSQL's jsonb does not keep an object's order.
    body = models.JSONField()
    note = models.CharField(max_length=500, blank=True)
    # Who saved it; kept as null if the account is deleted (the audit trail keeps the name).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["option_set", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["option_set", "number"], name="one_option_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.option_set.name} v{self.number}"

    @staticmethod
    def body_of(option: Option) -> dict[str, Any]:
        """The stored form of ``option``: its councils as (name, codes) pairs, in order."""
        return {"name": option.name, "councils": [[k, list(v)] for k, v in option.councils.items()]}

    def option(self) -> Option:
        """The saved option, its councils in the order they were given."""
        return option_from_json({"name": self.body["name"], "councils": self.councils})

    @property
    def councils(self) -> dict[str, list[str]]:
        return {name: list(codes) for name, codes in self.body.get("councils", [])}

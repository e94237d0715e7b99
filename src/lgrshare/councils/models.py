"""Councils (real ONS codes), the two-tier LGR areas, contractors, people and their roles."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from lgrshare.domain.reference import CouncilKind


class CouncilQuerySet(models.QuerySet["Council"]):
    def in_area(self, area: Area) -> CouncilQuerySet:
        """The county council and its districts, county first, then by name."""
        return self.filter(Q(pk=area.county_id) | Q(county_id=area.county_id)).order_by(
            models.Case(models.When(kind=CouncilKind.COUNTY, then=0), default=1), "name"
        )


class Council(models.Model):
    """An English council, keyed by its GSS code (E10 county, E07 district, E06/E08/E09)."""

    gss_code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=120)
    official_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=[(k.value, k.label) for k in CouncilKind])
    county = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="districts"
    )
    region_gss = models.CharField(max_length=9)
    region_name = models.CharField(max_length=60)
    population_mid2024 = models.PositiveIntegerField()
    land_area_ha = models.DecimalField(max_digits=12, decimal_places=2)

    objects: ClassVar[CouncilQuerySet] = CouncilQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.official_name

    @property
    def kind_label(self) -> str:
        return CouncilKind(self.kind).label


class AreaQuerySet(models.QuerySet["Area"]):
    def visible_to(self, user: User) -> AreaQuerySet:
        """The areas ``user`` belongs to; nothing for an anonymous or inactive user."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(memberships__user=user)


class Area(models.Model):
    """A two-tier county area going through reorganisation: the county and its districts."""

    county = models.OneToOneField(Council, on_delete=models.PROTECT, related_name="lgr_area")
    name = models.CharField(max_length=120)

    objects: ClassVar[AreaQuerySet] = AreaQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def gss_code(self) -> str:
        return str(self.county_id)

    def councils(self) -> CouncilQuerySet:
        return Council.objects.in_area(self)


class Contractor(models.Model):
    """An organisation working for a council (consultants, auditors, IT suppliers)."""

    name = models.CharField(max_length=200, unique=True)
    companies_house_number = models.CharField(max_length=8, blank=True)
    works_for = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="contractors")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ANALYST = "analyst", "Analyst"
    DATA_LEAD = "data-lead", "Data lead"
    IG_OFFICER = "ig-officer", "Information governance officer"
    DPO = "dpo", "Data protection officer"
    SENIOR_SIGNATORY = "senior-signatory", "Senior signatory"
    IT_SECURITY = "it-security", "IT security"
    LEGAL_ADVISER = "legal-adviser", "Legal adviser"
    PROGRAMME_LEAD = "programme-lead", "Programme lead"
    AREA_ADMIN = "area-admin", "Area administrator"


class User(AbstractUser):
    """A person: staff of one council, or of a contractor working for a council."""

    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    contractor = models.ForeignKey(
        Contractor, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    job_title = models.CharField(max_length=120, blank=True)
    # When the person's own council confirmed the account. None: invited by another council's
    # administrator and waiting (the account is inactive until then). An account deactivated
    # later keeps this and has ``is_active`` False.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_not_both_council_and_contractor",
                condition=Q(council__isnull=True) | Q(contractor__isnull=True),
            )
        ]

    @property
    def organisation_name(self) -> str:
        if self.contractor_id:
            return f"{self.contractor} (contractor)"
        return str(self.council) if self.council_id else "No organisation"

    @property
    def role_codes(self) -> set[str]:
        """The roles the person holds: confirmed grants only (a pending grant gives nothing)."""
        return {grant.role for grant in self.role_grants.all() if grant.confirmed_at is not None}

    @property
    def is_pending(self) -> bool:
        """Invited for a council whose own administrator or DPO has not confirmed them yet."""
        return self.confirmed_at is None

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_codes


class RoleGrant(models.Model):
    """A role a person holds, once confirmed. A DPO or senior signatory role, and every role of
    a person invited by another council, waits (``confirmed_at`` None) for the council's own
    DPO or administrator, someone other than ``granted_by``."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role")]
        ordering = ["role"]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_role_display()}"


class AreaMembership(models.Model):
    """Who may see an area: people of its councils and the contractors working for them."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="area_memberships")
    added_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "user"], name="one_membership_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.area}"

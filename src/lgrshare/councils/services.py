"""Use cases for councils, areas and people. Each runs in one transaction."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from lgrshare.councils.models import (
    Area,
    AreaMembership,
    Contractor,
    Council,
    Role,
    RoleGrant,
    User,
)
from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.domain.reference import CouncilKind, load_reference_data


@dataclass(frozen=True)
class ReferenceLoadSummary:
    councils: int
    areas: int
    created: int
    updated: int


@transaction.atomic
def reference_load() -> ReferenceLoadSummary:
    """Load every English council and the 21 two-tier areas; safe to run again (idempotent)."""
    data = load_reference_data()
    created = updated = 0
    # Counties come first in the reference data, so each district's county row exists already.
    for record in data.councils:
        _, was_created = Council.objects.update_or_create(
            gss_code=record.gss_code,
            defaults={
                "name": record.name,
                "official_name": record.official_name,
                "kind": record.kind.value,
                "county_id": record.county_gss,
                "region_gss": record.region_gss,
                "region_name": record.region_name,
                "population_mid2024": record.population_mid2024,
                "land_area_ha": record.land_area_ha,
            },
        )
        created += was_created
        updated += not was_created
    for county in data.counties:
        Area.objects.update_or_create(county_id=county.gss_code, defaults={"name": county.name})
    return ReferenceLoadSummary(
        councils=len(data.councils), areas=len(data.counties), created=created, updated=updated
    )


def council_get(*, gss_code: str) -> Council:
    """Return the council with this GSS code; raises ``NotFound`` (code ``council-not-found``)."""
    try:
        return Council.objects.get(gss_code=gss_code.strip().upper())
    except Council.DoesNotExist:
        raise NotFound(
            f"There is no council with code {gss_code!r}", code="council-not-found"
        ) from None


def area_get(*, county_gss: str) -> Area:
    """Return the area of a county (for operators' commands); raises ``NotFound``."""
    area = Area.objects.filter(county_id=county_gss.strip().upper()).first()
    if area is None:
        raise NotFound(f"There is no area {county_gss!r}", code="area-not-found")
    return area


def area_for_council(council: Council) -> Area | None:
    """Return the two-tier area a county or district belongs to, or None for a unitary."""
    county_id = council.gss_code if council.kind == CouncilKind.COUNTY else council.county_id
    if county_id is None:
        return None
    return Area.objects.filter(county_id=county_id).first()


def area_get_for_user(*, county_gss: str, user: User) -> Area:
    """Return an area ``user`` belongs to; raises ``NotFound`` for unknown *or* not visible.

    Both cases answer the same, so an outsider cannot learn which areas exist on this hub.
    """
    area = Area.objects.visible_to(user).filter(county_id=county_gss.strip().upper()).first()
    if area is None:
        raise NotFound(f"There is no area {county_gss!r} that you can see", code="area-not-found")
    return area


def council_get_for_user(*, gss_code: str, user: User) -> Council:
    """Return a council in one of ``user``'s areas; raises ``NotFound`` otherwise."""
    council = Council.objects.filter(gss_code=gss_code.strip().upper()).first()
    area = area_for_council(council) if council else None
    if council is None or area is None or not Area.objects.visible_to(user).filter(pk=area.pk):
        raise NotFound(
            f"There is no council {gss_code!r} that you can see", code="council-not-found"
        )
    return council


USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.\-]{2,40}$")


def _clean_username(raw: str) -> str:
    username = raw.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(
            "Enter a username of 3 to 41 lower case letters, numbers, full stops and hyphens, "
            "such as jo.smith",
            code="username-invalid",
        )
    return username


def _clean_email(raw: str) -> str:
    email = raw.strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except DjangoValidationError:
        raise InvalidInput(
            "Enter an email address in the correct format, like name@council.gov.uk",
            code="email-invalid",
        ) from None
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(f"Someone already uses the email address {email}", code="email-taken")
    return email


def roles_parse(roles: Iterable[str]) -> list[Role]:
    """Return the roles named; raises ``InvalidInput`` (``unknown-role``, ``no-role``)."""
    parsed = []
    for value in roles:
        try:
            parsed.append(Role(value))
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise InvalidInput(
                f"Unknown role {value!r}; use one of {known}", code="unknown-role"
            ) from None
    if not parsed:
        raise InvalidInput("Give the person at least one role", code="no-role")
    return parsed


@transaction.atomic
def _generated_password(user: User) -> str:
    """A random one-time password that passes the password validators: a random string can,
    rarely, look enough like the username to fail the similarity check, so draw again."""
    while True:
        candidate = secrets.token_urlsafe(12)
        try:
            validate_password(candidate, user)
        except DjangoValidationError:
            continue
        return candidate


def user_create(
    *,
    username: str,
    roles: Iterable[str],
    council: Council | None = None,
    contractor: Contractor | None = None,
    area: Area | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    job_title: str = "",
    password: str | None = None,
    added_by: User | None = None,
    confirmed: bool = True,
    pending_roles: Iterable[str] = (),
) -> tuple[User, str]:
    """Create a person with roles and area membership; return them and their password.

    The bare step of adding a person, with no permission check and no audit record: the set-up
    command and the demo call it directly (an operator's act), the pages through
    ``lgrshare.people.services.person_add``, which asks the policy and audits. With
    ``confirmed`` False the account is inactive until its council confirms it and every role
    waits too; roles in ``pending_roles`` wait for confirmation either way.

    A council employee of a two-tier area joins that area; a contractor joins the area of the
    council it works for. With no password given a strong one is generated (the caller shows it
    once). Raises ``InvalidInput`` (``username-invalid``, ``username-taken``, ``email-invalid``,
    ``email-taken``, ``unknown-role``, ``no-organisation``, ``weak-password``,
    ``council-not-in-area``).
    """
    parsed_roles = roles_parse(roles)
    username = _clean_username(username)
    email = _clean_email(email)
    if (council is None) == (contractor is None):
        raise InvalidInput(
            "A person belongs to exactly one council or one contractor", code="no-organisation"
        )
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(f"The username {username!r} is taken", code="username-taken")
    home_council = council if council is not None else contractor.works_for  # type: ignore[union-attr]
    home_area = area_for_council(home_council)
    if area is not None and home_area is not None and area != home_area:
        raise InvalidInput(f"{home_council} is not in the {area} area", code="council-not-in-area")
    now = timezone.now()
    user = User(
        username=username,
        council=council,
        contractor=contractor,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
        is_active=confirmed,
        confirmed_at=now if confirmed else None,
    )
    chosen = password if password is not None else _generated_password(user)
    try:
        validate_password(chosen, user)
    except DjangoValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="weak-password") from None
    user.set_password(chosen)
    user.save()
    waiting = set(pending_roles)
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(
                user=user,
                role=role,
                granted_by=added_by,
                granted_at=now,
                confirmed_at=now if confirmed and role.value not in waiting else None,
            )
            for role in dict.fromkeys(parsed_roles)
        ]
    )
    target = area or home_area
    if target is not None:
        AreaMembership.objects.create(area=target, user=user, added_by=added_by)
    return user, chosen


@transaction.atomic
def contractor_create(
    *, name: str, works_for: Council, companies_house_number: str = ""
) -> Contractor:
    """Record a contractor working for a council; raises ``InvalidInput`` on a bad or taken name."""
    name = name.strip()
    if not name:
        raise InvalidInput("Give the contractor's name", code="contractor-name-required")
    if Contractor.objects.filter(name__iexact=name).exists():
        raise InvalidInput(
            f"There is already a contractor called {name!r}", code="contractor-exists"
        )
    number = companies_house_number.strip().upper()
    if number and not re.fullmatch(r"[A-Z0-9]{8}", number):
        raise InvalidInput(
            "A Companies House number has 8 letters or digits",
            code="companies-house-number-invalid",
        )
    return Contractor.objects.create(name=name, works_for=works_for, companies_house_number=number)

"""Pages: my areas, an area's dashboard, a council (adding people: ``lgrshare.people``)."""

from __future__ import annotations

from itertools import groupby

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lgrshare.accounts.auth import person
from lgrshare.councils import services
from lgrshare.councils.models import Area, User
from lgrshare.councils.permissions import area_permissions
from lgrshare.domain.policy import perms_for


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    areas = Area.objects.visible_to(person(request)).select_related("county")
    return render(request, "councils/home.html", {"areas": areas})


def _people_by_council(area: Area) -> list[tuple[str, list[User]]]:
    people = (
        User.objects.filter(area_memberships__area=area)
        .filter(Q(is_active=True) | Q(confirmed_at__isnull=True))
        .select_related("council", "contractor")
        .prefetch_related("role_grants")
        .order_by("council__name", "contractor__name", "last_name", "first_name")
    )
    return [(org, list(group)) for org, group in groupby(people, key=lambda p: p.organisation_name)]


@require_safe
def area_dashboard(request: HttpRequest, county_gss: str) -> HttpResponse:
    area = services.area_get_for_user(county_gss=county_gss, user=person(request))
    councils = list(area.councils())
    context = {
        "area": area,
        "councils": councils,
        "district_population": sum(c.population_mid2024 for c in councils if c.county_id),
        "people_by_organisation": _people_by_council(area),
        # Every button of the page, as the policy answers for this person.
        "perms_for": perms_for(area=area_permissions(user=person(request), area=area)),
    }
    return render(request, "councils/area.html", context)


@require_safe
def council_detail(request: HttpRequest, gss_code: str) -> HttpResponse:
    council = services.council_get_for_user(gss_code=gss_code, user=person(request))
    people = (
        council.people.filter(Q(is_active=True) | Q(confirmed_at__isnull=True))
        .prefetch_related("role_grants")
        .order_by("last_name", "first_name")
    )
    return render(
        request,
        "councils/council.html",
        {"council": council, "area": services.area_for_council(council), "people": people},
    )

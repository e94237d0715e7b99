"""Pages: my areas, an area's dashboard, a council, adding a person to an area."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lgrshare.councils import services
from lgrshare.councils.forms import PersonAddForm
from lgrshare.councils.models import Area, User
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.policy.audit_reading import AuditAction, decide_audit
from lgrshare.web.auth import person


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    areas = Area.objects.visible_to(person(request)).select_related("county")
    return render(request, "councils/home.html", {"areas": areas})


def _people_by_council(area: Area) -> list[tuple[str, list[User]]]:
    people = (
        User.objects.filter(area_memberships__area=area, is_active=True)
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
        "is_admin": services.is_area_admin(area=area, user=person(request)),
        "can_read_trail": decide_audit(
            roles=frozenset(person(request).role_codes),
            areas=frozenset({area.county_id}),  # area_get_for_user found them in it
            action=AuditAction.READ_AREA_TRAIL,
            area=area.county_id,
        ).allowed,
    }
    return render(request, "councils/area.html", context)


@require_safe
def council_detail(request: HttpRequest, gss_code: str) -> HttpResponse:
    council = services.council_get_for_user(gss_code=gss_code, user=person(request))
    people = (
        council.people.filter(is_active=True)
        .prefetch_related("role_grants")
        .order_by("last_name", "first_name")
    )
    return render(
        request,
        "councils/council.html",
        {"council": council, "area": services.area_for_council(council), "people": people},
    )


@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest, county_gss: str) -> HttpResponse:
    area = services.area_get_for_user(county_gss=county_gss, user=person(request))
    services.require_area_admin(area=area, user=person(request))
    form = PersonAddForm(request.POST or None, area=area)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            newcomer, password = services.area_person_add(
                area=area,
                admin=person(request),
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                job_title=data["job_title"],
                roles=data["roles"],
                **form.organisation_kwargs(),
            )
        except InvalidInput as exc:
            field = {"username": "username", "email": "email"}.get(exc.code.split("-")[0])
            form.add_error(field, exc.message)
        else:
            # The password is shown once on the next page; a reload cannot add them twice.
            request.session[_ADDED] = {"person": newcomer.pk, "password": password}
            return redirect("person-added", county_gss=area.gss_code)
    return render(request, "councils/person_add.html", {"area": area, "form": form})


_ADDED = "lgrshare.person-added"


@require_safe
def person_added(request: HttpRequest, county_gss: str) -> HttpResponse:
    area = services.area_get_for_user(county_gss=county_gss, user=person(request))
    added = request.session.pop(_ADDED, None)
    if added is None:
        return redirect("area", county_gss=area.gss_code)
    newcomer = User.objects.get(pk=added["person"])
    return render(
        request,
        "councils/person_added.html",
        {"area": area, "person": newcomer, "password": added["password"]},
    )

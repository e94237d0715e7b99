"""Pages: add or invite a person, a person's roles (grant, remove, confirm), confirm and
deactivate a person, add a contractor organisation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lgrshare.accounts.auth import person
from lgrshare.councils.forms import PersonAddForm
from lgrshare.councils.models import Area, Role, User
from lgrshare.councils.permissions import (
    council_target,
    grant_permissions,
    grantable_roles,
    person_permissions,
)
from lgrshare.councils.services import area_for_council, area_get_for_user
from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.domain.policy import AccessDenied, perms_for
from lgrshare.domain.policy.people import PeopleAction
from lgrshare.people import services
from lgrshare.people.forms import ContractorAddForm, RoleGrantForm

_ADDED = "lgrshare.person-added"


@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest, county_gss: str) -> HttpResponse:
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    services.people_require(
        user=user,
        action=PeopleAction.ADD_PERSON,
        target=council_target(area.county),
        target_id=area.gss_code,
    )
    form = PersonAddForm(request.POST or None, area=area)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        council, contractor = form.chosen_organisation()
        try:
            newcomer, password = services.person_add(
                admin=user,
                area=area,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                job_title=data["job_title"],
                roles=data["roles"],
                council=council,
                contractor=contractor,
            )
        except (InvalidInput, AccessDenied) as exc:
            field = {"username": "username", "email": "email"}.get(exc.code.split("-")[0])
            form.add_error(field, exc.message)
        else:
            # The password is shown once on the next page; a reload cannot add them twice.
            request.session[_ADDED] = {"person": newcomer.pk, "password": password}
            return redirect("person-added", county_gss=area.gss_code)
    context = {"area": area, "form": form, "own_council": user.council}
    return render(request, "people/person_add.html", context)


@require_safe
def person_added(request: HttpRequest, county_gss: str) -> HttpResponse:
    area = area_get_for_user(county_gss=county_gss, user=person(request))
    added = request.session.pop(_ADDED, None)
    if added is None:
        return redirect("area", county_gss=area.gss_code)
    newcomer = User.objects.get(pk=added["person"])
    return render(
        request,
        "people/person_added.html",
        {"area": area, "person": newcomer, "password": added["password"]},
    )


def _person_for(user: User, pk: int) -> tuple[User, Area]:
    """A person in one of ``user``'s areas; ``NotFound`` for unknown or not visible alike."""
    found = (
        User.objects.filter(pk=pk, area_memberships__area__memberships__user=user)
        .select_related("council", "contractor__works_for")
        .prefetch_related("role_grants__granted_by")
        .first()
    )
    area = area_for_council(found.council or found.contractor.works_for) if found else None  # type: ignore[union-attr]
    if found is None or area is None:
        raise NotFound("There is no such person that you can see", code="person-not-found")
    return found, area


@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    someone, area = _person_for(user, pk)
    grants = [
        {
            "grant": grant,
            "perms": perms_for(grant=grant_permissions(user=user, someone=someone, grant=grant))[
                "grant"
            ],
        }
        for grant in someone.role_grants.all()
    ]
    grantable = grantable_roles(user=user, someone=someone)
    usable = someone.is_active or someone.is_pending
    context = {
        "area": area,
        "someone": someone,
        "grants": grants,
        "grant_form": RoleGrantForm(choices=grantable) if grantable and usable else None,
        # Every form of the page, as the policy answers for this person.
        "perms_for": perms_for(person=person_permissions(user=user, someone=someone)),
    }
    return render(request, "people/person.html", context)


_PERSON_ACTIONS = {
    "grant": PeopleAction.GRANT_ROLE,
    "remove": PeopleAction.REMOVE_ROLE,
    "confirm-role": PeopleAction.CONFIRM_ROLE,
    "confirm": PeopleAction.CONFIRM_PERSON,
    "deactivate": PeopleAction.DEACTIVATE_PERSON,
}


@require_POST
def person_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = person(request)
    someone, _ = _person_for(user, pk)
    # The policy first, whatever was sent: someone who may not act on this person is refused
    # (403) before an unknown action or role is answered (400).
    services.person_require(user=user, person=someone, action=_PERSON_ACTIONS.get(action))
    role = request.POST.get("role", "")
    if action == "grant":
        grant = services.role_grant(admin=user, person=someone, role=role)
        waits = " It waits for confirmation." if grant.confirmed_at is None else ""
        messages.success(request, f"Granted the role {grant.get_role_display()}.{waits}")
    elif action == "remove":
        services.role_remove(admin=user, person=someone, role=role)
        messages.success(request, f"Removed the role {Role(role).label}.")
    elif action == "confirm-role":
        grant = services.role_confirm(confirmer=user, person=someone, role=role)
        messages.success(request, f"Confirmed the role {grant.get_role_display()}.")
    elif action == "confirm":
        services.person_confirm(confirmer=user, person=someone)
        messages.success(request, "Confirmed: they can now sign in and act.")
    elif action == "deactivate":
        services.person_deactivate(admin=user, person=someone)
        messages.success(request, "Deactivated: they can no longer sign in.")
    else:
        raise InvalidInput(f"Unknown action {action!r}", code="unknown-action")
    return redirect("person", pk=someone.pk)


@require_http_methods(["GET", "POST"])
def contractor_add(request: HttpRequest, county_gss: str) -> HttpResponse:
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    own = user.council
    services.people_require(
        user=user,
        action=PeopleAction.ADD_CONTRACTOR,
        target=council_target(own or area.county),
        target_id=area.gss_code,
    )
    assert own is not None, "the policy refuses contractor staff"
    form = ContractorAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.contractor_add(
                admin=user,
                area=area,
                name=form.cleaned_data["name"],
                works_for=own,
                companies_house_number=form.cleaned_data["companies_house_number"],
            )
        except InvalidInput as exc:
            field = "companies_house_number" if exc.code.startswith("companies") else "name"
            form.add_error(field, exc.message)
        else:
            messages.success(request, f"{added.name} is added, working for {own.name}.")
            return redirect("contractors", county_gss=area.gss_code)
    context = {"area": area, "form": form, "own_council": own}
    return render(request, "people/contractor_add.html", context)

"""Pages for data protection officers (and IT security): the audit trail of a target, of a
person, and of a whole area, narrowed by person, target and event."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lgrshare.accounts.auth import person
from lgrshare.audit import services
from lgrshare.audit.forms import TrailFilterForm
from lgrshare.audit.models import AuditEntry, AuditEntryQuerySet
from lgrshare.councils.services import area_get_for_user

PAGE_ENTRIES = 100


def _page(request: HttpRequest, entries: AuditEntryQuerySet) -> Page[AuditEntry]:
    return Paginator(entries, PAGE_ENTRIES).get_page(request.GET.get("page"))


@require_safe
def target_trail(request: HttpRequest, target_type: str, target_id: str) -> HttpResponse:
    entries = services.audit_trail_for_target(
        viewer=person(request), target_type=target_type, target_id=target_id
    )
    context = {
        "heading": f"{target_type} {target_id}",
        "caption": "Audit trail of",
        "page": _page(request, entries),
    }
    return render(request, "audit/trail.html", context)


@require_safe
def person_trail(request: HttpRequest, username: str) -> HttpResponse:
    subject, entries = services.audit_trail_for_person(viewer=person(request), username=username)
    context = {
        "heading": subject.get_full_name() or subject.username,
        "caption": f"What {subject.username} ({subject.organisation_name}) did",
        "page": _page(request, entries),
    }
    return render(request, "audit/trail.html", context)


@require_safe
def area_trail(request: HttpRequest, county_gss: str) -> HttpResponse:
    viewer = person(request)
    area = area_get_for_user(county_gss=county_gss, user=viewer)
    form = TrailFilterForm(request.GET)
    narrow = services.TrailFilter()
    if form.is_valid():
        data = form.cleaned_data
        narrow = services.TrailFilter(
            actor=data["person"].strip(),
            target_type=data["target_type"],
            target_id=data["target_id"].strip(),
            event=data["event"],
        )
    entries = services.audit_trail_for_area(viewer=viewer, area=area, narrow=narrow)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "area": area,
        "form": form,
        "page": _page(request, entries),
        "query": query.urlencode(),
        "narrowed": narrow != services.TrailFilter(),
    }
    return render(request, "audit/area_trail.html", context, status=400 if form.errors else 200)

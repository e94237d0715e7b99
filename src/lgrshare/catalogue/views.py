"""Catalogue pages: search, recording held data, importing published figures (a dataset's
page and downloads are the read path's: ``datasets.views``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lgrshare import access
from lgrshare.accounts.auth import person
from lgrshare.catalogue import services
from lgrshare.catalogue.forms import HeldForm, ImportForm, SearchForm
from lgrshare.catalogue.imports import ImportInvalid, metrics_import
from lgrshare.councils.models import Area
from lgrshare.councils.services import area_get_for_user
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.policy.catalogue import CatalogueAction


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    areas = list(Area.objects.visible_to(person(request)))
    form = SearchForm(request.GET or None, areas=areas)
    filters, text = services.SearchFilters(), ""
    if form.is_valid():
        data = form.cleaned_data
        text = data["q"]
        filters = services.SearchFilters(
            geography_level=data["geography_level"],
            council=data["council"],
            access=data["access"],
            standard=data["standard"],
        )
    results = services.dataset_search(user=person(request), text=text, filters=filters)
    return render(
        request,
        "catalogue/search.html",
        {"form": form, "results": results[:100], "text": text, "areas": areas},
    )


@require_http_methods(["GET", "POST"])
def held_new(request: HttpRequest, county_gss: str) -> HttpResponse:
    area = area_get_for_user(county_gss=county_gss, user=person(request))
    access.require_catalogue(
        user=person(request), action=CatalogueAction.RECORD_HOLDING, area=area.county_id
    )
    form = HeldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = services.dataset_held_create(user=person(request), area=area, **form.cleaned_data)
        return redirect("dataset", slug=created.slug)
    return render(request, "catalogue/held_new.html", {"form": form, "area": area})


@require_http_methods(["GET", "POST"])
def metrics_import_page(request: HttpRequest, county_gss: str) -> HttpResponse:
    area = area_get_for_user(county_gss=county_gss, user=person(request))
    access.require_catalogue(
        user=person(request), action=CatalogueAction.IMPORT_METRICS, area=area.county_id
    )
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = {k: v for k, v in form.cleaned_data.items() if k != "file"}
        try:
            result = metrics_import(
                content=upload.read(),
                file_name=upload.name,
                area=area,
                user=person(request),
                **data,
            )
        except ImportInvalid as exc:
            report = exc.report
            form.add_error("file", exc.message)
        except InvalidInput as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("dataset", slug=result.dataset.slug)
    context = {"form": form, "area": area, "report": report}
    return render(request, "catalogue/import.html", context, status=400 if form.errors else 200)

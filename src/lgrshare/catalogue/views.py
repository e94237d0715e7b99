"""Catalogue pages: search, a dataset with its table, CSV download, recording held data."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lgrshare import access
from lgrshare.accounts.auth import person
from lgrshare.audit.services import may_read_trail
from lgrshare.catalogue import services
from lgrshare.catalogue.forms import HeldForm, ImportForm, SearchForm
from lgrshare.catalogue.imports import ImportInvalid, metrics_import
from lgrshare.catalogue.models import Kind
from lgrshare.councils.models import Area
from lgrshare.councils.services import area_get_for_user
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.exports import neutralise_frame
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


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


@require_safe
def dataset(request: HttpRequest, slug: str) -> HttpResponse:
    found = services.dataset_get_for_user(slug=slug, user=person(request))
    user: Any = person(request)
    area = found.area.county_id if found.area_id else None  # type: ignore[union-attr]
    context: dict[str, object] = {
        "dataset": found,
        "perms_for": access.perms_for(
            dataset={"read-trail": may_read_trail(viewer=user, area=area)}
        ),
    }
    if found.kind == Kind.REGISTER:  # nothing to show but the entry
        decision = access.check(user=user, action=access.Action.VIEW_DATA, dataset=found)
    else:
        decision = access.view(user=user, dataset=found)
    context["data_reason"] = decision.reason
    if found.kind == Kind.SUBMISSION:
        from lgrshare.submissions.services import latest_accepted

        context["shown_submission"] = latest_accepted(found)
    if decision.allowed and found.kind != Kind.REGISTER:
        frame = services.dataset_frame(dataset=found, decision=decision)
        pages = max(1, -(-frame.height // services.PAGE_ROWS))
        page = min(_page_number(request.GET.get("page")), pages)
        start = (page - 1) * services.PAGE_ROWS
        context.update(
            columns=frame.columns,
            rows=frame.slice(start, services.PAGE_ROWS).rows(),
            total_rows=frame.height,
            page=page,
            pages=pages,
            first_row=start + 1,
            last_row=min(start + services.PAGE_ROWS, frame.height),
        )
    return render(request, "catalogue/dataset.html", context)


@require_safe
def dataset_download(request: HttpRequest, slug: str) -> HttpResponse:
    found = services.dataset_get_for_user(slug=slug, user=person(request))
    if found.kind == Kind.SUBMISSION:
        # Shared data is downloaded with its context: the latest accepted submission's zip.
        from lgrshare.submissions.services import latest_accepted

        accepted = latest_accepted(found)
        if accepted is not None:
            return redirect("submission-download", pk=accepted.pk, fmt="zip")
    decision = access.require(user=person(request), action=access.Action.DOWNLOAD, dataset=found)
    buffer = io.BytesIO()
    neutralise_frame(services.dataset_frame(dataset=found, decision=decision)).write_csv(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.slug}.csv"'
    return response


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

"""Pages for the agreed data standards: list, detail, schema JSON and templates to download."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from lgrshare import access
from lgrshare.accounts.auth import person
from lgrshare.councils.models import Area
from lgrshare.councils.services import area_get_for_user
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.policy.standards import StandardAction
from lgrshare.domain.standards.model import StandardInvalid
from lgrshare.domain.standards.templates import (
    constraint_summary,
    template_bytes,
    template_filename,
)
from lgrshare.standards import drafts
from lgrshare.standards.forms import DraftForm
from lgrshare.standards.services import (
    area_standard_list,
    area_standard_versions,
    standard_get,
    standard_list,
)

_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_safe
def standards(request: HttpRequest) -> HttpResponse:
    areas = list(Area.objects.visible_to(person(request))) if request.user.is_authenticated else []
    own = [
        (
            area,
            area_standard_list(area),
            access.may_on_standards(
                user=person(request), action=StandardAction.DRAFT, area=area.county_id
            ),
        )
        for area in areas
    ]
    return render(request, "standards/list.html", {"standards": standard_list(), "own": own})


@require_safe
def standard_detail(request: HttpRequest, name: str) -> HttpResponse:
    standard = standard_get(name=name)
    # Each field with its rules in words; a pattern described, not its regular expression.
    fields = [
        (spec, constraint_summary(spec, required=False, pattern_in_words=True))
        for spec in standard.fields
    ]
    context = {"standard": standard, "fields": fields, "versions": area_standard_versions(name)}
    return render(request, "standards/detail.html", context)


@require_http_methods(["GET", "POST"])
def standard_new(request: HttpRequest, county_gss: str) -> HttpResponse:
    """Draft one of the area's own standards: from an example file, a schema, or a copy."""
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    access.require_standards(user=user, action=StandardAction.DRAFT, area=area.county_id)
    form = DraftForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        try:
            saved = drafts.area_standard_draft(
                user=user,
                area=area,
                name=data["name"],
                title=data["title"],
                description=data.get("description") or "",
                source=data["source"],
                content=upload.read() if upload else b"",
                copy_from=data.get("copy_from") or "",
            )
        except (StandardInvalid, InvalidInput) as exc:
            where = "name" if exc.code == "standard-name-taken" else "file"
            if data["source"] == "copy" and where == "file":
                where = "copy_from"
            form.add_error(where, exc.message)
        else:
            return redirect("standard", name=saved.name)
    status = 400 if form.errors else 200
    return render(request, "standards/new.html", {"form": form, "area": area}, status=status)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def standard_schema(request: HttpRequest, name: str) -> HttpResponse:
    standard = standard_get(name=name)
    content = json.dumps(standard.to_json(), indent=2, ensure_ascii=False).encode()
    return _attachment(content, "application/json", f"{standard.name}.json")


@require_safe
def standard_template(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    standard = standard_get(name=name)
    content = template_bytes(standard, fmt=fmt)  # type: ignore[arg-type]
    return _attachment(content, _CONTENT_TYPES[fmt], template_filename(standard, fmt=fmt))  # type: ignore[arg-type]

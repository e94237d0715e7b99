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
from lgrshare.domain.standards.drafting import FieldProblem, FieldRow, fields_from_rows
from lgrshare.domain.standards.model import (
    FIELD_TYPES,
    MAX_FIELDS,
    FieldSpec,
    StandardInvalid,
    StandardNotFound,
)
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
    versions = area_standard_versions(name)
    may_edit = bool(versions) and access.may_on_standards(
        user=person(request), action=StandardAction.DRAFT, area=versions[0].area.county_id
    )
    context = {"standard": standard, "fields": fields, "versions": versions, "may_edit": may_edit}
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
            # A proposal is checked field by field; a copy or a schema is what was given.
            if saved.proposed or data["source"] == "schema":
                return redirect("standard-fields", name=saved.name)
            return redirect("standard", name=saved.name)
    status = 400 if form.errors else 200
    return render(request, "standards/new.html", {"form": form, "area": area}, status=status)


@require_http_methods(["GET", "POST"])
def standard_fields(request: HttpRequest, name: str) -> HttpResponse:
    """Confirm or change each field of the newest version of an area standard: name, title,
    type, required, code list, pattern and meaning; saving makes a new version. Every problem
    is shown at once, in one error summary, and nothing is saved until there is none."""
    user = person(request)
    versions = area_standard_versions(name)
    if not versions:
        raise StandardNotFound(f"There is no area standard called {name!r}")
    latest = versions[0]
    access.require_standards(user=user, action=StandardAction.DRAFT, area=latest.area.county_id)
    standard = standard_get(name=name, version=latest.version)
    problems: list[FieldProblem] = []
    if request.method == "POST":
        rows = _posted_rows(request)
        fields, problems = fields_from_rows(rows, standard)
        if not problems:
            try:
                drafts.area_standard_fields(
                    user=user,
                    name=name,
                    fields=fields,
                    based_on=str(request.POST.get("based_on", "")),
                )
            except (StandardInvalid, InvalidInput) as exc:
                problems = [FieldProblem(0, "name", exc.code, exc.message)]
            else:
                return redirect("standard", name=name)
    else:
        rows = [_row_of(spec) for spec in standard.fields]
    context = {
        "standard": standard,
        "area_standard": latest,
        "rows": _shown_rows(rows, problems),
        "problems": problems,
        "types": FIELD_TYPES,
    }
    return render(request, "standards/fields.html", context, status=400 if problems else 200)


def _row_of(spec: FieldSpec) -> FieldRow:
    enum = spec.constraints.get("enum") or []
    return FieldRow(
        name=spec.name,
        title=spec.title,
        type=spec.type,
        required=spec.required,
        codes="\n".join(str(code) for code in enum),
        pattern=str(spec.constraints.get("pattern") or ""),
        description=spec.description,
        original=spec.name,
    )


def _posted_rows(request: HttpRequest) -> list[FieldRow]:
    """The rows posted: each kept unless ticked for removal; the blank row for a new field is
    left out while nothing is written in it."""
    try:
        count = min(int(request.POST.get("field-count", "0")), MAX_FIELDS + 1)
    except ValueError:
        count = 0
    rows = []
    for n in range(count):
        value = {
            part: str(request.POST.get(f"field-{n}-{part}", ""))
            for part in ("name", "title", "type", "codes", "pattern", "description", "original")
        }
        if request.POST.get(f"field-{n}-remove"):
            continue
        if not value["original"] and not any(
            value[part].strip() for part in ("name", "title", "codes", "pattern", "description")
        ):
            continue
        rows.append(FieldRow(required=bool(request.POST.get(f"field-{n}-required")), **value))
    return rows


def _shown_rows(rows: list[FieldRow], problems: list[FieldProblem]) -> list[dict[str, object]]:
    """Each row with its errors by part, then a blank row to add a field."""
    shown: list[dict[str, object]] = []
    for n, row in enumerate([*rows, FieldRow(name="")]):
        errors = {p.part: p.message for p in problems if p.row == n and n < len(rows)}
        shown.append({"n": n, "row": row, "errors": errors, "new": n == len(rows)})
    return shown


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

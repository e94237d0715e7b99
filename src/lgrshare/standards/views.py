"""Pages for the agreed data standards: list, detail, schema JSON and templates to download."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lgrshare.domain.standards.templates import (
    constraint_summary,
    template_bytes,
    template_filename,
)
from lgrshare.standards.services import standard_get, standard_list

_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_safe
def standards(request: HttpRequest) -> HttpResponse:
    return render(request, "standards/list.html", {"standards": standard_list()})


@require_safe
def standard_detail(request: HttpRequest, name: str) -> HttpResponse:
    standard = standard_get(name=name)
    # Each field with its rules in words; a pattern described, not its regular expression.
    fields = [
        (spec, constraint_summary(spec, required=False, pattern_in_words=True))
        for spec in standard.fields
    ]
    return render(request, "standards/detail.html", {"standard": standard, "fields": fields})


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

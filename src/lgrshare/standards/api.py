"""API endpoints for the agreed data standards (Frictionless Table Schema plus LGR metadata)."""

from __future__ import annotations

import json
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from lgrshare.accounts.auth import person
from lgrshare.councils.models import Area
from lgrshare.councils.services import area_get_for_user
from lgrshare.standards import drafts
from lgrshare.standards.services import area_standard_list, standard_get, standard_list

router = Router(tags=["data standards"])


class StandardSummaryOut(Schema):
    name: str
    title: str
    description: str
    version: str
    geography_level: str
    personal_data: str
    sensitivity: str
    fields: int
    # "built-in", or an area standard's "draft" or "agreed" (the version in use), and its area.
    state: str = "built-in"
    area_gss: str = ""


class ErrorOut(Schema):
    code: str
    message: str


@router.get(
    "/standards",
    response=list[StandardSummaryOut],
    summary="The data standards: the built-in ones, then your areas' own",
)
def standards_list(request: HttpRequest) -> list[dict[str, Any]]:
    listed = [(s, "built-in", "") for s in standard_list()]
    for area in Area.objects.visible_to(person(request)):
        for version in area_standard_list(area):
            standard = standard_get(name=version.name, version=version.version)
            listed.append((standard, version.state, str(area.county_id)))
    return [
        {
            "name": s.name,
            "title": s.title,
            "description": s.description,
            "version": s.version,
            "geography_level": s.geography_level,
            "personal_data": s.personal_data,
            "sensitivity": s.sensitivity,
            "fields": len(s.fields),
            "state": state,
            "area_gss": area_gss,
        }
        for s, state, area_gss in listed
    ]


@router.get(
    "/standards/{name}",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="One standard: its Table Schema and metadata",
)
def standard_detail(request: HttpRequest, name: str, version: str = "") -> dict[str, Any]:
    """``version`` (optional): an area standard's version, as an agreement names it; by
    default the version in use."""
    return standard_get(name=name, version=version).to_json()


class DraftIn(Schema):
    """A draft of one of the area's own standards: from a Table Schema or standard (``schema``)
    or as a copy of another standard (``copy_from``). Drafting from an example file is in the
    page, which takes the upload."""

    name: str
    title: str
    description: str = ""
    source: Literal["schema", "copy"]
    definition: dict[str, Any] | None = None
    copy_from: str = ""


class DraftOut(Schema):
    name: str
    version: str
    state: str
    standard: dict[str, Any]


@router.post(
    "/areas/{county_gss}/standards",
    response={201: DraftOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Draft one of the area's own standards (a new version when the name exists)",
)
def standards_draft(request: HttpRequest, county_gss: str, payload: DraftIn) -> Status[Any]:
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    saved = drafts.area_standard_draft(
        user=user,
        area=area,
        name=payload.name,
        title=payload.title,
        description=payload.description,
        source=payload.source,
        content=json.dumps(payload.definition or {}).encode(),
        copy_from=payload.copy_from,
    )
    return Status(
        201,
        {
            "name": saved.name,
            "version": saved.version,
            "state": saved.state,
            "standard": saved.definition,
        },
    )

"""API endpoints for the agreed data standards (Frictionless Table Schema plus LGR metadata)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from lgrshare.standards.services import standard_get, standard_list

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


class ErrorOut(Schema):
    code: str
    message: str


@router.get("/standards", response=list[StandardSummaryOut], summary="The agreed data standards")
def standards_list(request: HttpRequest) -> list[dict[str, Any]]:
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
        }
        for s in standard_list()
    ]


@router.get(
    "/standards/{name}",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="One standard: its Table Schema and metadata",
)
def standard_detail(request: HttpRequest, name: str) -> dict[str, Any]:
    return standard_get(name=name).to_json()

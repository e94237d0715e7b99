"""API: search the catalogue, read a dataset's metadata, and page through public data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from lgrshare.accounts.auth import person
from lgrshare.catalogue import services
from lgrshare.catalogue.models import Dataset

router = Router(tags=["catalogue"])


class DatasetOut(Schema):
    slug: str
    title: str
    description: str
    publisher_name: str
    publisher_gss: str | None
    source: str
    licence: str
    vintage: str
    geography_level: str
    standard_name: str
    access: str
    area_gss: str | None
    contact: str
    fields: list[dict[str, Any]]

    @staticmethod
    def resolve_publisher_gss(obj: Dataset) -> str | None:
        return obj.publisher_id

    @staticmethod
    def resolve_area_gss(obj: Dataset) -> str | None:
        return obj.area.county_id if obj.area else None


class SearchParams(Schema):
    q: str = ""
    geography_level: str = ""
    access: str = ""
    standard: str = ""
    council: str = ""


class ErrorOut(Schema):
    code: str
    message: str


@router.get("/catalogue", response=list[DatasetOut], summary="Search the catalogue")
def catalogue_search(request: HttpRequest, params: Query[SearchParams]) -> list[Dataset]:
    filters = services.SearchFilters(
        geography_level=params.geography_level,
        access=params.access,
        standard=params.standard,
        council=params.council,
    )
    return list(
        services.dataset_search(user=person(request), text=params.q[:200], filters=filters)[:100]
    )


@router.get("/catalogue/{slug}", response={200: DatasetOut, 404: ErrorOut}, summary="One dataset")
def dataset_detail(request: HttpRequest, slug: str) -> Dataset:
    return services.dataset_get_for_user(slug=slug, user=person(request))

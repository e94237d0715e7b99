"""API: a dataset's rows (filtered, paged), downloads with their context, compiled standards."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from lgrshare.accounts.auth import person
from lgrshare.agreements.services import agreement_get_for_user
from lgrshare.catalogue.services import dataset_get_for_user
from lgrshare.datasets import compile as compiling
from lgrshare.datasets.bundle import CONTENT_TYPES, Export, check_format, export
from lgrshare.datasets.downloads import dataset_download, submission_download
from lgrshare.datasets.read import Page, Rows, dataset_rows, page_of
from lgrshare.domain.row_filters import RowFilter
from lgrshare.submissions.services import submission_get_for_user

router = Router(tags=["datasets"])

_BINARY = {"schema": {"type": "string", "format": "binary"}}
# A download's 200 is a file, not JSON: documented so that a client (and the fuzzer) knows it.
DOWNLOAD = {
    "responses": {
        200: {
            "description": "The file, with its context (caveats, schema, report)",
            "content": {
                content_type.split(";")[0]: _BINARY for content_type in CONTENT_TYPES.values()
            },
        }
    }
}


class ErrorOut(Schema):
    code: str
    message: str


class RowsParams(Schema):
    offset: int = 0
    limit: int = 100
    fields: str = ""
    district: str = ""
    county: str = ""
    period: str = ""


class RowsOut(Schema):
    columns: list[str]
    rows: list[list[Any]]
    total: int
    total_rows: int
    offset: int
    limit: int
    next: str | None


class CompiledOut(RowsOut):
    coverage: dict[str, Any]
    caveats: list[dict[str, Any]]
    disclosure: dict[str, Any] | None


def _page(request: HttpRequest, page: Page) -> dict[str, Any]:
    following = None
    if page.next_offset is not None:
        query = {k: v for k, v in request.GET.items() if k not in ("offset", "limit")}
        query.update(offset=str(page.next_offset), limit=str(page.limit))
        following = request.build_absolute_uri(f"{request.path}?{urlencode(query)}")
    return {
        "columns": page.columns,
        "rows": page.rows,
        "total": page.total,
        "total_rows": page.total,
        "offset": page.offset,
        "limit": page.limit,
        "next": following,
    }


def _attachment(made: Export) -> HttpResponse:
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.file_name}"'
    return response


@router.get(
    "/catalogue/{slug}/rows",
    response={200: RowsOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Rows of a dataset you may see, filtered and paged",
)
def dataset_rows_api(request: HttpRequest, slug: str, params: Query[RowsParams]) -> dict[str, Any]:
    """``fields``: the columns wanted, separated by commas (default: every column you may see);
    asking for one you may not see is refused (``fields-not-agreed``). ``district`` (E06-E09)
    and ``county`` (E10) keep the rows whose place lies there; ``period`` the rows of one
    period. At most 1,000 rows a page: ``total`` counts them all and ``next`` is the address
    of the following page (null on the last)."""
    user = person(request)
    found = dataset_get_for_user(slug=slug, user=user)
    where = RowFilter(district=params.district, county=params.county, period=params.period)
    rows: Rows = dataset_rows(
        user=user,
        dataset=found,
        fields=params.fields.split(",") if params.fields else (),
        where=where,
    )
    return _page(request, page_of(rows.frame, offset=params.offset, limit=params.limit))


@router.get(
    "/catalogue/{slug}/download.{fmt}",
    response={400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Download a dataset with its context (csv, xlsx or zip)",
    openapi_extra=DOWNLOAD,
)
def dataset_download_api(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    user = person(request)
    found = dataset_get_for_user(slug=slug, user=user)
    return _attachment(dataset_download(user=user, dataset=found, fmt=fmt))


@router.get(
    "/submissions/{submission_id}/download.{fmt}",
    response={400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Download an accepted submission with its context (csv, xlsx or zip)",
    openapi_extra=DOWNLOAD,
)
def submissions_download(request: HttpRequest, submission_id: int, fmt: str) -> HttpResponse:
    user = person(request)
    found = submission_get_for_user(pk=submission_id, user=user)
    return _attachment(submission_download(user=user, submission=found, fmt=fmt))


@router.get(
    "/agreements/{agreement_id}/compile/{standard}",
    response={200: CompiledOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Every council's accepted submissions of a standard, compiled, with coverage",
)
def compiled_api(
    request: HttpRequest, agreement_id: int, standard: str, offset: int = 0, limit: int = 100
) -> dict[str, Any]:
    """For a person-derived standard the rows are counts by geography, suppressed and rounded
    (``disclosure`` says what was withheld and why)."""
    user = person(request)
    agreement = agreement_get_for_user(pk=agreement_id, user=user)
    result = compiling.compile_standard(user=user, agreement=agreement, standard_name=standard)
    return {
        **_page(request, page_of(result.frame, offset=offset, limit=limit)),
        "coverage": result.coverage.to_json(),
        "caveats": result.caveats,
        "disclosure": result.disclosure.to_json() if result.disclosure else None,
    }


@router.get(
    "/agreements/{agreement_id}/compile/{standard}/download.{fmt}",
    response={400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Download a compiled standard with its coverage and caveats",
    openapi_extra=DOWNLOAD,
)
def compiled_download_api(
    request: HttpRequest, agreement_id: int, standard: str, fmt: str
) -> HttpResponse:
    user = person(request)
    check_format(fmt)
    agreement = agreement_get_for_user(pk=agreement_id, user=user)
    result = compiling.compile_standard(user=user, agreement=agreement, standard_name=standard)
    return _attachment(export(compiling.compiled_bundle(result), fmt=fmt))

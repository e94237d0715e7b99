"""API: a dataset's rows (filtered, paged), downloads with their context, compiled standards."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from lgrshare.accounts.auth import person
from lgrshare.agreements.services import agreement_get_for_user
from lgrshare.catalogue.models import Kind
from lgrshare.catalogue.services import dataset_get_for_user
from lgrshare.datasets import compile as compiling
from lgrshare.datasets.bundle import CONTENT_TYPES, Export, check_format, export
from lgrshare.datasets.downloads import dataset_download, submission_download
from lgrshare.datasets.read import Page, Rows, dataset_rows, page_of
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.paging import MAX_LIMIT, paging_parse
from lgrshare.domain.public_data import load_public_table
from lgrshare.domain.row_filters import RowFilter, filter_rows
from lgrshare.domain.standards.model import Standard
from lgrshare.submissions.services import agreed_standard, submission_get_for_user

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


# What a value of each parameter looks like, for the words of a refusal.
_EXAMPLES = {
    "district": "district=E07000209, a district or unitary council's code (E06-E09)",
    "county": "county=E10000030, a county's code (E10)",
    "period": "period=2023-24, a year or financial year as the data writes it",
    "fields": "fields=AssetCode,TenureType, column names separated by commas",
    "offset": "offset=100",
    "limit": "limit=100",
}


class ErrorOut(Schema):
    code: str
    message: str


class RowsParams(Schema):
    # Text, not int: bad paging is refused with its own code and the allowed range.
    offset: str = ""
    limit: str = ""
    fields: str = ""
    district: str = ""
    county: str = ""
    period: str = ""


class CompiledParams(Schema):
    offset: str = ""
    limit: str = ""
    district: str = ""
    county: str = ""
    period: str = ""


class FilterUnknown(InvalidInput):
    code = "filter-unknown"
    title = "The table cannot be filtered by that"


class QueryInvalid(InvalidInput):
    code = "filter-invalid"
    title = "A parameter is given twice or without a value"


class RowsOut(Schema):
    columns: list[str]
    rows: list[list[Any]]
    total: int
    total_rows: int
    offset: int
    limit: int
    next: str | None
    units: dict[str, str]


class CompiledOut(RowsOut):
    coverage: dict[str, Any]
    caveats: list[dict[str, Any]]
    disclosure: dict[str, Any] | None


def _known(request: HttpRequest, params: type[Schema]) -> None:
    """Refuse a query parameter the endpoint does not know (``filter-unknown``), one given
    more than once (``filter-repeated``) or given with no value (``filter-empty``): a filter
    that is ignored, or only one of two applied, answers rows as if it had been applied."""
    known = set(params.model_fields)
    unknown = sorted(k for k in request.GET if k not in known)
    if unknown:
        raise FilterUnknown(
            f"Unknown parameter {', '.join(unknown)}: this address takes {', '.join(sorted(known))}"
        )
    repeated = sorted(k for k in request.GET if len(request.GET.getlist(k)) > 1)
    if repeated:
        names = ", ".join(repeated)
        raise QueryInvalid(
            f"{names} may be given once: ask for one value at a time",
            code="filter-repeated",
        )
    empty = sorted(k for k in request.GET if not str(request.GET.get(k, "")).strip())
    if empty:
        names = ", ".join(empty)
        verb = "has" if len(empty) == 1 else "have"
        example = _EXAMPLES.get(empty[0], "see the documentation")
        raise QueryInvalid(
            f"{names} {verb} no value: give one (for example {example}) or leave it out",
            code="filter-empty",
        )


def _units(standard: Standard | None, columns: list[str]) -> dict[str, str]:
    """The unit of each column that has one (e.g. ``proportion``: a fraction from 0 to 1)."""
    if standard is None:
        return {}
    units = {f.name: f.unit for f in standard.fields if f.unit}
    return {c: units[c] for c in columns if c in units}


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
    response={200: RowsOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 410: ErrorOut},
    summary="Rows of a dataset you may see, filtered and paged",
)
def dataset_rows_api(request: HttpRequest, slug: str, params: Query[RowsParams]) -> dict[str, Any]:
    """``fields``: the columns wanted, separated by commas (default: every column you may see);
    asking for one you may not see is refused (``fields-not-agreed``). ``district`` (E06-E09)
    and ``county`` (E10) keep the rows whose place lies there; ``period`` the rows of one
    period; any other parameter is refused (``filter-unknown``). ``limit`` is 1 to 1,000 rows
    (default 100; else ``page-limit-invalid``), ``offset`` from 0 to the last row (else
    ``page-offset-invalid``): ``total`` counts every row and ``next`` is the address of the
    following page (null on the last). Numbers are as submitted; ``units`` names each
    column's unit (``proportion``: a fraction from 0 to 1)."""
    _known(request, RowsParams)
    paging = paging_parse(offset=params.offset, limit=params.limit, maximum=MAX_LIMIT)
    user = person(request)
    found = dataset_get_for_user(slug=slug, user=user)
    where = RowFilter(district=params.district, county=params.county, period=params.period)
    rows: Rows = dataset_rows(
        user=user,
        dataset=found,
        fields=params.fields.split(",") if params.fields else (),
        where=where,
    )
    standard = agreed_standard(found) if found.kind == Kind.SUBMISSION else None
    return {
        **_page(request, page_of(rows.frame, paging)),
        "units": _units(standard, rows.frame.columns),
    }


@router.get(
    "/catalogue/{slug}/download.{fmt}",
    response={400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 410: ErrorOut},
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
    response={200: CompiledOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 410: ErrorOut},
    summary="Every council's accepted submissions of a standard, compiled, with coverage",
)
def compiled_api(
    request: HttpRequest, agreement_id: int, standard: str, params: Query[CompiledParams]
) -> dict[str, Any]:
    """The filters and paging of the rows API (``district``, ``county``, ``period``,
    ``offset``, ``limit``); any other parameter is refused (``filter-unknown``). For a
    person-derived standard the rows are counts by geography, suppressed and rounded
    (``disclosure`` says what was withheld and why); a filter keeps some of those protected
    counts and never re-counts the rows, so filtering down to a place cannot reveal a
    withheld count."""
    _known(request, CompiledParams)
    paging = paging_parse(offset=params.offset, limit=params.limit, maximum=MAX_LIMIT)
    where = RowFilter(district=params.district, county=params.county, period=params.period)
    user = person(request)
    agreement = agreement_get_for_user(pk=agreement_id, user=user)
    result = compiling.compile_standard(user=user, agreement=agreement, standard_name=standard)
    frame = result.frame
    if not where.empty:
        frame = filter_rows(
            frame,
            where,
            lsoa_lookup=load_public_table("lookup-lsoa-ward-district"),
            district_county=load_public_table("lookup-district-county"),
            place_column=result.place_column,
        )
    return {
        **_page(request, page_of(frame, paging)),
        "units": _units(result.standard, frame.columns),
        "coverage": result.coverage.to_json(),
        "caveats": result.caveats,
        "disclosure": result.disclosure.to_json() if result.disclosure else None,
    }


@router.get(
    "/agreements/{agreement_id}/compile/{standard}/download.{fmt}",
    response={400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 410: ErrorOut},
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

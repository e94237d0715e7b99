"""API for data requests, with the same rules as the interface (the same services)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from lgrshare.accounts.auth import person
from lgrshare.councils.services import area_get_for_user
from lgrshare.requests import services
from lgrshare.requests.attachments import attachment_download
from lgrshare.requests.models import DataRequest

router = Router(tags=["data requests"])


class HolderOut(Schema):
    council_gss: str
    answer: str
    reason: str
    answered_at: datetime | None


class RequestOut(Schema):
    id: int
    reference: str
    area_gss: str
    state: str
    question: str
    purpose: str
    legal_power: str
    requesting_council_gss: str
    standard_name: str
    data_items: list[dict[str, str]]
    geography_level: str
    period: str
    needed_by: date | None
    flags: dict[str, bool]
    holders: list[HolderOut]
    stop_reason: str
    stop_note: str
    discovery: dict[str, Any]
    created_at: datetime
    opened_at: datetime | None

    @staticmethod
    def resolve_area_gss(obj: DataRequest) -> str:
        return str(obj.area.county_id)

    @staticmethod
    def resolve_requesting_council_gss(obj: DataRequest) -> str:
        return str(obj.requesting_council_id)

    @staticmethod
    def resolve_flags(obj: DataRequest) -> dict[str, bool]:
        return {name: getattr(obj, name) for name in services.FLAGS}

    @staticmethod
    def resolve_holders(obj: DataRequest) -> list[dict[str, Any]]:
        return [
            {
                "council_gss": r.council_id,
                "answer": r.answer,
                "reason": r.reason,
                "answered_at": r.answered_at,
            }
            for r in obj.responses.all()
        ]


class RequestIn(Schema):
    area_gss: str
    question: str
    holders: list[str]
    not_enough: str
    purpose: str = ""
    legal_power: str = ""
    standard: str = ""
    fields_wanted: list[str] = []
    items: str = ""
    geography_level: str = ""
    period: str = ""
    needed_by: date | None = None
    personal_data: bool = False
    special_category: bool = False
    children_or_vulnerable: bool = False
    data_matching: bool = False
    contractor_access: bool = False


class AnswerIn(Schema):
    answer: Literal["will-provide", "needs-agreement", "not-held", "declined"]
    reason: str = ""


class CommentIn(Schema):
    body: str


class StateIn(Schema):
    action: Literal["open", "join", "fulfil", "close"]
    reason: str = ""
    note: str = ""


class CommentOut(Schema):
    id: int
    body: str
    created_at: datetime


class ErrorOut(Schema):
    code: str
    message: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class AttachedCommentOut(CommentOut):
    attachment: AttachmentOut


@router.get(
    "/requests", response={200: list[RequestOut], 404: ErrorOut}, summary="An area's register"
)
def requests_list(request: HttpRequest, area: str) -> list[DataRequest]:
    found = area_get_for_user(county_gss=area, user=person(request))
    return list(services.request_register(user=person(request), area=found))


@router.post(
    "/requests",
    response={201: RequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Raise a request (as a draft)",
)
def requests_create(request: HttpRequest, payload: RequestIn) -> Status[DataRequest]:
    area = area_get_for_user(county_gss=payload.area_gss, user=person(request))
    data = payload.dict()
    created = services.request_create_from_form(user=person(request), area=area, data=data)
    return Status(201, created)


@router.get(
    "/requests/{request_id}", response={200: RequestOut, 404: ErrorOut}, summary="One request"
)
def requests_show(request: HttpRequest, request_id: int) -> DataRequest:
    return services.request_get_for_user(pk=request_id, user=person(request))


@router.post(
    "/requests/{request_id}/answer",
    response={200: RequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Answer for your council",
)
def requests_answer(request: HttpRequest, request_id: int, payload: AnswerIn) -> DataRequest:
    found = services.request_get_for_user(pk=request_id, user=person(request))
    services.request_answer(
        user=person(request), request=found, answer=payload.answer, reason=payload.reason
    )
    return found


@router.post(
    "/requests/{request_id}/comments",
    response={201: CommentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Comment on the thread",
)
def requests_comment(request: HttpRequest, request_id: int, payload: CommentIn) -> Status[Any]:
    found = services.request_get_for_user(pk=request_id, user=person(request))
    comment = services.request_comment(user=person(request), request=found, body=payload.body)
    return Status(201, comment)


@router.post(
    "/requests/{request_id}/state",
    response={200: RequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Open, join, fulfil or close",
)
def requests_state(request: HttpRequest, request_id: int, payload: StateIn) -> DataRequest:
    found = services.request_get_for_user(pk=request_id, user=person(request))
    user: Any = person(request)
    if payload.action == "open":
        services.request_open(user=user, request=found)
    elif payload.action == "join":
        services.request_join(user=user, request=found)
    elif payload.action == "fulfil":
        services.request_fulfil(user=user, request=found)
    else:
        services.request_close(user=user, request=found, reason=payload.reason, note=payload.note)
    found.refresh_from_db()
    return found


@router.post(
    "/requests/{request_id}/attachments",
    response={201: AttachedCommentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut},
    summary="Comment with an attached specification or template",
    description="Files that look like personal data are refused with "
    "`attachment-looks-like-personal-data`: share data about people under an agreement.",
)
def requests_attach(
    request: HttpRequest, request_id: int, body: Form[str], file: File[UploadedFile]
) -> Status[Any]:
    found = services.request_get_for_user(pk=request_id, user=person(request))
    comment = services.request_comment(user=person(request), request=found, body=body, upload=file)
    return Status(201, comment)


@router.get(
    "/requests/{request_id}/attachments/{attachment_id}",
    response={403: ErrorOut, 404: ErrorOut},
    summary="Download an attachment (area council staff; named contractor staff)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The attachment, in the type it was uploaded as",
                "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def requests_attachment(request: HttpRequest, request_id: int, attachment_id: int) -> HttpResponse:
    found = services.request_get_for_user(pk=request_id, user=person(request))
    item, content = attachment_download(
        user=person(request), request=found, attachment_id=attachment_id
    )
    response = HttpResponse(content, content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(True, item.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response

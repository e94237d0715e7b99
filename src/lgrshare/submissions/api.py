"""API for submissions: upload (multipart), read the report, accept or withdraw, download."""

from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO, cast

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from lgrshare.accounts.auth import person
from lgrshare.agreements.services import agreement_get_for_user
from lgrshare.submissions import services
from lgrshare.submissions.models import Submission

router = Router(tags=["submissions"])


class SubmissionOut(Schema):
    id: int
    reference: str
    dataset: str
    period: str
    version: int
    state: str
    valid: bool
    file_name: str
    sha256: str
    rows: int
    error_counts: dict[str, int]
    caveats: list[dict[str, Any]]
    submitted_at: datetime

    @staticmethod
    def resolve_dataset(obj: Submission) -> str:
        return obj.dataset.slug

    @staticmethod
    def resolve_sha256(obj: Submission) -> str:
        return obj.blob.plaintext_sha256

    @staticmethod
    def resolve_rows(obj: Submission) -> int:
        return int(obj.report.get("stats", {}).get("rows", 0))

    @staticmethod
    def resolve_error_counts(obj: Submission) -> dict[str, int]:
        return dict(obj.report.get("stats", {}).get("counts", {}))


class CaveatIn(Schema):
    kind: str
    text: str
    field: str = ""
    explains: str = ""


class ErrorOut(Schema):
    code: str
    message: str


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut}


@router.post("/submissions", response={201: SubmissionOut, **ERRORS}, summary="Submit a file")
def submissions_create(
    request: HttpRequest,
    file: File[UploadedFile],
    agreement: Form[int],
    standard: Form[str],
    council: Form[str],
    period: Form[str],
    drop_unagreed: Form[bool] = False,
) -> Status[Submission]:
    user = person(request)
    found = agreement_get_for_user(pk=agreement, user=user)
    dataset = services.dataset_for(agreement=found, standard=standard, council=council.upper())
    created = services.submission_create(
        user=user,
        dataset=dataset,
        source=cast(BinaryIO, file),  # Django's upload is a binary file object
        file_name=file.name or "",
        size=file.size or 0,
        period=period,
        drop_unagreed=drop_unagreed,
    )
    return Status(201, created)


@router.get("/submissions/{submission_id}", response={200: SubmissionOut, 404: ErrorOut})
def submissions_show(request: HttpRequest, submission_id: int) -> Submission:
    return services.submission_get_for_user(pk=submission_id, user=person(request))


@router.get(
    "/submissions/{submission_id}/report",
    response={200: dict[str, Any], 403: ErrorOut, 404: ErrorOut},
)
def submissions_report(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    user = person(request)
    found = services.submission_get_for_user(pk=submission_id, user=user)
    return services.require_report(user, found)


@router.post("/submissions/{submission_id}/caveats", response={200: SubmissionOut, **ERRORS})
def submissions_caveat(request: HttpRequest, submission_id: int, payload: CaveatIn) -> Submission:
    user = person(request)
    found = services.submission_get_for_user(pk=submission_id, user=user)
    return services.submission_add_caveat(user=user, submission=found, **payload.dict())


@router.post("/submissions/{submission_id}/accept", response={200: SubmissionOut, **ERRORS})
def submissions_accept(request: HttpRequest, submission_id: int) -> Submission:
    user = person(request)
    found = services.submission_get_for_user(pk=submission_id, user=user)
    return services.submission_accept(user=user, submission=found)


@router.post("/submissions/{submission_id}/withdraw", response={200: SubmissionOut, **ERRORS})
def submissions_withdraw(request: HttpRequest, submission_id: int) -> Submission:
    user = person(request)
    found = services.submission_get_for_user(pk=submission_id, user=user)
    return services.submission_withdraw(user=user, submission=found)

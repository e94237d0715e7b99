"""The JSON API under /api/v1/ (django-ninja): bearer-token auth and one error shape.

Every error body is ``{"code": ..., "message": ...}``: ``LgrShareError`` carries its own code and
status; ninja's own errors (no or bad token, invalid input) are mapped here. An agreement that
cannot go live adds ``"problems": [{"code", "message"}, ...]``, every one of them; terms with
problems are a 422 with ``"problems": [{"code", "field", "message"}, ...]``, every one of them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from lgrshare import __version__
from lgrshare.accounts.services import token_authenticate
from lgrshare.agreements.api import router as agreements_router
from lgrshare.audit.api import router as audit_router
from lgrshare.catalogue.api import router as catalogue_router
from lgrshare.councils.api import router as councils_router
from lgrshare.datasets.api import router as datasets_router
from lgrshare.domain.agreement_terms import TermsInvalid
from lgrshare.domain.error_codes import error_catalogue
from lgrshare.domain.errors import LgrShareError
from lgrshare.domain.screening import AgreementNotReady
from lgrshare.evidence.api import router as evidence_router
from lgrshare.requests.api import router as requests_router
from lgrshare.standards.api import router as standards_router
from lgrshare.submissions.api import router as submissions_router
from lgrshare.vault.api import router as vault_router
from lgrshare.web.middleware import HTTP_CODES, error_json


class BearerToken(HttpBearer):
    """``Authorization: Bearer lgr_...``: a personal API token created in the interface."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="LGR Share API",
    version="1",
    description="Councils sharing data safely during Local Government Reorganisation. "
    "Authenticate with a personal API token: `Authorization: Bearer <token>`. Every error is "
    '`{"code": "...", "message": "..."}`; `x-error-codes` lists every code with its status, '
    "title and message (also the page /developers/errors).",
    urls_namespace="api-1",
    auth=BearerToken(),
    docs_url=None,
    openapi_extra={"x-error-codes": [entry.as_dict() for entry in error_catalogue()]},
)
api.add_router("/", councils_router)
api.add_router("/", standards_router)
api.add_router("/", catalogue_router)
api.add_router("/", requests_router)
api.add_router("/", agreements_router)
api.add_router("/", submissions_router)
api.add_router("/", datasets_router)
api.add_router("/", vault_router)
api.add_router("/", audit_router)
api.add_router("/", evidence_router)


class ErrorOut(Schema):
    """Every error's body: a stable code (``x-error-codes``) and a message for people."""

    code: str
    message: str


# Answers any operation may give, whatever its own list says, because they come before the
# operation runs: no live token (401), a body over the upload limit (413), input that does not
# parse against the operation's parameters (422). Documented here once, so that a new route is
# documented the day it is added (tests/security/test_api_fuzz.py checks every response).
COMMON_ERRORS = (401, 413, 422)


def _document_common_errors() -> None:
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for status in COMMON_ERRORS:
                    if status not in operation.response_models:
                        operation.response_models[status] = operation._create_response_model(
                            ErrorOut
                        )


_document_common_errors()


@api.exception_handler(LgrShareError)
def _domain_error(request: HttpRequest, exc: LgrShareError) -> HttpResponse:
    return error_json(exc.status, exc.code, exc.message)


@api.exception_handler(AgreementNotReady)
def _not_ready(request: HttpRequest, exc: AgreementNotReady) -> HttpResponse:
    body = {**exc.as_dict(), "problems": [problem.as_dict() for problem in exc.problems]}
    return JsonResponse(body, status=exc.status)


@api.exception_handler(TermsInvalid)
def _terms_invalid(request: HttpRequest, exc: TermsInvalid) -> HttpResponse:
    body = {**exc.as_dict(), "problems": [problem.as_dict() for problem in exc.problems]}
    return JsonResponse(body, status=422)


@api.exception_handler(AuthenticationError)
def _not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_json(401)
    response["WWW-Authenticate"] = 'Bearer realm="LGR Share API"'
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
        for e in exc.errors
    )
    return error_json(422, "invalid-input", f"The request is not valid: {problems}")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code, _ = HTTP_CODES.get(exc.status_code, ("error", ""))
    return error_json(exc.status_code, code, str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_json(413)


__all__ = ["__version__", "api"]

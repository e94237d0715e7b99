"""The one place where errors become responses for people (GOV.UK pages) and for the API (JSON)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from lgrshare.accounts.services import token_authenticate
from lgrshare.domain.deadline import deadline_within
from lgrshare.domain.errors import LgrShareError

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

# Codes for errors that Django or ninja produce before our code runs.
HTTP_CODES = {
    400: ("bad-request", "The request could not be understood"),
    401: ("not-authenticated", "Send a valid API token as 'Authorization: Bearer <token>'"),
    403: ("forbidden", "You do not have permission to do that"),
    404: ("not-found", "There is nothing at this address"),
    405: ("method-not-allowed", "That method is not allowed here"),
    413: ("request-too-large", "The request body is larger than this service accepts"),
    415: ("unsupported-media-type", "Send the request body as JSON"),
    422: ("invalid-input", "The request is not valid"),
    429: ("too-many-requests", "Too many requests: wait and try again"),
    500: ("server-error", "Something went wrong on our side; it has been logged"),
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_json(status: int, code: str | None = None, message: str | None = None) -> JsonResponse:
    default_code, default_message = HTTP_CODES.get(status, ("error", "Something went wrong"))
    return JsonResponse(
        {"code": code or default_code, "message": message or default_message}, status=status
    )


def error_page(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    next_step: tuple[str, str] | None = None,
) -> HttpResponse:
    context = {"status": status, "code": code, "message": message, "next_step": next_step}
    return render(request, "error.html", context, status=status)


class RequestDeadlineMiddleware:
    """Give each request ``LGRSHARE_REQUEST_SECONDS`` for its work (``domain.deadline``).

    The long operations check it and raise ``RequestTooSlow`` (503, ``request-too-slow``),
    which the error middleware and the API's handler answer like any ``LgrShareError``. The
    clock starts again once an upload's body has arrived (``web.uploads``). A streamed
    response's body is sent after this returns, outside the limit (the client timeout bounds
    a client that stops reading).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        with deadline_within(settings.REQUEST_SECONDS):
            return self.get_response(request)


class UploadLimitMiddleware:
    """Refuse a request whose declared body is over the upload limit before any of it is read.

    It runs before the CSRF check, which would otherwise read (and spool) the whole body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # A little over the file limit, for the multipart envelope and the other fields.
        if length > settings.MAX_UPLOAD_BYTES + 1_000_000:
            limit = settings.MAX_UPLOAD_BYTES // 1_000_000
            message = (
                f"Files must be smaller than {limit} MB; this request is {length // 1_000_000} MB"
            )
            if is_api(request):
                return error_json(413, "request-too-large", message)
            return error_page(request, 413, "request-too-large", message)
        return self.get_response(request)


class NulCharacterMiddleware:
    """Refuse a NUL character in the path, the query or a JSON body, before any view runs:
    no field takes one, and PostgreSQL cannot store one in text (a query for ``?area=%00``
    was a 500 there; found by the API fuzzer). Pages answer 400, the API 422
    (``invalid-input``), as for any input that does not parse. Form fields already refuse NUL
    (Django's ``ProhibitNullCharactersValidator``); uploaded files are bytes and may hold it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self._holds_nul(request):
            message = "The request holds a NUL character, which no field accepts"
            if is_api(request):
                return error_json(422, "invalid-input", message)
            return error_page(request, 400, "bad-request", message)
        return self.get_response(request)

    @staticmethod
    def _holds_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        if any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            return True
        # Only a JSON body is read here: a file upload's body is streamed by its own view.
        json_body = request.content_type == "application/json"
        return json_body and b"\\u0000" in request.body


class BodyGateMiddleware:
    """Refuse a request body larger than a form from anyone not signed in, before it is read.

    Only files are larger than ``LGRSHARE_MAX_FORM_BYTES``, and only signed-in people (a
    session for pages, a live API token for the API) may send one: an anonymous 200 MB upload
    is answered from its headers (the API 401, a page 413), without the server reading,
    spooling or parsing the body.
    Placed after authentication and, like every ``__call__`` here, before the CSRF check (a
    ``process_view``), which would read the body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE or _signed_in(request):
            return self.get_response(request)
        if is_api(request):
            response = error_json(401, "not-authenticated", HTTP_CODES[401][1])
            response["WWW-Authenticate"] = 'Bearer realm="LGR Share API"'
            return response
        # A page's form from someone not signed in is never this large (a file is).
        message = "The request is larger than a form; sign in before sending a file"
        return error_page(request, 413, "request-too-large", message)


def _signed_in(request: HttpRequest) -> bool:
    if is_api(request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and token_authenticate(token) is not None
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in person, except those marked ``login_not_required``.

    The API authenticates with bearer tokens instead, and answers 401 in JSON rather than
    redirecting to the sign-in page.
    """

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if is_api(request):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ErrorPageMiddleware:
    """Turn ``LgrShareError`` and oversized bodies into a GOV.UK page or a JSON error body.

    API responses that Django itself makes (404 for an unknown address, 405 for a wrong method)
    are given the same ``{"code", "message"}`` shape.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        if is_api(request) and status >= 400 and not _is_json(response):
            replacement: HttpResponse = error_json(status)
        elif not is_api(request) and status == 405 and not response.content:
            replacement = error_page(request, 405, *HTTP_CODES[405])
        else:
            return response
        if response.has_header("Allow"):
            replacement["Allow"] = response["Allow"]
        if status == 401:
            replacement["WWW-Authenticate"] = 'Bearer realm="LGR Share API"'
        return replacement

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        next_step = None
        if isinstance(exc, LgrShareError):
            status, code, message, next_step = exc.status, exc.code, exc.message, exc.next_step
        elif isinstance(exc, RequestDataTooBig):
            status, (code, message) = 413, HTTP_CODES[413]
        else:
            return None
        if status >= 500:
            log.error("%s on %s %s: %s", code, request.method, request.path, message)
        if is_api(request):
            return error_json(status, code, message)
        return error_page(request, status, code, message, next_step)


# Pages use only their own scripts and styles; nothing may frame them.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response; no caching of pages for signed-in people.

    ``no-store`` keeps a shared computer's Back button from showing data after sign-out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or is_api(request):
            response["Cache-Control"] = "no-store"
        return response


def _is_json(response: HttpResponse) -> bool:
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    try:
        body = json.loads(response.content)
    except (ValueError, AttributeError):
        return False
    return isinstance(body, dict) and "code" in body

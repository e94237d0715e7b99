"""Error views Django calls itself: CSRF failures and bad requests (incl. oversized bodies)."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from lgrshare.web.middleware import HTTP_CODES, error_json, error_page, is_api


def _respond(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if is_api(request):
        return error_json(status, code, message)
    return error_page(request, status, code, message)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form came back without a valid security token: usually an old tab or a lapsed sign-in."""
    return _respond(
        request,
        403,
        "csrf-failed",
        "This form has expired, perhaps because you signed in again in another tab or left it "
        "open too long. Go back, reload the page and try again.",
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, or 413 when the body was larger than the service accepts."""
    if isinstance(exception, RequestDataTooBig):
        return _respond(request, 413, *HTTP_CODES[413])
    return _respond(request, 400, *HTTP_CODES[400])

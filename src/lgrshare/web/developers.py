"""Pages for developers and integrators: the API documentation and the catalogue of error codes.

Both are open without signing in: they describe the service, and show no data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lgrshare.domain.error_codes import error_catalogue


@login_not_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """The OpenAPI document of /api/v1/, rendered by Swagger UI served from our own assets."""
    return render(request, "developers/api.html")


@login_not_required
def error_codes(request: HttpRequest) -> HttpResponse:
    """Every error code with its status, title and message, grouped by where its words live."""
    catalogue = error_catalogue()
    groups = [
        ("errors", "Errors", [e for e in catalogue if e.source == "error"]),
        ("policy", "Refusals by the access policy", [e for e in catalogue if e.source == "policy"]),
        (
            "validation",
            "Findings of the validator",
            [e for e in catalogue if e.source == "validation"],
        ),
    ]
    return render(request, "developers/errors.html", {"groups": groups, "count": len(catalogue)})

"""API: appraise a unitary option of an area.

``POST /api/v1/areas/{gss}/options/appraise`` with ``{"name": ..., "councils": {...}}`` answers
the appraisal; an option with problems answers 422 ``option-not-valid`` with ``problems``, each
``{"code", "message", "council", "codes"}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from lgrshare.councils.services import area_get_for_user
from lgrshare.domain.options import OptionInvalid
from lgrshare.evidence import services
from lgrshare.web.auth import person

router = Router(tags=["evidence"])


@router.post("/areas/{county_gss}/options/appraise", response={200: dict[str, Any]})
def appraise_option(request: HttpRequest, county_gss: str) -> HttpResponse | dict[str, Any]:
    """Check the option in the body covers the area once, then appraise each council."""
    area = area_get_for_user(county_gss=county_gss, user=person(request))
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        raise OptionInvalid("The body is not JSON.") from None
    try:
        appraisal = services.option_appraise(user=person(request), area=area, body=body)
    except services.OptionHasProblems as exc:
        return JsonResponse(
            {**exc.as_dict(), "problems": [p.as_dict() for p in exc.problems]}, status=exc.status
        )
    return appraisal.as_dict()

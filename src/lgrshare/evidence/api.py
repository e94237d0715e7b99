"""API: appraise a unitary option of an area.

``POST /api/v1/areas/{gss}/options/appraise`` with ``{"name": ..., "councils": {...}}`` answers
the appraisal; an option with problems answers 422 ``option-not-valid`` with ``problems``, each
``{"code", "message", "council", "codes"}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema

from lgrshare.accounts.auth import person
from lgrshare.councils.services import area_get_for_user
from lgrshare.domain.options import OptionInvalid
from lgrshare.evidence import services
from lgrshare.evidence.compiled import option_compiled_indicators

router = Router(tags=["evidence"])


class ErrorOut(Schema):
    code: str
    message: str


# An area you do not belong to, or an option it has not saved, is 404; bad input 400; a role
# the policy refuses 403.
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post("/areas/{county_gss}/options/appraise", response={200: dict[str, Any], **ERRORS})
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


@router.get("/areas/{county_gss}/options", response={200: list[dict[str, Any]], **ERRORS})
def option_sets(request: HttpRequest, county_gss: str) -> list[dict[str, Any]]:
    """The area's saved options, each with every version (newest first)."""
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    return [
        {
            "id": option_set.pk,
            "name": option_set.name,
            "versions": [
                {
                    "number": v.number,
                    "saved_at": v.created_at.isoformat(),
                    "saved_by": v.created_by.username if v.created_by else None,
                    "note": v.note,
                    "councils": v.councils,
                }
                for v in option_set.versions.all()
            ],
        }
        for option_set in services.option_sets_for(user=user, area=area)
    ]


@router.get(
    "/areas/{county_gss}/options/{option_id}/appraisal", response={200: dict[str, Any], **ERRORS}
)
def option_appraisal(request: HttpRequest, county_gss: str, option_id: int) -> dict[str, Any]:
    """The appraisal of a saved option's latest version."""
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    (compared,) = services.options_compare(user=user, area=area, pks=[option_id])
    return {"id": option_id, "version": compared.version.number, **compared.appraisal.as_dict()}


@router.get(
    "/areas/{county_gss}/options/{option_id}/indicators", response={200: dict[str, Any], **ERRORS}
)
def option_indicators(
    request: HttpRequest,
    county_gss: str,
    option_id: int,
    agreement: int,
    standard: str,
    measure: str,
    by: str = "",
    period: str = "",
) -> dict[str, Any]:
    """A measure of compiled submissions (``standard`` under ``agreement``), summed for each
    council of the saved option; ``by`` names columns (comma-separated) to split it by."""
    user = person(request)
    area = area_get_for_user(county_gss=county_gss, user=user)
    result = option_compiled_indicators(
        user=user,
        area=area,
        pk=option_id,
        agreement_id=agreement,
        standard_name=standard,
        measure=measure,
        by=[c.strip() for c in by.split(",") if c.strip()],
        period=period,
    )
    return {
        "option": option_id,
        "agreement": result.compiled.agreement.reference,
        "standard": result.compiled.standard.name,
        "period": result.period,
        "measure": measure,
        "indicators": [i.as_dict() for i in result.indicators.items],
        "rows_outside_area": result.indicators.outside_rows,
        "rows_without_place": result.indicators.unplaced_rows,
        "councils_submitted": [c.name for c in result.compiled.coverage.councils if c.rows],
        "caveats": result.compiled.caveats,
        "disclosure": str(result.compiled.disclosure) if result.compiled.disclosure else "",
    }

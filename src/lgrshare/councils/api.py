"""API endpoints for areas and councils; each answers only for areas the caller belongs to."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from lgrshare.accounts.auth import person
from lgrshare.councils import services
from lgrshare.councils.models import Area, Council

router = Router(tags=["areas and councils"])


class CouncilOut(Schema):
    gss_code: str
    name: str
    official_name: str
    kind: str
    county_gss: str | None
    region_gss: str
    region_name: str
    population_mid2024: int
    land_area_ha: float

    @staticmethod
    def resolve_county_gss(obj: Council) -> str | None:
        return obj.county_id

    @staticmethod
    def resolve_land_area_ha(obj: Council) -> float:
        return float(obj.land_area_ha)


class AreaOut(Schema):
    county_gss: str
    name: str

    @staticmethod
    def resolve_county_gss(obj: Area) -> str:
        return obj.gss_code


class AreaDetailOut(AreaOut):
    population_mid2024: int
    councils: list[CouncilOut]

    @staticmethod
    def resolve_councils(obj: Area) -> list[Council]:
        return list(obj.councils())

    @staticmethod
    def resolve_population_mid2024(obj: Area) -> int:
        return obj.county.population_mid2024


class ErrorOut(Schema):
    code: str
    message: str


@router.get("/areas", response=list[AreaOut], summary="The areas you belong to")
def areas_list(request: HttpRequest) -> list[Area]:
    return list(Area.objects.visible_to(person(request)).select_related("county"))


@router.get(
    "/areas/{county_gss}",
    response={200: AreaDetailOut, 404: ErrorOut},
    summary="One area with its councils",
)
def area_detail(request: HttpRequest, county_gss: str) -> Area:
    return services.area_get_for_user(county_gss=county_gss, user=person(request))


@router.get(
    "/councils/{gss_code}", response={200: CouncilOut, 404: ErrorOut}, summary="One council"
)
def council_detail(request: HttpRequest, gss_code: str) -> Council:
    return services.council_get_for_user(gss_code=gss_code, user=person(request))

"""The JSON API: bearer tokens, one error shape, nothing of another area."""

import pytest

from lgrshare.accounts.services import token_create
from tests.conftest import GUILDFORD, KENT, SURREY


@pytest.fixture
def api(client):
    def as_user(user):
        _, secret = token_create(user=user, name="test")
        return lambda method, path, **kw: getattr(client, method)(
            path, HTTP_AUTHORIZATION=f"Bearer {secret}", **kw
        )

    return as_user


def test_areas_lists_only_the_callers_areas(api, alice, charlie):
    assert api(alice)("get", "/api/v1/areas").json() == [{"county_gss": SURREY, "name": "Surrey"}]
    assert [a["county_gss"] for a in api(charlie)("get", "/api/v1/areas").json()] == [KENT]


def test_area_detail_has_its_twelve_councils(api, alice):
    response = api(alice)("get", f"/api/v1/areas/{SURREY}")
    assert response.status_code == 200
    body = response.json()
    assert body["population_mid2024"] == 1_248_649
    assert len(body["councils"]) == 12
    guildford = next(c for c in body["councils"] if c["gss_code"] == GUILDFORD)
    assert guildford == {
        "gss_code": GUILDFORD,
        "name": "Guildford",
        "official_name": "Guildford Borough Council",
        "kind": "district",
        "county_gss": SURREY,
        "region_gss": "E12000008",
        "region_name": "South East",
        "population_mid2024": 151_359,
        "land_area_ha": 27094.46,
    }


def test_council_detail(api, dave):
    response = api(dave)("get", f"/api/v1/councils/{GUILDFORD}")
    assert response.status_code == 200
    assert response.json()["population_mid2024"] == 151_359


@pytest.mark.parametrize(
    "path",
    [f"/api/v1/areas/{SURREY}", f"/api/v1/councils/{GUILDFORD}", f"/api/v1/councils/{SURREY}"],
)
def test_an_outsider_is_refused_with_not_found(api, charlie, path):
    response = api(charlie)("get", path)
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message"}
    assert "Guildford" not in response.content.decode()


@pytest.mark.parametrize(
    ("path", "code"),
    [("/api/v1/areas/E10999999", "area-not-found"), ("/api/v1/councils/XYZ", "council-not-found")],
)
def test_unknown_codes_are_404_with_a_code(api, alice, path, code):
    response = api(alice)("get", path)
    assert response.status_code == 404
    assert response.json()["code"] == code


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer nonsense",
        "Basic YWxpY2U6cGFzcw==",
        "Bearer lgr_AAAAAAAAAA_" + "x" * 43,
    ],
)
def test_no_or_bad_token_is_401(client, header):
    kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/areas", **kwargs)
    assert response.status_code == 401
    assert response.json()["code"] == "not-authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_session_is_not_an_api_credential(signed_in, alice):
    response = signed_in(alice).get("/api/v1/areas")
    assert response.status_code == 401


def test_an_inactive_users_token_is_refused(api, alice):
    call = api(alice)
    alice.is_active = False
    alice.save()
    assert call("get", "/api/v1/areas").status_code == 401


def test_wrong_method_and_unknown_path_answer_in_the_error_shape(api, alice):
    call = api(alice)
    wrong = call("post", "/api/v1/areas")
    assert wrong.status_code == 405
    assert wrong.json()["code"] == "method-not-allowed"
    missing = call("get", "/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not-found"


def test_openapi_document_describes_the_endpoints(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/areas", "/api/v1/areas/{county_gss}", "/api/v1/councils/{gss_code}"} <= set(
        paths
    )

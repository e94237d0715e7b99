"""Unitary options in the hub: saved and versioned in the area, compared with charts, exported,
appraised through the API; the outsider, the contractor and bad input refused, never a 500."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from lgrshare.accounts.services import token_create
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.domain.options import option_from_json
from lgrshare.evidence.models import OptionSet
from lgrshare.evidence.services import option_save
from tests.conftest import SURREY, _make

EAST = ["E07000207", "E07000208", "E07000210", "E07000211", "E07000215"]
WEST = ["E07000209", "E07000212", "E07000213", "E07000214", "E07000216", "E07000217"]
TWO = {"name": "Two unitaries", "councils": {"East Surrey": EAST, "West Surrey": WEST}}
THREE = {
    "name": "Three unitaries",
    "councils": {
        "East Surrey": ["E07000208", "E07000210", "E07000211", "E07000215"],
        "North Surrey": ["E07000207", "E07000212", "E07000213"],
        "West Surrey": ["E07000209", "E07000214", "E07000216", "E07000217"],
    },
}


@pytest.fixture
def saved(alice):
    area = Area.objects.get(county_id=SURREY)
    return [
        option_save(user=alice, area=area, option=option_from_json(body)).option_set
        for body in (TWO, THREE)
    ]


@pytest.fixture
def api(client):
    def as_user(user):
        _, secret = token_create(user=user, name="test")
        return lambda body: client.post(
            f"/api/v1/areas/{SURREY}/options/appraise",
            data=body if isinstance(body, str) else json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    return as_user


def test_an_analyst_saves_an_option_written_by_district_names(signed_in, alice):
    client = signed_in(alice)
    response = client.post(
        f"/areas/{SURREY}/options/new",
        {
            "name": "East and West",
            "councils": "East Surrey: Elmbridge, Epsom and Ewell, Mole Valley, Reigate and "
            "Banstead, Tandridge\nWest Surrey: Guildford, Runnymede, Spelthorne, Surrey Heath, "
            "Waverley, woking",
        },
    )
    assert response.status_code == 302
    option_set = OptionSet.objects.get(name="East and West")
    assert option_set.latest().councils["West Surrey"][-1] == "E07000217"
    assert AuditEntry.objects.filter(action="option-saved", actor="alice").count() == 1


def test_saving_again_adds_a_version_and_keeps_the_first(signed_in, alice, saved):
    client = signed_in(alice)
    response = client.post(
        f"/areas/{SURREY}/options/{saved[0].pk}/new-version",
        {"councils": "All of Surrey: " + ", ".join(EAST + WEST), "note": "one council"},
    )
    assert response.status_code == 302
    versions = list(saved[0].versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert list(versions[0].councils) == ["East Surrey", "West Surrey"]
    assert list(versions[1].councils) == ["All of Surrey"]


def test_an_option_with_gaps_lists_every_problem_and_saves_nothing(signed_in, alice):
    response = signed_in(alice).post(
        f"/areas/{SURREY}/options/new",
        {"name": "Gappy", "councils": "East: Elmbridge, Ashford\nEmpty:"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    for code in ("empty-council", "outside-area", "unassigned"):
        assert f'data-error-code="{code}"' in page
    assert not OptionSet.objects.filter(name="Gappy").exists()
    assert AuditEntry.objects.filter(action="change-refused", reason="option-not-valid").exists()


def test_a_line_without_a_colon_is_a_form_error_not_a_500(signed_in, alice):
    response = signed_in(alice).post(
        f"/areas/{SURREY}/options/new", {"name": "x", "councils": "Elmbridge, Tandridge"}
    )
    assert response.status_code == 400
    assert "needs the council" in response.content.decode()


def test_a_taken_name_is_refused(signed_in, alice, saved):
    response = signed_in(alice).post(
        f"/areas/{SURREY}/options/new",
        {"name": "Two unitaries", "councils": "All: " + ", ".join(EAST + WEST)},
    )
    assert response.status_code == 400
    assert OptionSet.objects.filter(name="Two unitaries").count() == 1


def test_comparing_options_shows_each_council_side_by_side_with_charts(signed_in, bob, saved):
    response = signed_in(bob).get(
        f"/areas/{SURREY}/options/compare?option={saved[0].pk}&option={saved[1].pk}"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('role="img"') == 6
    assert "Woking" in page  # no 2023-24 outturn return, named
    # Surrey's mid-2024 population 1,248,649 is East + West of the first option.
    assert "1,248,649" not in page
    assert "Made of Epsom and Ewell, Mole Valley, Reigate and Banstead, Tandridge" in page
    # The two-unitary option's population spread: East 563,643 and West 685,006.
    assert "121,363" in page


def test_a_role_that_may_not_save_sees_options_but_cannot_save(signed_in, saved):
    dpo = _make("dpo", ["dpo"], "E07000209")
    client = signed_in(dpo)
    assert client.get(f"/areas/{SURREY}/options/{saved[0].pk}/").status_code == 200
    response = client.get(f"/areas/{SURREY}/options/new")
    assert response.status_code == 403
    assert AuditEntry.objects.filter(
        action="access-refused", actor="dpo", reason="role-not-permitted"
    ).exists()


def test_the_outsider_and_the_contractor_are_refused(signed_in, charlie, dave, saved, client):
    assert signed_in(charlie).get(f"/areas/{SURREY}/options/").status_code == 404
    client.logout()
    response = signed_in(dave).get(f"/areas/{SURREY}/options/{saved[0].pk}/")
    assert response.status_code in {403, 404}


def test_the_evidence_pack_downloads_as_xlsx_and_data_package(signed_in, alice, saved):
    client = signed_in(alice)
    query = f"?option={saved[0].pk}&option={saved[1].pk}"
    xlsx = client.get(f"/areas/{SURREY}/options/pack.xlsx{query}")
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "About this data"
    package = client.get(f"/areas/{SURREY}/options/pack.zip{query}")
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert "datapackage.json" in names
    assert AuditEntry.objects.filter(action="evidence-pack-exported").count() == 2


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("pack.pdf?option={pk}", 400),
        ("pack.xlsx", 400),
        ("pack.xlsx?option=abc", 400),
        ("compare?option=999999", 404),
        ("compare?option=" + "&option=".join(str(i) for i in range(10)), 400),
        ("999999/", 404),
        ("99999999999999999999999/", 404),
        ("compare?option=-99999999999999999999", 404),
    ],
)
def test_bad_requests_are_4xx_never_500(signed_in, alice, saved, path, status):
    response = signed_in(alice).get(f"/areas/{SURREY}/options/" + path.format(pk=saved[0].pk))
    assert response.status_code == status


def test_api_appraises_an_option(api, alice):
    response = api(alice)(THREE)
    assert response.status_code == 200
    body = response.json()
    assert [c["name"] for c in body["councils"]] == ["East Surrey", "North Surrey", "West Surrey"]
    population = sum(c["figures"][0]["value"] for c in body["councils"])
    assert population == 1_248_649
    assert body["councils"][0]["figures"][0]["vintage"] == "mid-2024"


def test_api_names_every_problem_with_422(api, alice):
    response = api(alice)({"name": "x", "councils": {"A": [*EAST, "E07000105"], "B": []}})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "option-not-valid"
    assert [p["code"] for p in body["problems"]] == ["outside-area", "empty-council", "unassigned"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{not json", "option-invalid"),
        ("null", "option-invalid"),
        (
            {"name": "x", "councils": {f"C{i}": ["E07000209"] for i in range(10_000)}},
            "too-many-councils",
        ),
        ({"name": "x", "councils": {"A": "E07000209"}}, "option-invalid"),
    ],
)
def test_api_bad_bodies_are_400_with_a_code(api, alice, body, code):
    response = api(alice)(body)
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_api_refuses_the_outsider_and_the_contractor(api, charlie, dave):
    assert api(charlie)(TWO).status_code == 404
    assert api(dave)(TWO).status_code in {403, 404}


def test_api_lists_saved_options_with_versions_and_appraises_one(client, alice, saved, api):
    _, secret = token_create(user=alice, name="list")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    listed = client.get(f"/api/v1/areas/{SURREY}/options", **auth).json()
    assert [o["name"] for o in listed] == ["Three unitaries", "Two unitaries"]
    assert list(listed[0]["versions"][0]["councils"]) == [
        "East Surrey",
        "North Surrey",
        "West Surrey",
    ]
    appraisal = client.get(f"/api/v1/areas/{SURREY}/options/{saved[0].pk}/appraisal", **auth)
    assert appraisal.json()["version"] == 1
    assert client.get(f"/api/v1/areas/{SURREY}/options/999999/appraisal", **auth).status_code == 404


def test_api_list_refuses_the_contractor_and_hides_the_area_from_the_outsider(
    client, charlie, dave
):
    for user, statuses in ((charlie, {404}), (dave, {403, 404})):
        _, secret = token_create(user=user, name="x")
        response = client.get(
            f"/api/v1/areas/{SURREY}/options", HTTP_AUTHORIZATION=f"Bearer {secret}"
        )
        assert response.status_code in statuses


def test_the_compare_page_shows_units_one_minus_sign_and_points(signed_in, bob, saved):
    response = signed_in(bob).get(
        f"/areas/{SURREY}/options/compare?option={saved[0].pk}&option={saved[1].pk}"
    )
    page = response.content.decode()
    rows = {r["key"]: r for r in response.context["rows"]}
    assert rows["land_area_ha"]["label"] == "Land area (hectares)"
    assert rows["density"]["label"] == "Population density (people per km²)"
    gaps = rows["guideline_gap"]["cells"]
    assert any(c.startswith("\N{MINUS SIGN}") for c in gaps)  # three councils under 500,000
    assert "-" not in "".join(gaps)
    spread = {r["label"]: r for s in response.context["spreads"] for r in s["rows"]}
    deprived = spread["LSOAs in England's most deprived 20%"]["difference"]
    assert deprived.endswith(" percentage points")
    assert "Change to harmonise" in page
    # The difference is what the shown values make: the Band D spread of the first option.
    band_d = spread["Tax-base-weighted average Band D"]
    shown = [
        float(t.split(" (")[0].lstrip("£").replace(",", ""))
        for t in (band_d["largest"], band_d["smallest"])
    ]
    assert band_d["difference"] == f"£{shown[0] - shown[1]:,.2f}"

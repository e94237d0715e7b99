"""The catalogue: public data first, searchable, openable, downloadable; held data recorded."""

import csv
import io
import json

import pytest

from lgrshare.accounts.services import token_create
from lgrshare.catalogue.imports import ImportInvalid, metrics_import
from lgrshare.catalogue.models import Access, Dataset, MetricValue
from lgrshare.catalogue.services import SearchFilters, catalogue_load_public, dataset_search
from lgrshare.councils.models import Area
from lgrshare.domain.errors import InvalidInput
from tests.conftest import SURREY

# Real mid-2024 populations (ONS MYE2) in LG Inform's long shape.
METRICS_CSV = (
    "metric_id,metric_title,area_code,period,value,unit\n"
    "ons-mye,Population (all ages),E07000209,mid-2024,151359,persons\n"
    "ons-mye,Population (all ages),E07000217,mid-2024,105679,persons\n"
    "ons-mye,Population (all ages),E10000030,mid-2024,1248649,persons\n"
)


@pytest.mark.django_db
def test_public_tables_are_loaded_once_however_often_it_runs():
    before = Dataset.objects.filter(access=Access.PUBLIC, area=None).count()
    assert catalogue_load_public() == before == 10


def test_search_finds_population_first(alice):
    found = list(dataset_search(user=alice, text="population"))
    assert found[0].slug == "population-mid-2024"


def test_search_looks_in_field_names_and_filters(alice):
    assert "council-tax-2023-24" in [d.slug for d in dataset_search(user=alice, text="band d")]
    lsoa = dataset_search(user=alice, text="", filters=SearchFilters(geography_level="lsoa"))
    assert {d.slug for d in lsoa} == {"imd-2025-lsoa", "lookup-lsoa-ward-district"}


@pytest.mark.parametrize("hostile", ['"', "*", "NEAR(", "') OR 1=1 --", "AND OR NOT", "x" * 500])
def test_hostile_search_text_is_harmless(signed_in, alice, hostile):
    response = signed_in(alice).get("/catalogue/", {"q": hostile})
    assert response.status_code == 200


def test_a_public_table_opens_and_downloads_with_real_figures(signed_in, alice):
    client = signed_in(alice)
    page = client.get("/catalogue/population-mid-2024/")
    assert page.status_code == 200
    assert page.context["total_rows"] == 318
    download = client.get("/catalogue/population-mid-2024/data.csv")
    rows = {r["gss_code"]: r for r in csv.DictReader(io.StringIO(download.content.decode()))}
    assert rows["E07000209"]["population_mid2024"] == "151359"
    assert rows["E92000001"]["population_mid2024"] == "58620101"


def test_table_pages_outside_the_range_are_clamped(signed_in, alice):
    response = signed_in(alice).get("/catalogue/imd-2025-lsoa/", {"page": "-3"})
    assert response.context["page"] == 1
    response = signed_in(alice).get("/catalogue/imd-2025-lsoa/", {"page": "abc"})
    assert response.context["page"] == 1


def test_held_data_is_recorded_and_seen_only_in_its_area(signed_in, alice, charlie):
    response = signed_in(alice).post(
        f"/areas/{SURREY}/catalogue/held",
        {
            "title": "Planning applications",
            "description": "Every application since 2015",
            "geography_level": "point",
            "contact": "planning@guildford.gov.uk",
            "standard_name": "",
        },
    )
    held = Dataset.objects.get(title="Planning applications")
    assert response.status_code == 302
    assert held.access == Access.HELD
    assert held.publisher_id == "E07000209"
    assert signed_in(alice).get(f"/catalogue/{held.slug}/").status_code == 200
    assert signed_in(charlie).get(f"/catalogue/{held.slug}/").status_code == 404
    assert held not in dataset_search(user=charlie, text="planning")


def test_held_data_cannot_be_downloaded_without_an_agreement(signed_in, alice):
    signed_in(alice).post(
        f"/areas/{SURREY}/catalogue/held",
        {
            "title": "Planning applications",
            "description": "Every application",
            "geography_level": "point",
            "contact": "planning@guildford.gov.uk",
        },
    )
    held = Dataset.objects.get(title="Planning applications")
    response = signed_in(alice).get(f"/catalogue/{held.slug}/data.csv")
    assert response.status_code == 403
    assert b"no-agreement" in response.content


def test_a_contractor_cannot_record_held_data(dave):
    from lgrshare.catalogue.services import dataset_held_create

    with pytest.raises(InvalidInput) as caught:
        dataset_held_create(
            user=dave,
            area=Area.objects.get(county_id=SURREY),
            title="x",
            description="y",
            geography_level="none",
            contact="z",
        )
    assert caught.value.code == "not-a-council-member"


@pytest.mark.django_db
def test_metrics_import_validates_and_stores_the_figures():
    result = metrics_import(
        content=METRICS_CSV.encode(),
        file_name="pop.csv",
        title="Surrey populations",
        publisher="ONS",
    )
    assert result.rows == 3
    value = MetricValue.objects.get(dataset=result.dataset, area_code="E07000209")
    assert value.value == 151359


@pytest.mark.django_db
def test_metrics_import_takes_json_in_the_same_shape():
    rows = list(csv.DictReader(io.StringIO(METRICS_CSV)))
    result = metrics_import(
        content=json.dumps({"data": rows}).encode(),
        file_name="pop.json",
        title="Surrey populations",
        publisher="ONS",
    )
    assert result.rows == 3


@pytest.mark.django_db
def test_an_invalid_import_writes_nothing_and_says_where():
    bad = METRICS_CSV + "ons-mye,Population (all ages),NOTACODE,mid-2024,lots,persons\n"
    with pytest.raises(ImportInvalid) as caught:
        metrics_import(content=bad.encode(), file_name="pop.csv", title="Bad", publisher="ONS")
    problems = {(e.row, e.field, e.code) for e in caught.value.report.errors}
    assert (5, "area_code", "constraint-error") in problems
    assert (5, "value", "type-error") in problems
    assert not Dataset.objects.filter(title="Bad").exists()


@pytest.mark.django_db
def test_garbled_json_is_a_format_error():
    with pytest.raises(InvalidInput) as caught:
        metrics_import(content=b"{not json", file_name="x.json", title="X", publisher="Y")
    assert caught.value.code == "format-error"


def test_import_page_shows_the_errors(signed_in, alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("pop.csv", b"metric_id,value\n1,2\n", content_type="text/csv")
    response = signed_in(alice).post(
        f"/areas/{SURREY}/catalogue/import", {"file": bad, "title": "T", "publisher": "P"}
    )
    assert response.status_code == 400
    assert b"missing-label" in response.content


def test_api_searches_and_pages_through_public_data(client, alice, charlie):
    _, secret = token_create(user=alice, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    found = client.get("/api/v1/catalogue", {"q": "deprivation"}, **auth).json()
    assert {d["slug"] for d in found} >= {"imd-2025-district", "imd-2025-lsoa"}
    rows = client.get("/api/v1/catalogue/population-mid-2024/rows", {"limit": 5}, **auth).json()
    assert rows["total_rows"] == 318
    assert len(rows["rows"]) == 5
    assert client.get("/api/v1/catalogue/nope", **auth).json()["code"] == "dataset-not-found"


def test_importing_published_figures_is_for_the_roles_the_policy_names(signed_in, db):
    from lgrshare.audit.models import AuditEntry
    from tests.conftest import GUILDFORD, _make

    dpo = _make("gdpo", ["dpo"], GUILDFORD)
    refused = signed_in(dpo).get(f"/areas/{SURREY}/catalogue/import")
    assert refused.status_code == 403
    assert AuditEntry.objects.filter(
        action="access-refused", actor="gdpo", reason="role-not-permitted"
    ).exists()
    analyst = _make("ganalyst", ["analyst"], GUILDFORD)
    assert signed_in(analyst).get(f"/areas/{SURREY}/catalogue/import").status_code == 200


def test_contractor_staff_do_not_record_holdings(signed_in, dave):
    response = signed_in(dave).get(f"/areas/{SURREY}/catalogue/held")
    assert response.status_code == 403


def test_outturn_shows_a_return_not_received_as_empty_never_zero(signed_in, alice):
    response = signed_in(alice).get("/catalogue/revenue-outturn-2023-24/data.csv")
    assert response.status_code == 200
    text = (
        b"".join(response.streaming_content).decode()
        if response.streaming
        else (response.content.decode())
    )
    woking = next(line for line in text.splitlines() if line.startswith("E07000217"))
    assert woking.split(",")[2:4] == ["false", ""]
    guildford = next(line for line in text.splitlines() if line.startswith("E07000209"))
    assert guildford.split(",")[3] == "14996.0"

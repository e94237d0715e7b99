"""The one read path: every period shown, rows filtered and paged, downloads with context."""

import io
import zipfile

import pytest

from lgrshare.agreements import services as agreements
from lgrshare.audit.models import AuditEntry
from lgrshare.datasets.read import LINEAGE
from lgrshare.submissions import services
from tests.conftest import GUILDFORD, SURREY, WOKING
from tests.submissions.test_flows import SIX, _activate, api, assets_csv, cast, d1  # noqa: F401


@pytest.fixture
def assets(cast):  # noqa: F811
    """Guildford shares six fields of its land and property register with Surrey CC."""
    agreement = _activate(cast, parties={GUILDFORD: True, SURREY: False})
    return services.dataset_for(
        agreement=agreement, standard="land-and-property-assets", council=GUILDFORD
    )


def _submit(user, dataset, period):
    content = assets_csv(SIX)
    created = services.submission_create(
        user=user,
        dataset=dataset,
        source=io.BytesIO(content),
        file_name=f"assets-{period}.csv",
        size=len(content),
        period=period,
    )
    return services.submission_accept(user=user, submission=created)


def test_a_dataset_shows_every_period_not_only_the_latest_file(cast, assets, signed_in, client):  # noqa: F811
    earlier = _submit(cast["gary"], assets, "2023-24")
    later = _submit(cast["gary"], assets, "2024-25")
    agreements.terms_accept(user=cast["sam"], agreement=assets.agreement)
    page = signed_in(cast["sam"]).get(f"/catalogue/{assets.slug}/")
    assert page.context["total_rows"] == 2
    assert [v.reference for v in page.context["versions"]] == [earlier.reference, later.reference]
    periods = [row[page.context["columns"].index("source_period")] for row in page.context["rows"]]
    assert periods == ["2023-24", "2024-25"]
    rows = api(client, cast["sam"])(f"/api/v1/catalogue/{assets.slug}/rows?period=2023-24").json()
    assert rows["total"] == 1
    assert rows["rows"][0][rows["columns"].index("source_submission")] == earlier.reference


def test_a_new_version_of_a_period_replaces_only_that_period(cast, assets, signed_in):  # noqa: F811
    _submit(cast["gary"], assets, "2023-24")
    _submit(cast["gary"], assets, "2024-25")
    replacement = _submit(cast["gary"], assets, "2023-24")
    assert replacement.version == 2
    agreements.terms_accept(user=cast["gary"], agreement=assets.agreement)
    page = signed_in(cast["gary"]).get(f"/catalogue/{assets.slug}/")
    shown = {(v.period, v.version) for v in page.context["versions"]}
    assert shown == {("2023-24", 2), ("2024-25", 1)}


def test_the_dataset_zip_carries_every_period_its_caveats_and_reports(cast, assets, signed_in):  # noqa: F811
    first = _submit(cast["gary"], assets, "2023-24")
    second = _submit(cast["gary"], assets, "2024-25")
    agreements.terms_accept(user=cast["sam"], agreement=assets.agreement)
    response = signed_in(cast["sam"]).get(f"/catalogue/{assets.slug}/download.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"ABOUT.txt", "data.csv", "schema.json", "caveats.json"} <= names
    assert f"validation-report-{first.reference}.json" in names
    assert f"validation-report-{second.reference}.json" in names
    header = archive.read("data.csv").decode().splitlines()[0].split(",")
    assert header == [*SIX, *LINEAGE]
    about = archive.read("ABOUT.txt").decode()
    assert "Period 2023-24" in about
    assert "Period 2024-25" in about
    assert AuditEntry.objects.filter(action="download", actor="sam").exists()


def test_the_old_csv_address_of_shared_data_downloads_it_with_its_context(
    cast,  # noqa: F811
    assets,
    signed_in,
):
    _submit(cast["gary"], assets, "2023-24")
    agreements.terms_accept(user=cast["gary"], agreement=assets.agreement)
    response = signed_in(cast["gary"]).get(f"/catalogue/{assets.slug}/data.csv")
    assert response.status_code == 302
    assert response.url.endswith("/download.zip")


def test_rows_page_with_a_total_and_a_next_link_never_a_silent_cap(client, alice):
    get = api(client, alice)
    url = "/api/v1/catalogue/population-mid-2024/rows?limit=100"
    seen, pages = [], 0
    while url:
        body = get(url).json()
        assert body["total"] == 318
        seen += body["rows"]
        url = body["next"]
        pages += 1
    assert pages == 4
    assert len(seen) == 318
    assert len({tuple(r) for r in seen}) == 318
    big = get("/api/v1/catalogue/imd-2025-lsoa/rows?limit=1000").json()
    assert big["total"] == 33755
    assert len(big["rows"]) == 1000
    assert "offset=1000" in big["next"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("limit=0", "page-limit-invalid"),
        ("limit=-5", "page-limit-invalid"),
        ("limit=1001", "page-limit-invalid"),
        ("limit=100000", "page-limit-invalid"),
        ("limit=ten", "page-limit-invalid"),
        ("limit=1.5", "page-limit-invalid"),
        ("offset=-1", "page-offset-invalid"),
        ("offset=abc", "page-offset-invalid"),
        ("offset=318", "page-offset-invalid"),  # the table has 318 rows: 0 to 317
        ("offset=99999999999999999999", "page-offset-invalid"),
        ("cursor=abc", "filter-unknown"),
        ("ward=E05014964", "filter-unknown"),
    ],
)
def test_bad_paging_or_an_unknown_filter_is_refused_never_adjusted(client, alice, query, code):
    response = api(client, alice)(f"/api/v1/catalogue/population-mid-2024/rows?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == code
    if code == "page-limit-invalid":
        assert "from 1 to 1,000" in response.json()["message"]
    if query == "offset=318":
        assert "0 to 317" in response.json()["message"]


def test_the_last_row_and_the_largest_page_are_allowed(client, alice):
    get = api(client, alice)
    last = get("/api/v1/catalogue/population-mid-2024/rows?offset=317&limit=1000").json()
    assert len(last["rows"]) == 1
    assert last["next"] is None


def test_rows_filter_by_district_and_county(client, alice):
    get = api(client, alice)
    lsoas = get("/api/v1/catalogue/imd-2025-lsoa/rows?district=E07000209&limit=1000").json()
    assert lsoas["total"] == 84  # Guildford's 84 LSOAs (ONS best-fit lookup)
    surrey = get("/api/v1/catalogue/population-mid-2024/rows?county=E10000030").json()
    codes = {row[surrey["columns"].index("gss_code")] for row in surrey["rows"]}
    assert len(codes) == 12  # Surrey County Council and its 11 districts
    assert {"E10000030", "E07000209", "E07000217"} <= codes
    guildford = get("/api/v1/catalogue/population-mid-2024/rows?district=E07000209").json()
    assert guildford["total"] == 1
    population = guildford["rows"][0][guildford["columns"].index("population_mid2024")]
    assert population == 151359


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("district=Guildford", "district-code-invalid"),
        ("county=E07000209", "county-code-invalid"),
        ("period=2023-24", "no-period"),
    ],
)
def test_a_filter_the_table_cannot_answer_is_a_clear_error(client, alice, query, code):
    response = api(client, alice)(f"/api/v1/catalogue/population-mid-2024/rows?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_someone_from_another_area_sees_neither_rows_nor_downloads(cast, assets, client, charlie):  # noqa: F811
    _submit(cast["gary"], assets, "2023-24")
    get = api(client, charlie)
    for url in (
        f"/api/v1/catalogue/{assets.slug}/rows",
        f"/api/v1/catalogue/{assets.slug}/download.zip",
    ):
        response = get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "dataset-not-found"


def test_a_party_that_receives_nothing_is_refused_with_its_reason(cast, client):  # noqa: F811
    agreement = _activate(
        cast,
        parties={GUILDFORD: True, SURREY: False, WOKING: False},
        flows=[
            {
                "standard": "land-and-property-assets",
                "provider": GUILDFORD,
                "recipient": SURREY,
                "fields": SIX,
            }
        ],
    )
    dataset = services.dataset_for(
        agreement=agreement, standard="land-and-property-assets", council=GUILDFORD
    )
    _submit(cast["gary"], dataset, "2023-24")
    agreements.terms_accept(user=cast["bob"], agreement=agreement)
    response = api(client, cast["bob"])(f"/api/v1/catalogue/{dataset.slug}/rows")
    assert response.status_code == 403
    assert response.json()["code"] == "not-a-recipient"


@pytest.mark.parametrize(
    ("query", "code", "words"),
    [
        ("district=", "filter-empty", "district has no value"),
        ("county=&period=2023-24", "filter-empty", "county has no value"),
        ("fields=", "filter-empty", "fields has no value"),
        ("period=banana", "period-invalid", "financial year such as 2023-24"),
        ("period=2023-2024", "period-invalid", "this table has 2023-24"),
        ("district=E07000209&district=E07000217", "filter-repeated", "district may be given once"),
        ("period=2023-24&period=2024-25", "filter-repeated", "period may be given once"),
    ],
)
def test_a_filter_that_cannot_be_meant_is_refused_not_answered_with_rows(
    cast,  # noqa: F811
    assets,
    client,
    query,
    code,
    words,
):
    _submit(cast["gary"], assets, "2023-24")
    agreements.terms_accept(user=cast["sam"], agreement=assets.agreement)
    response = api(client, cast["sam"])(f"/api/v1/catalogue/{assets.slug}/rows?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert words in response.json()["message"]


def test_a_period_written_as_the_data_writes_them_filters_even_when_there_is_none(
    cast,  # noqa: F811
    assets,
    client,
):
    _submit(cast["gary"], assets, "2023-24")
    agreements.terms_accept(user=cast["sam"], agreement=assets.agreement)
    get = api(client, cast["sam"])
    assert get(f"/api/v1/catalogue/{assets.slug}/rows?period=2023-24").json()["total"] == 1
    assert get(f"/api/v1/catalogue/{assets.slug}/rows?period=2019-20").json()["total"] == 0


def test_a_field_the_dataset_lacks_is_named_with_the_fields_it_has(cast, d1, client):  # noqa: F811
    _submit(cast["gary"], d1, "2023-24")
    agreements.terms_accept(user=cast["bob"], agreement=d1.agreement)
    get = api(client, cast["bob"])  # Woking: three of the six fields
    unknown = get(f"/api/v1/catalogue/{d1.slug}/rows?fields=AssetCode,nope")
    assert unknown.status_code == 400
    body = unknown.json()
    assert body["code"] == "field-unknown"
    assert "no field nope" in body["message"]
    assert "AssetCode" in body["message"]
    assert "source_period" in body["message"]
    # A field the dataset has that the agreement does not give Woking stays the policy's.
    not_agreed = get(f"/api/v1/catalogue/{d1.slug}/rows?fields=AssetCode,HoldingType")
    assert (not_agreed.status_code, not_agreed.json()["code"]) == (403, "fields-not-agreed")


def test_someone_who_may_not_see_the_dataset_gets_the_policys_answer_before_field_unknown(
    cast,  # noqa: F811
    assets,
    client,
    charlie,
):
    _submit(cast["gary"], assets, "2023-24")
    # Surrey has not accepted the agreement's terms: the policy refuses before any field.
    refused = api(client, cast["sam"])(f"/api/v1/catalogue/{assets.slug}/rows?fields=nope")
    assert (refused.status_code, refused.json()["code"]) == (403, "terms-not-accepted")
    elsewhere = api(client, charlie)(f"/api/v1/catalogue/{assets.slug}/rows?fields=nope")
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (404, "dataset-not-found")

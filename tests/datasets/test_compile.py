"""Compile: every council's accepted submissions of a standard as one dataset, with coverage.

Council tax figures are DLUHC Table 9 2023-24 (the demo's files). The service demand counts
in the airlock tests are made up for the test at Guildford's real LSOAs: no such figures are
published, which is the point of the airlock.
"""

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import pytest

from lgrshare.agreements import services as agreements
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.demo import COUNCIL_TAX_FIELDS, _council_tax_csv
from lgrshare.submissions import services
from tests.conftest import GUILDFORD, SURREY, WOKING
from tests.experts import experts_reviewed
from tests.submissions.test_flows import SIX, STANDARD, THREE, api, assets_csv, cast, d1, submit  # noqa: F401

TAX = "council-tax-base"
DEMAND = "service-demand-lsoa"


def _agreement(cast, standard, fields=None, **more):  # noqa: F811
    item = {"standard": standard, **({"fields": list(fields)} if fields else {})}
    agreement = agreements.agreement_create(
        user=cast["gary"],
        area=Area.objects.get(county_id=SURREY),
        title=f"{standard} for the new councils",
        parties={GUILDFORD: True, WOKING: True, SURREY: False},
        terms={
            "purposes": "Evidence for the reorganisation proposal",
            "legal_power": "Local Government and Public Involvement in Health Act 2007 Part 1",
            "data_items": [item],
            "personal_data": "none",
            "delete_by": date.today() + timedelta(days=200),
            **more,
        },
    )
    agreements.agreement_send_for_review(user=cast["gary"], agreement=agreement)
    experts_reviewed(agreement)
    for gss in (GUILDFORD, WOKING, SURREY):
        agreements.agreement_dpo_review(user=cast[f"{gss}-dpo"], agreement=agreement, approve=True)
        agreements.agreement_sign(user=cast[f"{gss}-sign"], agreement=agreement)
    agreement.refresh_from_db()
    return agreement


def _submit(user, agreement, standard, council, content, period="2023-24"):
    created = services.submission_create(
        user=user,
        dataset=services.dataset_for(agreement=agreement, standard=standard, council=council),
        source=io.BytesIO(content),
        file_name="data.csv",
        size=len(content),
        period=period,
    )
    return services.submission_accept(user=user, submission=created)


@pytest.fixture
def tax(cast):  # noqa: F811
    return _agreement(cast, TAX, COUNCIL_TAX_FIELDS)


def test_compile_combines_every_council_with_lineage_and_coverage(cast, tax, client):  # noqa: F811
    guildford = _submit(cast["gary"], tax, TAX, GUILDFORD, _council_tax_csv(GUILDFORD))
    woking = _submit(cast["wendy"], tax, TAX, WOKING, _council_tax_csv(WOKING))
    agreements.terms_accept(user=cast["sam"], agreement=tax)
    body = api(client, cast["sam"])(f"/api/v1/agreements/{tax.pk}/compile/{TAX}").json()
    assert body["total"] == 2
    rows = [dict(zip(body["columns"], row, strict=True)) for row in body["rows"]]
    by_council = {r["source_council"]: r for r in rows}
    assert by_council[GUILDFORD]["source_submission"] == guildford.reference
    assert by_council[WOKING]["source_submission"] == woking.reference
    assert by_council[GUILDFORD]["source_period"] == "2023-24"
    assert by_council[GUILDFORD]["band_d_area_total_gbp"] == "2214.77"  # DLUHC Table 9
    assert not any(r["council_code_differs"] for r in rows)
    councils = {c["council"]: c for c in body["coverage"]["councils"]}
    assert councils[GUILDFORD]["periods"] == ["2023-24"]
    assert body["coverage"]["missing"] == []
    assert body["disclosure"] is None  # council tax is not about people
    entry = AuditEntry.objects.get(action="dataset-compiled", actor="sam")
    assert entry.target_id == tax.reference


def test_coverage_names_who_is_missing_a_period_and_carries_caveats(cast, tax, signed_in):  # noqa: F811
    _submit(cast["gary"], tax, TAX, GUILDFORD, _council_tax_csv(GUILDFORD))
    late = services.submission_create(
        user=cast["wendy"],
        dataset=services.dataset_for(agreement=tax, standard=TAX, council=WOKING),
        source=io.BytesIO(_council_tax_csv(WOKING)),
        file_name="data.csv",
        size=len(_council_tax_csv(WOKING)),
        period="2022-23",
    )
    services.submission_add_caveat(
        user=cast["wendy"],
        submission=late,
        kind="definition-differs",
        text="Tax base taken before the empty homes premium",
        field="tax_base_band_d_equivalents",
    )
    # The rows say 2023-24, not the period declared: accepted only with that explained.
    assert late.report["stats"]["counts"] == {"wrong-period": 1}
    services.submission_add_caveat(
        user=cast["wendy"],
        submission=late,
        kind="known-error",
        text="The 2023-24 figures stand in for 2022-23 until that return is found",
        explains="wrong-period",
    )
    services.submission_accept(user=cast["wendy"], submission=late)
    agreements.terms_accept(user=cast["sam"], agreement=tax)
    page = signed_in(cast["sam"]).get(f"/agreements/{tax.pk}/compile/{TAX}/")
    assert page.status_code == 200
    compiled = page.context["compiled"]
    assert set(compiled.coverage.missing) == {
        ("Guildford Borough Council", "2022-23"),
        ("Woking Borough Council", "2023-24"),
    }
    assert any("empty homes premium" in d for d in compiled.coverage.differences)
    assert any("different periods" in d for d in compiled.coverage.differences)
    assert b"empty homes premium" in page.content


def test_a_row_naming_another_council_is_flagged(cast, tax, signed_in):  # noqa: F811
    # Woking submits a file holding Guildford's row: it is not valid (wrong-organisation), and
    # accepted with that explained, it compiles, flagged.
    content = _council_tax_csv(GUILDFORD)
    created = services.submission_create(
        user=cast["wendy"],
        dataset=services.dataset_for(agreement=tax, standard=TAX, council=WOKING),
        source=io.BytesIO(content),
        file_name="data.csv",
        size=len(content),
        period="2023-24",
    )
    assert created.report["stats"]["counts"] == {"wrong-organisation": 2}  # code and name
    services.submission_add_caveat(
        user=cast["wendy"],
        submission=created,
        kind="known-error",
        text="Sent for Guildford while its data lead is away",
        explains="wrong-organisation",
    )
    services.submission_accept(user=cast["wendy"], submission=created)
    _submit(cast["gary"], tax, TAX, GUILDFORD, _council_tax_csv(GUILDFORD))
    agreements.terms_accept(user=cast["sam"], agreement=tax)
    page = signed_in(cast["sam"]).get(f"/agreements/{tax.pk}/compile/{TAX}/")
    compiled = page.context["compiled"]
    assert compiled.flagged == 1
    flagged = compiled.frame.filter(compiled.frame["council_code_differs"])
    assert flagged["source_council"].to_list() == [WOKING]
    assert b'data-testid="flagged"' in page.content


def test_a_compile_with_no_submissions_is_a_clear_error(cast, tax, client):  # noqa: F811
    agreements.terms_accept(user=cast["sam"], agreement=tax)
    sam = api(client, cast["sam"])
    response = sam(f"/api/v1/agreements/{tax.pk}/compile/{TAX}")
    assert response.json()["code"] == "compile-no-submissions"
    assert response.status_code == 400
    other = sam(f"/api/v1/agreements/{tax.pk}/compile/contracts-register")
    assert other.status_code == 404
    assert other.json()["code"] == "standard-not-in-agreement"


def test_compile_is_refused_without_accepted_terms_and_outside_the_area(
    cast,  # noqa: F811
    tax,
    client,
    charlie,
):
    _submit(cast["gary"], tax, TAX, GUILDFORD, _council_tax_csv(GUILDFORD))
    sam = api(client, cast["sam"])
    refused = sam(f"/api/v1/agreements/{tax.pk}/compile/{TAX}")
    assert refused.status_code == 403
    assert refused.json()["code"] == "terms-not-accepted"
    outsider = api(client, charlie)(f"/api/v1/agreements/{tax.pk}/compile/{TAX}")
    assert outsider.status_code == 404
    assert outsider.json()["code"] == "agreement-not-found"


def test_the_compiled_zip_carries_coverage_caveats_and_lineage(cast, tax, signed_in):  # noqa: F811
    _submit(cast["gary"], tax, TAX, GUILDFORD, _council_tax_csv(GUILDFORD))
    agreements.terms_accept(user=cast["sam"], agreement=tax)
    response = signed_in(cast["sam"]).get(f"/agreements/{tax.pk}/compile/{TAX}/download.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"ABOUT.txt", "data.csv", "caveats.json", "coverage.json"} <= set(archive.namelist())
    header = archive.read("data.csv").decode().splitlines()[0].split(",")
    assert header[:4] == ["source_council", "source_submission", "source_version", "source_period"]
    assert "Woking Borough Council: nothing submitted" in archive.read("ABOUT.txt").decode()


# The airlock: service demand counts are derived from records about people.

LSOAS = [  # Guildford's LSOAs in two of its wards (ONS best-fit lookup)
    ("E01030504", "Guildford 005F"),  # Worplesdon
    ("E01030499", "Guildford 005A"),  # Worplesdon
    ("E01030501", "Guildford 005C"),  # Worplesdon
    ("E01030444", "Guildford 003D"),  # Clandon & Horsley
    ("E01030443", "Guildford 003C"),  # Clandon & Horsley
]
COUNTS = [4, 37, 52, 61, 45]  # made up for the test; 4 is a small number


def _demand_csv(council=GUILDFORD):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["lsoa21_code", "lsoa21_name", "council_gss_code", "service_area", "measure",
         "period_start", "period_months", "count", "suppressed"]
    )  # fmt: skip
    for (code, name), count in zip(LSOAS, COUNTS, strict=True):
        writer.writerow(
            [code, name, council, "housing", "homelessness-applications", "2024-04", "12",
             count, "No"]
        )  # fmt: skip
    return out.getvalue().encode()


@pytest.fixture
def demand(cast, request):  # noqa: F811
    more = getattr(request, "param", {})
    agreement = _agreement(
        cast, DEMAND, personal_data="aggregate", classification="OFFICIAL-SENSITIVE", **more
    )
    _submit(cast["gary"], agreement, DEMAND, GUILDFORD, _demand_csv(), period="2024-25")
    dataset = services.dataset_for(agreement=agreement, standard=DEMAND, council=GUILDFORD)
    for who in ("sam", "gary"):
        agreements.terms_accept(user=cast[who], agreement=agreement)
    return agreement, dataset


def test_recipients_are_refused_person_derived_rows_and_the_provider_is_not(
    cast,  # noqa: F811
    demand,
    client,
    signed_in,
):
    _, dataset = demand
    recipient = api(client, cast["sam"])
    for url in (
        f"/api/v1/catalogue/{dataset.slug}/rows",
        f"/api/v1/catalogue/{dataset.slug}/download.csv",
        f"/api/v1/submissions/{dataset.submissions.get().pk}/download.zip",
    ):
        response = recipient(url)
        assert response.status_code == 403, url
        assert response.json()["code"] == "person-level-rows"
    page = signed_in(cast["sam"]).get(f"/catalogue/{dataset.slug}/")
    assert "rows" not in page.context
    assert AuditEntry.objects.filter(actor="sam", reason="person-level-rows").exists()
    own = api(client, cast["gary"])(f"/api/v1/catalogue/{dataset.slug}/rows").json()
    assert own["total"] == 5  # the provider sees its own rows


def test_recipients_get_compiled_suppressed_aggregates(cast, demand, client):  # noqa: F811
    agreement, _ = demand
    body = api(client, cast["sam"])(
        f"/api/v1/agreements/{agreement.pk}/compile/{DEMAND}?limit=1000"
    ).json()
    rows = [dict(zip(body["columns"], row, strict=True)) for row in body["rows"]]
    lsoa = {r["unit"]: r for r in rows if r["geography"] == "lsoa"}
    assert lsoa["E01030504"]["count"] is None
    assert lsoa["E01030504"]["withheld"] == "small-count"
    published = [r["count"] for r in rows if r["count"] is not None]
    assert all(c % 5 == 0 for c in published)  # rounded to base 5
    assert 4 not in published
    # Worplesdon = 4 + 37 + 52 would give the 4 back by subtraction from its LSOAs: protected.
    worplesdon = [lsoa[c]["count"] for c in ("E01030504", "E01030499", "E01030501")]
    ward = {r["unit"]: r for r in rows if r["geography"] == "ward"}
    assert worplesdon.count(None) >= 2 or ward["E05014964"]["count"] is None
    assert body["disclosure"]["withheld"]["small-count"] >= 1
    assert body["disclosure"]["text"]


def test_the_cli_compiles_through_the_same_policy(cast, tax, tmp_path):  # noqa: F811
    from click.testing import CliRunner

    from lgrshare.cli import main

    _submit(cast["gary"], tax, TAX, GUILDFORD, _council_tax_csv(GUILDFORD))
    args = ["compile", "--agreement", str(tax.pk), "--standard", TAX, "--user", "sam"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2
    assert "[terms-not-accepted]" in refused.output
    agreements.terms_accept(user=cast["sam"], agreement=tax)
    out = tmp_path / "compiled.xlsx"
    done = CliRunner().invoke(main, [*args, "--format", "xlsx", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "Guildford Borough Council: 2023-24" in done.output
    assert "Woking Borough Council: nothing submitted" in done.output
    assert out.read_bytes()[:2] == b"PK"
    as_json = CliRunner().invoke(main, [*args, "--json"])
    coverage = json.loads(as_json.output)
    assert coverage["missing"] == [
        {"council": WOKING, "name": "Woking Borough Council", "period": "2023-24"}
    ]


@pytest.mark.parametrize("demand", [{"disclosure_threshold": 40}], indirect=True)
def test_the_threshold_is_set_per_agreement(cast, demand, client):  # noqa: F811
    agreement, _ = demand
    body = api(client, cast["sam"])(
        f"/api/v1/agreements/{agreement.pk}/compile/{DEMAND}?limit=1000"
    ).json()
    rows = [dict(zip(body["columns"], row, strict=True)) for row in body["rows"]]
    lsoa = {r["unit"]: r for r in rows if r["geography"] == "lsoa"}
    assert lsoa["E01030499"]["withheld"] == "small-count"  # 37, under this agreement's 40
    assert body["disclosure"]["threshold"] == 40


def test_the_compile_api_filters_and_pages_as_the_rows_api_does(cast, tax, client):  # noqa: F811
    _submit(cast["gary"], tax, TAX, GUILDFORD, _council_tax_csv(GUILDFORD))
    _submit(cast["wendy"], tax, TAX, WOKING, _council_tax_csv(WOKING))
    agreements.terms_accept(user=cast["sam"], agreement=tax)
    sam = api(client, cast["sam"])
    url = f"/api/v1/agreements/{tax.pk}/compile/{TAX}"
    body = sam(f"{url}?district={GUILDFORD}").json()
    assert body["total"] == 1
    assert body["rows"][0][body["columns"].index("source_council")] == GUILDFORD
    assert body["units"]["collection_rate"] == "proportion"  # raw numbers, the unit named
    assert sam(f"{url}?county={SURREY}").json()["total"] == 2
    assert sam(f"{url}?district=E07000105").json()["total"] == 0  # Kent's Ashford: none
    assert sam(f"{url}?period=2022-23").json()["total"] == 0
    for query, code in (
        ("ward=E05014964", "filter-unknown"),
        ("district=Guildford", "district-code-invalid"),
        ("limit=0", "page-limit-invalid"),
        ("limit=5000", "page-limit-invalid"),
        ("offset=2", "page-offset-invalid"),
    ):
        refused = sam(f"{url}?{query}")
        assert (refused.status_code, refused.json()["code"]) == (400, code), query


def test_the_compile_api_refuses_a_filter_given_empty_twice_or_not_as_a_period(cast, tax, client):  # noqa: F811
    _submit(cast["gary"], tax, TAX, GUILDFORD, _council_tax_csv(GUILDFORD))
    agreements.terms_accept(user=cast["sam"], agreement=tax)
    sam = api(client, cast["sam"])
    url = f"/api/v1/agreements/{tax.pk}/compile/{TAX}"
    for query, code, words in (
        ("district=", "filter-empty", "district has no value"),
        ("period=banana", "period-invalid", "this table has 2023-24"),
        (
            f"district={GUILDFORD}&district={WOKING}",
            "filter-repeated",
            "district may be given once",
        ),
    ):
        refused = sam(f"{url}?{query}")
        assert (refused.status_code, refused.json()["code"]) == (400, code), query
        assert words in refused.json()["message"], query


def test_filtering_the_airlock_down_to_a_place_never_reveals_a_withheld_count(
    cast,  # noqa: F811
    demand,
    client,
):
    agreement, _ = demand
    sam = api(client, cast["sam"])
    url = f"/api/v1/agreements/{agreement.pk}/compile/{DEMAND}"
    whole = sam(f"{url}?limit=1000").json()
    guildford = sam(f"{url}?district={GUILDFORD}&limit=1000").json()
    assert 0 < guildford["total"] <= whole["total"]
    rows = [dict(zip(guildford["columns"], r, strict=True)) for r in guildford["rows"]]
    lsoa = {r["unit"]: r for r in rows if r["geography"] == "lsoa"}
    assert lsoa["E01030504"]["count"] is None  # still withheld when filtered down to
    every = {tuple(r) for r in whole["rows"]}
    assert all(tuple(r) in every for r in guildford["rows"])  # a subset: nothing re-counted
    assert 4 not in [r["count"] for r in rows]


def test_pages_show_a_proportion_as_a_percentage_and_the_api_keeps_it_raw(
    cast,  # noqa: F811
    tax,
    signed_in,
    client,
):
    _submit(cast["wendy"], tax, TAX, WOKING, _council_tax_csv(WOKING))
    agreements.terms_accept(user=cast["sam"], agreement=tax)
    page = signed_in(cast["sam"]).get(f"/agreements/{tax.pk}/compile/{TAX}/")
    column = page.context["columns"].index("collection_rate")
    assert page.context["rows"][0][column] == "98.4%"  # Woking, DLUHC Table 9 2023-24
    dataset = services.dataset_for(agreement=tax, standard=TAX, council=WOKING)
    shown = signed_in(cast["sam"]).get(f"/catalogue/{dataset.slug}/")
    assert shown.context["rows"][0][shown.context["columns"].index("collection_rate")] == "98.4%"
    sam = api(client, cast["sam"])
    body = sam(f"/api/v1/agreements/{tax.pk}/compile/{TAX}").json()
    assert body["rows"][0][body["columns"].index("collection_rate")] == "0.984"
    rows = sam(f"/api/v1/catalogue/{dataset.slug}/rows").json()
    assert rows["rows"][0][rows["columns"].index("collection_rate")] == "0.984"
    assert rows["units"]["collection_rate"] == "proportion"


def test_compile_gives_each_recipient_only_the_fields_its_flow_agreed(cast, d1, client):  # noqa: F811
    dataset = d1
    created = submit(cast["gary"], dataset, assets_csv(SIX))
    services.submission_accept(user=cast["gary"], submission=created)
    for user, fields in ((cast["sam"], SIX), (cast["bob"], THREE)):
        agreements.terms_accept(user=user, agreement=dataset.agreement)
        body = api(client, user)(f"/api/v1/agreements/{dataset.agreement.pk}/compile/{STANDARD}")
        assert body.status_code == 200, body.json()
        columns = body.json()["columns"]
        lineage = ["source_council", "source_submission", "source_version", "source_period"]
        assert [c for c in columns if c not in (*lineage, "council_code_differs")] == fields

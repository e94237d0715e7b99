"""Directed flows with field lists (issue 12, D-1): each party gets exactly what was agreed.

Guildford shares six fields of its land and property register with Surrey County Council and
three with Woking. The data lead's full 20-column template is refused (or cut, if they choose);
each recipient's preview, rows, zip and Excel hold only its own fields; a provider never sees
another provider's data unless a flow says so.
"""

import csv
import html
import io
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from lgrshare.accounts.services import token_create
from lgrshare.agreements import services as agreements
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.datasets.read import LINEAGE
from lgrshare.domain.agreement_terms import DataItem, plan_flows
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.standards.templates import example_row
from lgrshare.standards.services import standard_get
from lgrshare.submissions import services
from lgrshare.submissions.models import Submission
from lgrshare.vault.models import Blob
from lgrshare.vault.services import blob_read_bytes
from tests.conftest import GUILDFORD, SURREY, WOKING, _make
from tests.experts import experts_reviewed

STANDARD = "land-and-property-assets"
SIX = [
    "OrganisationLabel",
    "EffectiveDate",
    "AssetCode",
    "PropertyName",
    "TenureType",
    "HoldingType",
]
THREE = ["AssetCode", "PropertyName", "TenureType"]


def assets_csv(columns: list[str] | None = None) -> bytes:
    """A register row in the standard's own example values, with ``columns`` (default: all 20)."""
    standard = standard_get(name=STANDARD)
    names = [f.name for f in standard.fields]
    row = dict(zip(names, example_row(standard), strict=True))
    wanted = columns or names
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(wanted)
    writer.writerow([row[name] for name in wanted])
    return out.getvalue().encode()


@pytest.fixture
def cast(db, alice, bob):
    people = {
        "alice": alice,  # Guildford analyst
        "bob": bob,  # Woking data lead
        "gary": _make("gary", ["data-lead"], GUILDFORD),
        "sam": _make("sam", ["analyst"], SURREY),
        "wendy": _make("wendy", ["data-lead"], WOKING),
    }
    for gss in (SURREY, GUILDFORD, WOKING):
        people[f"{gss}-dpo"] = _make(f"dpo-{gss}", ["dpo"], gss)
        people[f"{gss}-sign"] = _make(f"sign-{gss}", ["senior-signatory"], gss)
    return people


def _activate(cast, *, parties, flows=None, fields=SIX):
    terms = {
        "purposes": "Baseline of operational land and buildings for the new councils",
        "legal_power": "Local Government and Public Involvement in Health Act 2007 Part 1",
        "data_items": [{"standard": STANDARD, "fields": fields}],
        "personal_data": "none",
        "delete_by": date.today() + timedelta(days=200),
    }
    if flows is not None:
        terms["flows"] = flows
    agreement = agreements.agreement_create(
        user=cast["gary"],
        area=Area.objects.get(county_id=SURREY),
        title="Land and property baseline",
        parties=parties,
        terms=terms,
    )
    agreements.agreement_send_for_review(user=cast["gary"], agreement=agreement)
    experts_reviewed(agreement)
    for gss in parties:
        agreements.agreement_dpo_review(user=cast[f"{gss}-dpo"], agreement=agreement, approve=True)
        agreements.agreement_sign(user=cast[f"{gss}-sign"], agreement=agreement)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def d1(cast):
    """Guildford provides six fields to Surrey County Council and three to Woking."""
    flows = [
        {"standard": STANDARD, "provider": GUILDFORD, "recipient": SURREY, "fields": SIX},
        {"standard": STANDARD, "provider": GUILDFORD, "recipient": WOKING, "fields": THREE},
    ]
    agreement = _activate(
        cast, parties={GUILDFORD: True, SURREY: False, WOKING: False}, flows=flows
    )
    return services.dataset_for(agreement=agreement, standard=STANDARD, council=GUILDFORD)


def api(client, user):
    """GET on the JSON API with a bearer token of ``user``'s."""
    _, secret = token_create(user=user, name="test")
    return lambda url: client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")


def submit(user, dataset, content, **options):
    return services.submission_create(
        user=user,
        dataset=dataset,
        source=io.BytesIO(content),
        file_name="assets.csv",
        size=len(content),
        period="2026-27",
        **options,
    )


def test_the_full_template_is_refused_naming_the_columns_not_agreed_and_nothing_is_kept(cast, d1):
    with pytest.raises(InvalidInput) as caught:
        submit(cast["gary"], d1, assets_csv())
    assert caught.value.code == "fields-not-agreed"
    for column in ("UPRN", "GeoX", "GeoY", "PostCode"):
        assert column in caught.value.message
    assert not Submission.objects.exists()
    assert not Blob.objects.exists()
    refusal = AuditEntry.objects.get(action="access-refused", reason="fields-not-agreed")
    assert refusal.target_id == d1.slug


def test_agreed_columns_in_another_order_pass_and_a_renamed_one_is_named_as_an_error(cast, d1):
    reordered = submit(cast["gary"], d1, assets_csv(list(reversed(SIX))))
    assert reordered.valid
    renamed = submit(cast["gary"], d1, assets_csv(SIX).replace(b"PropertyName", b"BuildingName", 1))
    assert not renamed.valid  # it cannot be shared unless someone accepts it with a caveat
    errors = services.full_report(renamed)["errors"]
    assert [(e["code"], e["field"], e["cell"]) for e in errors] == [
        ("incorrect-label", "PropertyName", "BuildingName")
    ]
    # A column neither agreed nor in the agreed column's place is refused outright.
    with pytest.raises(InvalidInput) as caught:
        submit(cast["gary"], d1, assets_csv([*SIX, "UPRN"]))
    assert (caught.value.code, "UPRN" in caught.value.message) == ("fields-not-agreed", True)


def test_the_data_lead_may_have_the_extra_columns_dropped_before_encryption(cast, d1, signed_in):
    created = submit(cast["gary"], d1, assets_csv(), drop_unagreed=True)
    assert created.valid
    stored = blob_read_bytes(blob=created.blob).decode()
    assert stored.splitlines()[0].split(",") == SIX
    page = signed_in(cast["gary"]).get(f"/submissions/{created.pk}/").content.decode()
    assert "Columns removed" in page
    assert "GeoX" in page
    dropped = created.report["file"]["columns_dropped"]
    assert "UPRN" in dropped
    assert len(dropped) == 14


def test_every_column_not_agreed_is_counted_and_removed_however_many(cast, d1, signed_in):
    # More unshared columns than a report lists errors (1,000): each one must still go.
    extras = [f"Extra{j}" for j in range(1_200)]
    base = assets_csv(SIX).decode().splitlines()
    content = "\n".join(
        [",".join([base[0], *extras]), ",".join([base[1], *("secret" for _ in extras)])]
    ).encode()

    with pytest.raises(InvalidInput) as caught:
        submit(cast["gary"], d1, content)
    assert caught.value.code == "fields-not-agreed"
    assert "1,200 of the file's columns: Extra0, Extra1," in caught.value.message
    assert "Extra9 and 1,190 more" in caught.value.message

    created = submit(cast["gary"], d1, content, drop_unagreed=True)
    stored = blob_read_bytes(blob=created.blob).decode()
    assert stored.splitlines()[0].split(",") == SIX
    assert "secret" not in stored
    assert created.report["file"]["columns_dropped"] == extras
    page = signed_in(cast["gary"]).get(f"/submissions/{created.pk}/").content.decode()
    assert "1,200 columns (Extra0, Extra1, " in page
    assert "and 1,190 more)" in page
    assert "All 1,200 columns removed" in page


def test_each_recipient_sees_only_its_own_fields_in_every_read(cast, d1, signed_in, client):
    created = submit(cast["gary"], d1, assets_csv(SIX))
    services.submission_accept(user=cast["gary"], submission=created)
    for user, fields in ((cast["sam"], SIX), (cast["bob"], THREE)):
        agreements.terms_accept(user=user, agreement=d1.agreement)
        web = signed_in(user)
        assert web.get(f"/submissions/{created.pk}/").context["columns"] == fields
        # The dataset shows every period, each row naming the file it came from.
        assert web.get(f"/catalogue/{d1.slug}/").context["columns"] == [*fields, *LINEAGE]
        archive = zipfile.ZipFile(
            io.BytesIO(web.get(f"/submissions/{created.pk}/download.zip").content)
        )
        header = archive.read("data.csv").decode().splitlines()[0]
        assert header.split(",") == fields
        schema = archive.read("schema.json").decode()
        assert "TenureType" in schema
        assert ("HoldingType" in schema) == (fields == SIX)
        book = load_workbook(
            io.BytesIO(web.get(f"/submissions/{created.pk}/download.xlsx").content)
        )
        assert [c.value for c in next(book["Data"].iter_rows())] == fields
        rows = api(client, user)(f"/api/v1/catalogue/{d1.slug}/rows").json()
        assert rows["columns"] == [*fields, *LINEAGE]


def test_a_recipient_asking_the_rows_api_for_a_field_not_agreed_is_refused(cast, d1, client):
    created = submit(cast["gary"], d1, assets_csv(SIX))
    services.submission_accept(user=cast["gary"], submission=created)
    agreements.terms_accept(user=cast["bob"], agreement=d1.agreement)
    get = api(client, cast["bob"])
    asked = get(f"/api/v1/catalogue/{d1.slug}/rows?fields=AssetCode,TenureType")
    assert asked.json()["columns"] == ["AssetCode", "TenureType"]
    refused = get(f"/api/v1/catalogue/{d1.slug}/rows?fields=AssetCode,HoldingType")
    assert refused.status_code == 403
    assert refused.json()["code"] == "fields-not-agreed"
    assert "HoldingType" in refused.json()["message"]
    assert AuditEntry.objects.filter(reason="fields-not-agreed", actor="bob").exists()


def test_the_report_leaves_out_fields_a_recipient_may_not_see(cast, d1, signed_in):
    created = submit(cast["gary"], d1, assets_csv(SIX))
    services.submission_accept(user=cast["gary"], submission=created)
    agreements.terms_accept(user=cast["bob"], agreement=d1.agreement)
    report = signed_in(cast["bob"]).get(f"/submissions/{created.pk}/report.json").json()
    assert {p["name"] for p in report["profile"]} == set(THREE)


def test_a_provider_does_not_see_another_providers_data(cast, signed_in, client):
    """DSA-00002's shape: Guildford and Woking provide, Surrey County Council receives."""
    agreement = _activate(cast, parties={GUILDFORD: True, WOKING: True, SURREY: False})
    woking = services.dataset_for(agreement=agreement, standard=STANDARD, council=WOKING)
    created = submit(cast["wendy"], woking, assets_csv(SIX))
    services.submission_accept(user=cast["wendy"], submission=created)
    agreements.terms_accept(user=cast["alice"], agreement=agreement)
    guildford = signed_in(cast["alice"])
    refused = guildford.get(f"/submissions/{created.pk}/download.zip")
    assert refused.status_code == 403
    assert "not-a-recipient" in AuditEntry.objects.filter(actor="alice").values_list(
        "reason", flat=True
    )
    assert api(client, cast["alice"])(f"/api/v1/catalogue/{woking.slug}/rows").status_code == 403
    entry = guildford.get(f"/catalogue/{woking.slug}/")
    assert "columns" not in entry.context
    said = html.unescape(entry.content.decode())
    assert "does not share this council's data with your organisation" in said
    assert "not-a-recipient" not in said  # words, not codes
    agreements.terms_accept(user=cast["sam"], agreement=agreement)
    allowed = signed_in(cast["sam"]).get(f"/submissions/{created.pk}/download.zip")
    assert allowed.status_code == 200


def test_the_template_for_an_agreement_holds_only_the_agreed_fields(cast, d1, signed_in):
    response = signed_in(cast["gary"]).get(
        f"/agreements/{d1.agreement.pk}/templates/{STANDARD}.csv"
    )
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0].split(",") == SIX
    page = signed_in(cast["gary"]).get(f"/agreements/{d1.agreement.pk}/submit")
    assert b"UPRN" not in page.content
    outsider = signed_in(cast["sam"]).get(f"/agreements/{d1.agreement.pk}/templates/{STANDARD}.csv")
    assert outsider.status_code == 404  # Surrey provides nothing under it


def test_the_agreement_says_who_gives_whom_which_fields(cast, d1, signed_in):
    page = html.unescape(
        signed_in(cast["sam"]).get(f"/agreements/{d1.agreement.pk}/").content.decode()
    )
    given = "Guildford Borough Council gives Surrey County Council these fields of 'Land and "
    titles = "Organisation, Effective date, Asset code, Property name, Tenure type, Holding type"
    assert given + "property assets': " + titles + "." in page  # the fields' titles
    assert "Guildford Borough Council gives Woking Borough Council these fields" in page


def test_flows_are_checked_against_the_parties_and_the_agreed_fields(cast):
    bad = [
        ({"provider": SURREY, "recipient": GUILDFORD, "fields": SIX}, "flow-parties-invalid"),
        ({"provider": GUILDFORD, "recipient": GUILDFORD, "fields": SIX}, "flow-parties-invalid"),
        ({"provider": GUILDFORD, "recipient": SURREY, "fields": ["UPRN"]}, "flow-fields-invalid"),
        ({"provider": GUILDFORD, "recipient": SURREY, "fields": []}, "flow-fields-invalid"),
    ]
    for flow, code in bad:
        with pytest.raises(InvalidInput) as caught:
            _activate(
                cast,
                parties={GUILDFORD: True, SURREY: False},
                flows=[{"standard": STANDARD, **flow}],
            )
        assert caught.value.code == code


def test_default_flows_go_from_each_provider_to_the_parties_that_do_not_provide():
    known = {STANDARD: [f.name for f in standard_get(name=STANDARD).fields]}
    items = [DataItem(standard=STANDARD, fields=tuple(SIX))]
    flows = plan_flows({GUILDFORD: True, WOKING: True, SURREY: False}, items, known)
    assert {(f.provider, f.recipient) for f in flows} == {(GUILDFORD, SURREY), (WOKING, SURREY)}
    assert all(list(f.fields) == SIX for f in flows)
    mutual = plan_flows({GUILDFORD: True, WOKING: True}, [DataItem(standard=STANDARD)], known)
    assert {(f.provider, f.recipient) for f in mutual} == {
        (GUILDFORD, WOKING),
        (WOKING, GUILDFORD),
    }
    assert len(mutual[0].fields) == 20
    # A council never flows to itself: the only provider as the only recipient gives no flow.
    assert plan_flows({GUILDFORD: True, SURREY: False}, items, known, [GUILDFORD]) == ()


def test_only_those_who_may_submit_are_offered_the_submit_page(cast, d1, signed_in):
    address = f"/agreements/{d1.agreement.pk}/"
    assert (
        "Submit data under this agreement" in signed_in(cast["gary"]).get(address).content.decode()
    )
    for user in (cast["sam"], cast["bob"], cast[f"{GUILDFORD}-dpo"]):  # recipients; a DPO
        assert (
            "Submit data under this agreement" not in signed_in(user).get(address).content.decode()
        )

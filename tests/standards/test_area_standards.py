"""An area's own standard: drafted from an example file, agreed (and frozen) by an agreement,
then used for a submission exactly as a built-in one."""

import csv
import io
import json
from datetime import date, timedelta
from importlib import resources

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from lgrshare.accounts.services import token_create
from lgrshare.agreements import services as agreements
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.domain.errors import PermissionDenied
from lgrshare.domain.standards.model import StandardInvalid
from lgrshare.standards import drafts
from lgrshare.standards.models import AreaStandard
from lgrshare.standards.services import standard_get
from lgrshare.submissions import services as submissions
from tests.conftest import GUILDFORD, SURREY, WOKING

NAME = "surrey-band-d-by-district"


def _example(codes: tuple[str, ...] = (GUILDFORD, WOKING)) -> bytes:
    """Surrey districts' 2023-24 Band D from DLUHC Council Tax levels, Table 9 (real figures)."""
    table = resources.files("lgrshare").joinpath(
        "reference_data", "dluhc_ctr_table9_2023-24_billing_authorities.csv"
    )
    rows = [r for r in csv.reader(io.StringIO(table.read_text(encoding="utf-8"))) if r[1] in codes]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["GSS code", "Council", "Financial year", "Band D (£)", "Tax base"])
    for row in rows:
        writer.writerow([row[1], row[2], "2023-24", row[27], row[23]])
    return out.getvalue().encode()


def _draft(people, **changes):
    arguments = {
        "user": people["surrey_lead"],
        "area": Area.objects.get(county_id=SURREY),
        "name": NAME,
        "title": "Band D by district",
        "source": "example",
        "content": _example(),
    } | changes
    return drafts.area_standard_draft(**arguments)


def test_a_standard_is_proposed_from_an_example_file(people):
    saved = _draft(people)

    standard = standard_get(name=NAME)
    assert (saved.version, saved.state) == ("0.1.0", AreaStandard.State.DRAFT)
    assert [(f.name, f.type, f.title, f.required) for f in standard.fields] == [
        ("gss_code", "string", "GSS code", True),
        ("council", "string", "Council", True),
        ("financial_year", "string", "Financial year", True),
        ("band_d", "number", "Band D (£)", True),
        ("tax_base", "number", "Tax base", True),  # 59212.1, 42611
    ]
    assert standard.get_field("gss_code").constraints["pattern"] == "[EWSN][0-9]{8}"
    assert AuditEntry.objects.filter(action="standard-drafted", target_id=NAME).count() == 1


def test_other_areas_roles_and_names_are_refused(people):
    with pytest.raises(PermissionDenied):
        _draft(people, user=people["kent_lead"])
    with pytest.raises(PermissionDenied):
        _draft(people, user=people["guildford_dpo_only"])
    with pytest.raises(Exception, match="already a standard") as taken:
        _draft(people, name="council-tax-base")
    assert taken.value.code == "standard-name-taken"
    with pytest.raises(StandardInvalid) as bad:
        _draft(people, source="schema", content=b'{"fields": [{"name": "a"}, {"name": "a"}]}')
    assert bad.value.code == "field-name-invalid"
    assert not AreaStandard.objects.exists()
    refused = AuditEntry.objects.filter(action="access-refused", target_type="area")
    assert {entry.reason for entry in refused} == {"other-area", "role-not-permitted"}


def test_a_copy_of_a_built_in_standard_keeps_its_rules(people):
    _draft(people, name="surrey-council-tax", source="copy", copy_from="council-tax-base")

    copied = standard_get(name="surrey-council-tax")
    assert copied.title == "Band D by district"
    assert [rule.id for rule in copied.rules] == [
        rule.id for rule in standard_get(name="council-tax-base").rules
    ]


def test_agreed_by_an_agreement_frozen_and_used_for_a_submission(people):
    _draft(people)
    # The data lead confirms each proposed field (version 0.2.0).
    drafts.area_standard_confirm(user=people["surrey_lead"], name=NAME, based_on="0.1.0")
    agreement = agreements.agreement_create(
        user=people["surrey_lead"],
        area=Area.objects.get(county_id=SURREY),
        title="Band D by district for harmonisation",
        parties={SURREY: False, GUILDFORD: True},
        terms={
            "purposes": "Modelling council tax harmonisation",
            "legal_power": "Local Government Finance Act 1992",
            "data_items": [{"standard": NAME, "fields": []}],
            "personal_data": "none",
            "delete_by": date.today() + timedelta(days=100),
        },
    )
    agreements.agreement_send_for_review(user=people["surrey_lead"], agreement=agreement)
    for council in ("surrey", "guildford"):
        agreements.agreement_dpo_review(
            user=people[f"{council}_dpo"], agreement=agreement, approve=True
        )
        agreements.agreement_sign(user=people[f"{council}_sign"], agreement=agreement)

    agreed = AreaStandard.objects.get(name=NAME, version="0.2.0")
    assert (agreed.state, agreed.agreed_under) == ("agreed", agreement.reference)
    # A change after agreement is a new draft version; the agreed one stays in use.
    changed = standard_get(name=NAME).to_json()
    changed["title"] = "Band D by district (revised)"
    revised = drafts.area_standard_revise(
        user=people["surrey_lead"], name=NAME, content=json.dumps(changed).encode()
    )
    assert (revised.version, revised.state) == ("0.3.0", "draft")
    assert standard_get(name=NAME).title == "Band D by district"

    dataset = submissions.dataset_for(agreement=agreement, standard=NAME, council=GUILDFORD)
    # Filled in as the standard's template heads it: its field names.
    names = ",".join(field.name for field in standard_get(name=NAME).fields)
    content = names.encode() + b"\n" + _example((GUILDFORD,)).split(b"\n", 1)[1]
    submission = submissions.submission_create(
        user=people["guildford_lead"],
        dataset=dataset,
        source=io.BytesIO(content),
        file_name="band-d.csv",
        size=len(content),
        period="2023-24",
    )
    assert submission.valid, submissions.full_report(submission)["errors"]
    assert submission.standard_name == NAME


def test_drafting_in_the_page(people, signed_in):
    client = signed_in(people["surrey_lead"])
    listing = client.get("/standards/").content.decode()
    assert "Draft a standard for Surrey" in listing

    response = client.post(
        f"/areas/{SURREY}/standards/new",
        {
            "title": "Band D by district",
            "name": NAME,
            "source": "example",
            "file": SimpleUploadedFile("example.csv", _example(), content_type="text/csv"),
        },
    )

    # A proposal opens in the field editor, each proposed field filled in to confirm.
    assert (response.status_code, response["Location"]) == (302, f"/standards/{NAME}/fields")
    editor = client.get(response["Location"]).content.decode()
    assert "Check each field" in editor
    assert 'name="field-3-name" type="text" value="band_d"' in editor
    page = client.get(f"/standards/{NAME}/").content.decode()
    assert "Band D by district" in page
    assert "Draft, proposed: check each field" in page
    assert "<code>band_d</code> \u2013 Band D (£)" in page
    # Its templates and schema download as a built-in's do; the code list is a drop-down.
    template = client.get(f"/standards/{NAME}/template.xlsx")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    assert [cell.value for cell in next(book.worksheets[0].iter_rows(max_row=1))][:2] == [
        "gss_code", "council",
    ]  # fmt: skip
    assert book.worksheets[0].data_validations.dataValidation  # the financial_year list
    schema = client.get(f"/standards/{NAME}/schema.json").json()
    assert schema["schema"]["fields"][2]["constraints"]["enum"] == ["2023-24"]
    again = client.post(
        f"/areas/{SURREY}/standards/new",
        {"title": "Mine", "name": "council-tax-base", "source": "copy",
         "copy_from": "council-tax-base"},
    )  # fmt: skip
    assert again.status_code == 400
    assert "There is already a standard called" in again.content.decode()


def test_someone_of_another_area_cannot_draft_in_the_page(people, signed_in):
    client = signed_in(people["kent_lead"])

    assert client.get(f"/areas/{SURREY}/standards/new").status_code in (403, 404)
    assert "Draft a standard for Surrey" not in client.get("/standards/").content.decode()


def _api(client, user):
    _, secret = token_create(user=user, name="test")
    return lambda method, path, **kw: getattr(client, method)(
        path, HTTP_AUTHORIZATION=f"Bearer {secret}", content_type="application/json", **kw
    )


def test_drafting_through_the_api_with_the_same_policy_and_refusals(people, client):
    schema = {"fields": [{"name": "uprn", "type": "integer"}, {"name": "tenure"},
                         {"name": "lease_end", "type": "date"}],
              "lgrshare:rules": [{"type": "required-if", "id": "leasehold-end",
                                  "field": "lease_end",
                                  "if": {"field": "tenure", "equals": "Leasehold"}}]}  # fmt: skip
    body = {"name": "surrey-leases", "title": "Leases", "source": "schema", "definition": schema}
    lead = _api(client, people["surrey_lead"])

    created = lead("post", f"/api/v1/areas/{SURREY}/standards", data=body)
    again = lead("post", f"/api/v1/areas/{SURREY}/standards", data=body)
    circular = lead(
        "post",
        f"/api/v1/areas/{SURREY}/standards",
        data=body | {"name": "surrey-sums", "definition": {
            "fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}],
            "lgrshare:rules": [{"type": "sum", "id": "x", "field": "a", "of": ["b"]},
                               {"type": "sum", "id": "y", "field": "b", "of": ["a"]}]}},
    )  # fmt: skip
    other_area = _api(client, people["kent_lead"])(
        "post", f"/api/v1/areas/{SURREY}/standards", data=body
    )

    assert created.status_code == 201, created.json()
    assert (created.json()["version"], again.json()["version"]) == ("1.0.0", "1.1.0")
    assert created.json()["standard"]["schema"]["lgrshare:rules"][0]["id"] == "leasehold-end"
    assert (circular.status_code, circular.json()["code"]) == (400, "rule-circular")
    assert other_area.status_code == 404
    fetched = lead("get", "/api/v1/standards/surrey-leases").json()
    assert fetched["version"] == "1.1.0"

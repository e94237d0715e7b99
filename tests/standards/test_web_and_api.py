"""The standards pages and API: list, detail with fields, schema and template downloads."""

import io
import json

import pytest
from openpyxl import load_workbook

from lgrshare.accounts.services import token_create


def test_standards_page_lists_the_built_in_lgr_standards(signed_in, alice):
    html = signed_in(alice).get("/standards/").content.decode()
    for title in ["Land and property assets", "Contracts register", "Council tax"]:
        assert title in html


def test_detail_page_describes_every_field(signed_in, alice):
    response = signed_in(alice).get("/standards/land-and-property-assets/")
    assert response.status_code == 200
    html = response.content.decode()
    standard = response.context["standard"]
    for field in standard.fields:
        assert f"<code>{field.name}</code>" in html
    assert "UPRN" in html


def test_detail_page_gives_each_fields_rules_in_words(signed_in, alice):
    html = signed_in(alice).get("/standards/land-and-property-assets/").content.decode()
    # As the CLI and the XLSX guidance sheet say them, not as Python prints a list.
    assert "One of: Freehold, Leasehold" in html
    assert "[&#x27;" not in html
    assert "True" not in html


def test_detail_pages_describe_patterns_in_words_and_the_schema_keeps_the_regex(signed_in, alice):
    client = signed_in(alice)
    html = client.get("/standards/contracts-register/").content.decode()
    assert "council&#x27;s nine-character GSS code, such as E07000209" in html
    assert "[0-9]" not in html
    assert "^E" not in html
    # No built-in standard's page shows a regular expression.
    for name in ("land-and-property-assets", "council-tax-base", "service-demand-lsoa"):
        page = client.get(f"/standards/{name}/").content.decode()
        assert "[0-9]" not in page, name
        assert "[A-Z]" not in page, name
    schema = json.loads(client.get("/standards/contracts-register/schema.json").content)
    patterns = [f.get("constraints", {}).get("pattern") for f in schema["schema"]["fields"]]
    assert "^E(0[6-9]|10)[0-9]{6}$" in patterns


def test_schema_download_is_the_table_schema_with_metadata(signed_in, alice):
    response = signed_in(alice).get("/standards/contracts-register/schema.json")
    assert response["Content-Disposition"] == 'attachment; filename="contracts-register.json"'
    body = json.loads(response.content)
    assert body["name"] == "contracts-register"
    assert {"fields"} <= set(body["schema"])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_download(signed_in, alice, fmt):
    response = signed_in(alice).get(f"/standards/contracts-register/template.{fmt}")
    assert response.status_code == 200
    assert f'filename="contracts-register.{fmt}"' in response["Content-Disposition"]
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(response.content))
        assert "Guidance" in workbook.sheetnames


@pytest.mark.parametrize(
    "path",
    [
        "/standards/nope/",
        "/standards/nope/schema.json",
        "/standards/contracts-register/template.pdf",
    ],
)
def test_unknown_standards_and_formats_are_404(signed_in, alice, path):
    assert signed_in(alice).get(path).status_code == 404


@pytest.mark.django_db
def test_standards_need_sign_in(client):
    assert client.get("/standards/").status_code == 302


def test_api_lists_and_shows_standards(client, alice):
    _, secret = token_create(user=alice, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    listing = client.get("/api/v1/standards", **auth).json()
    names = {s["name"] for s in listing}
    assert {"land-and-property-assets", "contracts-register", "service-demand-lsoa"} <= names
    detail = client.get("/api/v1/standards/service-demand-lsoa", **auth)
    assert detail.status_code == 200
    assert detail.json()["personal_data"] == "aggregate"
    missing = client.get("/api/v1/standards/nope", **auth)
    assert missing.status_code == 404
    assert missing.json()["code"] == "standard-not-found"
    # A path is never read: names are looked up among the built-in standards only.
    traversal = client.get("/api/v1/standards/..%2F..%2Fsettings", **auth)
    assert traversal.status_code == 404


@pytest.mark.django_db
def test_api_standards_need_a_token(client):
    assert client.get("/api/v1/standards").status_code == 401

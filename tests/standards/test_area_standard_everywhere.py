"""Issue 15, point 1: templates, the offline validator (``lgrshare validate --standard FILE``),
pages and the API work for an area standard exactly as for a built-in one, at each version."""

import json

from click.testing import CliRunner

from lgrshare.cli import main
from tests.conftest import GUILDFORD, SURREY
from tests.standards.test_area_standards import NAME, _api, _draft, _example
from tests.standards.test_field_editor import _post, _proposed_rows


def test_the_offline_validator_checks_a_file_against_a_downloaded_area_standard(
    people, signed_in, tmp_path
):
    _draft(people)
    client = signed_in(people["surrey_lead"])
    schema = tmp_path / f"{NAME}.json"
    schema.write_bytes(client.get(f"/standards/{NAME}/schema.json").content)
    template = tmp_path / "template.csv"
    template.write_bytes(client.get(f"/standards/{NAME}/template.csv").content)
    filled = tmp_path / "guildford.csv"
    header = template.read_text(encoding="utf-8-sig").strip()
    filled.write_text(header + "\n" + _example((GUILDFORD,)).decode().split("\n", 1)[1])
    wrong = tmp_path / "guildford-typo.csv"
    wrong.write_text(header + '\nE07000209,Guildford,2023-24,"£2,2l4.77",59212.1\n')
    runner = CliRunner()

    valid = runner.invoke(main, ["validate", str(filled), "--standard", str(schema), "--json"])
    typo = runner.invoke(main, ["validate", str(wrong), "--standard", str(schema), "--json"])

    assert valid.exit_code == 0, valid.output
    report = json.loads(valid.output)
    assert (report["standard"]["name"], report["standard"]["version"]) == (NAME, "0.1.0")
    assert typo.exit_code == 1, typo.output
    assert [e["code"] for e in json.loads(typo.output)["errors"]] == ["type-error"]


def test_the_api_lists_the_areas_standards_and_gives_each_version(people, signed_in, client):
    _draft(people)
    rows = _proposed_rows()
    rows[1] |= {"title": "Council name"}
    signed_in(people["surrey_lead"]).post(f"/standards/{NAME}/fields", _post(rows))
    client.logout()
    lead = _api(client, people["surrey_lead"])

    listed = {s["name"]: s for s in lead("get", "/api/v1/standards").json()}
    newest = lead("get", f"/api/v1/standards/{NAME}").json()
    first = lead("get", f"/api/v1/standards/{NAME}?version=0.1.0").json()
    missing = lead("get", f"/api/v1/standards/{NAME}?version=7.0.0")
    kent = {s["name"] for s in _api(client, people["kent_lead"])("get", "/api/v1/standards").json()}

    assert listed[NAME] | {"fields": 5} == listed[NAME]
    assert (listed[NAME]["state"], listed[NAME]["area_gss"]) == ("draft", SURREY)
    assert listed["council-tax-base"]["state"] == "built-in"
    assert NAME not in kent
    assert newest["version"] == "0.2.0"
    assert newest["schema"]["fields"][1]["title"] == "Council name"
    assert first["version"] == "0.1.0"
    assert first["schema"]["fields"][1]["title"] == "Council"
    assert (missing.status_code, missing.json()["code"]) == (404, "standard-not-found")

"""Issue 15, point 1: the data lead confirms or changes each proposed field of a draft (name,
title, type, required, code list, pattern, meaning) in one GOV.UK form; every problem is shown at
once in one error summary and nothing is saved until there is none (the issue's bad input)."""

import json

from frictionless import Resource, Schema

from lgrshare.audit.models import AuditEntry
from lgrshare.standards.models import AreaStandard
from lgrshare.standards.services import standard_get
from tests.conftest import GUILDFORD, SURREY
from tests.standards.test_area_standards import NAME, _draft, _example

# As proposed from the example: gss_code, council, financial_year, band_d, tax_base.
PROPOSED = ["gss_code", "council", "financial_year", "band_d", "tax_base"]


def _post(rows, based_on="0.1.0"):
    """The editor's form for ``rows`` (dicts of a field's parts), plus its blank new row."""
    data = {"based_on": based_on, "field-count": str(len(rows) + 1)}
    for n, row in enumerate(rows):
        for part, value in row.items():
            data[f"field-{n}-{part}"] = value
    return data


def _proposed_rows():
    standard = standard_get(name=NAME)
    return [
        {
            "original": f.name,
            "name": f.name,
            "title": f.title,
            "type": f.type,
            "required": "yes" if f.required else "",
            "codes": "\n".join(f.constraints.get("enum") or []),
            "pattern": f.constraints.get("pattern", ""),
            "description": f.description,
        }
        for f in standard.fields
    ]


def test_each_proposed_field_is_shown_to_confirm(people, signed_in):
    _draft(people)
    page = signed_in(people["surrey_lead"]).get(f"/standards/{NAME}/fields").content.decode()

    for n, name in enumerate(PROPOSED):
        assert f'name="field-{n}-name" type="text" value="{name}"' in page
    assert '<option value="number" selected>number</option>' in page  # band_d
    assert 'id="field-2-codes"' in page
    assert "2023-24</textarea>" in page  # financial_year's code list
    assert 'value="[EWSN][0-9]{8}"' in page  # gss_code's pattern, for the data team
    assert "Add a field (optional)" in page


def test_confirming_and_changing_fields_makes_a_new_version_frictionless_reads(people, signed_in):
    _draft(people)
    rows = _proposed_rows()
    rows[1] |= {"name": "council_name", "title": "Council name", "required": ""}
    rows[2] |= {"codes": "2023-24\n2024-25"}
    rows[4] |= {"remove": "yes"}
    new = {"name": "tax_base_band", "title": "Band", "type": "string", "codes": "A\nB\nC\nD"}
    client = signed_in(people["surrey_lead"])

    response = client.post(f"/standards/{NAME}/fields", _post([*rows, new]))

    assert (response.status_code, response["Location"]) == (302, f"/standards/{NAME}/")
    saved = AreaStandard.objects.get(name=NAME, version="0.2.0")
    assert (saved.source, saved.state, saved.proposed) == ("fields", "draft", False)
    standard = standard_get(name=NAME)
    assert [f.name for f in standard.fields] == [
        "gss_code", "council_name", "financial_year", "band_d", "tax_base_band",
    ]  # fmt: skip
    assert not standard.get_field("council_name").required
    assert standard.get_field("council_name").example == "Guildford"  # kept from the proposal
    assert standard.get_field("financial_year").constraints["enum"] == ["2023-24", "2024-25"]
    assert AuditEntry.objects.filter(action="standard-drafted", target_id=NAME).count() == 2
    # frictionless-py reads the area standard's schema, and checks a file against it.
    schema = client.get(f"/standards/{NAME}/schema.json").json()["schema"]
    assert Schema.validate_descriptor(schema).valid
    header = ",".join(f.name for f in standard.fields)
    body = _example((GUILDFORD,)).decode().split("\n", 1)[1].replace("59212.1", "D")
    report = Resource(
        data=f"{header}\n{body}".encode(), format="csv", schema=Schema.from_descriptor(schema)
    ).validate()
    assert report.valid, report.flatten(["type", "note"])


def test_every_problem_is_shown_at_once_and_nothing_is_saved(people, signed_in):
    _draft(people)
    rows = _proposed_rows()
    rows[0] |= {"name": ""}
    rows[1] |= {"name": "band_d", "pattern": "(a{1000}){1000}"}
    rows[2] |= {"pattern": "(20"}
    rows[3] |= {"codes": "1.5\nlots"}
    rows[4] |= {"pattern": "[0-9]+"}  # tax_base is a number
    client = signed_in(people["surrey_lead"])

    response = client.post(f"/standards/{NAME}/fields", _post(rows))

    assert response.status_code == 400
    page = response.content.decode()
    summary = page.partition('data-testid="field-problems"')[2].partition("</ul>")[0]
    for href, words in [
        ("#field-0-name", "Field 1: give a name"),
        ("#field-3-name", "Field 4: the name band_d is used by field 2 too"),
        ("#field-2-pattern", "Field 3: pattern"),
        ("#field-3-codes", "Field 4: codes [&#x27;lots&#x27;] are not valid numbers"),
        ("#field-1-pattern", "it is too large to check quickly"),
        ("#field-4-pattern", "Field 5: a field of type number cannot have the constraints pattern"),
    ]:
        assert f'href="{href}"' in summary
        assert words in summary
    assert page.count("govuk-error-summary__title") == 1
    assert 'value="(20"' in page  # what was typed comes back to correct
    assert AreaStandard.objects.filter(name=NAME).count() == 1


def test_no_fields_a_bad_type_and_a_stale_version_are_refused(people, signed_in):
    _draft(people)
    client = signed_in(people["surrey_lead"])
    rows = _proposed_rows()

    none_left = client.post(
        f"/standards/{NAME}/fields", _post([r | {"remove": "yes"} for r in rows])
    )
    bad_type = client.post(f"/standards/{NAME}/fields", _post([rows[0] | {"type": "money"}]))
    stale = client.post(f"/standards/{NAME}/fields", _post(rows, based_on="0.0.9"))

    assert none_left.status_code == 400
    assert "Keep at least one field" in none_left.content.decode()
    assert "Field 1: choose the type" in bad_type.content.decode()
    assert stale.status_code == 400
    assert "was saved while you were editing version 0.0.9" in stale.content.decode()
    assert AreaStandard.objects.filter(name=NAME).count() == 1


def test_only_the_areas_drafters_edit_fields(people, signed_in, client):
    _draft(people)

    assert signed_in(people["kent_lead"]).get(f"/standards/{NAME}/fields").status_code == 403
    client.logout()
    dpo = signed_in(people["guildford_dpo_only"])
    assert dpo.post(f"/standards/{NAME}/fields", _post(_proposed_rows())).status_code == 403
    page = dpo.get(f"/standards/{NAME}/").content.decode()
    assert 'data-testid="edit-fields"' not in page
    assert AreaStandard.objects.filter(name=NAME).count() == 1
    assert signed_in(people["surrey_lead"]).get("/standards/no-such/fields").status_code == 404


def test_a_schema_draft_opens_in_the_editor_and_saving_keeps_its_rules(people, signed_in):
    schema = {
        "fields": [
            {"name": "dwellings_total", "type": "integer"},
            {"name": "band_a", "type": "integer"},
            {"name": "band_b", "type": "integer"},
        ],
        "lgrshare:rules": [
            {"type": "sum", "id": "bands", "field": "dwellings_total", "of": ["band_a", "band_b"]}
        ],
    }
    _draft(people, name="surrey-bands", source="schema", content=json.dumps(schema).encode())
    client = signed_in(people["surrey_lead"])
    rows = [
        {"original": f["name"], "name": f["name"], "type": "integer", "required": "yes"}
        for f in schema["fields"]
    ]

    response = client.post("/standards/surrey-bands/fields", _post(rows, based_on="1.0.0"))

    problems = response.content.decode().partition('data-testid="field-problems"')[2][:600]
    assert response.status_code == 302, problems
    standard = standard_get(name="surrey-bands")
    assert [rule.id for rule in standard.rules] == ["bands"]
    assert all(f.required for f in standard.fields)
    assert SURREY in {s.area.county_id for s in AreaStandard.objects.filter(name="surrey-bands")}

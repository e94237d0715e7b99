"""Indicators from compiled submissions: the demo's council tax base (DSA-00002, Guildford and
Woking for Surrey County Council) built up to Surrey's two-unitary option."""

from __future__ import annotations

import io
import zipfile

import pytest

from lgrshare.agreements.models import Agreement
from lgrshare.agreements.services import terms_accept
from lgrshare.councils.models import Area, User
from lgrshare.demo import demo_load
from lgrshare.domain.errors import InvalidInput, LgrShareError
from lgrshare.evidence.compiled import option_compiled_indicators
from lgrshare.evidence.models import OptionSet
from tests.domain.test_appraisal import CTR, SURREY


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.HOME = tmp_path
    demo_load()
    terms_accept(
        user=User.objects.get(username="surrey.analyst"),
        agreement=Agreement.objects.get(
            title="Council tax base 2023-24 for harmonisation modelling"
        ),
    )
    area = Area.objects.get(county_id=SURREY)
    return {
        "area": area,
        "analyst": User.objects.get(username="surrey.analyst"),
        "option": OptionSet.objects.get(area=area, name="Two unitaries (East and West)"),
        "agreement": Agreement.objects.get(
            title="Council tax base 2023-24 for harmonisation modelling"
        ),
    }


def test_the_compiled_tax_base_adds_up_to_the_council_its_districts_join(demo):
    result = option_compiled_indicators(
        user=demo["analyst"],
        area=demo["area"],
        pk=demo["option"].pk,
        agreement_id=demo["agreement"].pk,
        standard_name="council-tax-base",
        measure="tax_base_band_d_equivalents",
    )
    values = {i.council: i.value for i in result.indicators.items}
    # Guildford and Woking submitted (DLUHC Table 9 line 7); both are in West Surrey.
    expected = float(CTR["E07000209"][23]) + float(CTR["E07000217"][23])
    assert values == {"West Surrey": pytest.approx(expected)}
    assert result.period == "2023-24"


def test_a_measure_the_data_does_not_have_is_refused(demo):
    with pytest.raises(InvalidInput) as caught:
        option_compiled_indicators(
            user=demo["analyst"],
            area=demo["area"],
            pk=demo["option"].pk,
            agreement_id=demo["agreement"].pk,
            standard_name="council-tax-base",
            measure="notes",
        )
    assert caught.value.code == "indicator-invalid"


def test_the_api_answers_the_indicators_and_bad_input_is_4xx(demo, client):
    from lgrshare.accounts.services import token_create

    _, secret = token_create(user=demo["analyst"], name="t")
    url = f"/api/v1/areas/{SURREY}/options/{demo['option'].pk}/indicators"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    query = {
        "agreement": demo["agreement"].pk,
        "standard": "council-tax-base",
        "measure": "tax_base_band_d_equivalents",
    }
    body = client.get(url, query, **auth).json()
    assert [i["council"] for i in body["indicators"]] == ["West Surrey"]
    assert body["period"] == "2023-24"
    assert client.get(url, {**query, "measure": "notes"}, **auth).status_code == 400
    assert client.get(url, {**query, "agreement": 10**12}, **auth).status_code == 404
    assert client.get(url, {**query, "period": "1999-00"}, **auth).status_code == 400


def test_compiling_through_an_option_goes_through_the_datasets_gate(demo):
    with pytest.raises(LgrShareError) as caught:
        option_compiled_indicators(
            user=User.objects.get(username="guildford.analyst"),
            area=demo["area"],
            pk=demo["option"].pk,
            agreement_id=demo["agreement"].pk,
            standard_name="council-tax-base",
            measure="tax_base_band_d_equivalents",
        )
    assert caught.value.code == "terms-not-accepted"  # the datasets gate decides, and records


def _choice(demo, measure="tax_base_band_d_equivalents"):
    return f"{demo['agreement'].pk}:council-tax-base:{measure}"


def test_the_option_page_shows_compiled_indicators_with_source_vintage_and_method(demo, signed_in):
    url = f"/areas/{SURREY}/options/{demo['option'].pk}/"
    page = signed_in(demo["analyst"]).get(url)
    keys = [c.key for c in page.context["indicator_choices"]]
    assert _choice(demo) in keys
    assert _choice(demo, "collection_rate") not in keys  # a rate added up means nothing
    assert _choice(demo, "band_d_area_total_gbp") not in keys
    page = signed_in(demo["analyst"]).get(url, {"indicator": _choice(demo)})
    html = page.content.decode()
    (row,) = page.context["indicator_rows"]
    expected = float(CTR["E07000209"][23]) + float(CTR["E07000217"][23])
    # East Surrey: none of its districts shared; West Surrey: Guildford and Woking did.
    assert row["name"] == "Tax base (Band D equivalents)"
    assert row["cells"] == ["not available", f"{expected:,.0f} *"]
    assert 'data-testid="indicators"' in html
    assert 'data-chart="indicator-1"' in html
    assert "<svg" in html
    notes = " ".join(page.context["indicator_notes"])
    assert "West Surrey: Nothing submitted by" in notes
    assert "Runnymede" in notes
    assert "Guildford" not in notes.split("West Surrey: Nothing submitted by")[1]
    assert "Guildford Borough Council" in page.context["indicator_source"]
    # Councils and versions in words, not bare submission references.
    vintage = page.context["indicator_vintage"]
    assert vintage.startswith("2023-24, from Guildford Borough Council's submission SUB-")
    assert "(version 1) and Woking Borough Council's submission SUB-" in vintage
    assert "not derived from personal data" in page.context["indicator_disclosure"]
    assert any("LSOAs" in m for m in page.context["indicator_methods"])


def test_the_compare_page_shows_the_indicator_for_every_option(demo, signed_in):
    three = OptionSet.objects.get(area=demo["area"], name="Three unitaries (East, North and West)")
    page = signed_in(demo["analyst"]).get(
        f"/areas/{SURREY}/options/compare",
        {"option": [demo["option"].pk, three.pk], "indicator": _choice(demo)},
    )
    (row,) = page.context["indicator_rows"]
    assert len(row["cells"]) == 5  # two councils, then three
    assert row["cells"][-1].endswith("*")  # West Surrey of three: Guildford and Woking
    assert f'name="option" value="{three.pk}"' in page.content.decode()  # kept by the form


def test_a_refusal_is_said_on_the_page_with_its_code_and_recorded(demo, signed_in):
    from lgrshare.audit.models import AuditEntry

    guildford = User.objects.get(username="guildford.analyst")
    page = signed_in(guildford).get(
        f"/areas/{SURREY}/options/{demo['option'].pk}/", {"indicator": _choice(demo)}
    )
    assert page.status_code == 200
    assert page.context["indicator"].refused[0] == "terms-not-accepted"
    assert 'data-error-code="terms-not-accepted"' in page.content.decode()
    assert AuditEntry.objects.filter(actor="guildford.analyst", reason="terms-not-accepted")
    unknown = signed_in(guildford).get(
        f"/areas/{SURREY}/options/{demo['option'].pk}/", {"indicator": "1:x:y"}
    )
    assert unknown.status_code == 400


def test_the_evidence_pack_carries_the_indicators_with_their_caveats(demo, signed_in, tmp_path):
    from frictionless import Package, validate
    from openpyxl import load_workbook

    client = signed_in(demo["analyst"])
    url = f"/areas/{SURREY}/options/pack"
    book = load_workbook(
        io.BytesIO(client.get(f"{url}.xlsx", {"option": demo["option"].pk}).content)
    )
    rows = list(book["indicators"].iter_rows(values_only=True))
    header = rows[0]
    found = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    tax_base = {r["council"]: r for r in found if r["measure"] == "tax_base_band_d_equivalents"}
    expected = float(CTR["E07000209"][23]) + float(CTR["E07000217"][23])
    assert tax_base["West Surrey"]["value"] == pytest.approx(expected)
    assert tax_base["East Surrey"]["value"] is None
    assert "Runnymede" in tax_base["West Surrey"]["note"]
    assert tax_base["West Surrey"]["vintage"].startswith("2023-24")
    assert "LSOAs" in tax_base["West Surrey"]["method"]
    about = {r[0]: r[1] for r in book["About this data"].iter_rows(values_only=True)}
    assert "DSA" in about["Agreements"]
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"{url}.zip", {"option": demo["option"].pk}).content)
    )
    archive.extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    resource = package.get_resource("indicators")
    assert resource.custom["caveats"]
    assert {f.name for f in resource.schema.fields} >= {"source", "vintage", "method", "disclosure"}
    assert any(r["council"] == "West Surrey" and r["value"] for r in resource.read_rows())


def test_a_pack_names_what_it_could_not_compile(demo, signed_in):
    from openpyxl import load_workbook

    guildford = User.objects.get(username="guildford.analyst")
    response = signed_in(guildford).get(
        f"/areas/{SURREY}/options/pack.xlsx", {"option": demo["option"].pk}
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    about = {r[0]: r[1] for r in book["About this data"].iter_rows(values_only=True)}
    assert any(str(k).startswith("Not included:") for k in about)
    assert book["indicators"].max_row == 1  # the header only


def test_a_pack_with_shared_figures_says_they_are_not_open_data(demo, signed_in, tmp_path):
    import json

    from frictionless import validate
    from openpyxl import load_workbook

    client = signed_in(demo["analyst"])
    url = f"/areas/{SURREY}/options/pack"
    reference = demo["agreement"].reference
    version = demo["agreement"].current()
    book = load_workbook(
        io.BytesIO(client.get(f"{url}.xlsx", {"option": demo["option"].pk}).content)
    )
    about = {r[0]: r[1] for r in book["About this data"].iter_rows(values_only=True)}
    assert "not open data" in about["Shared data included"]
    assert reference in about["Shared data included"]
    assert version.classification in about["Shared data included"]
    terms = next(v for k, v in about.items() if str(k).startswith("Agreement: "))
    assert version.purposes.strip()[:40] in terms
    assert f"Delete by: {version.delete_by:%d %B %Y}." in terms
    assert "not the Open Government Licence" in about["Licence"]
    assert "every figure is a published aggregate" not in about["Suppression applied"]
    assert any(str(k).startswith("Suppression applied: ") for k in about)
    assert version.classification in about["Sensitivity"]

    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"{url}.zip", {"option": demo["option"].pk}).content)
    )
    archive.extractall(tmp_path)
    assert validate(str(tmp_path / "datapackage.json")).valid
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert "every figure is a published aggregate" not in descriptor["description"]
    assert reference in descriptor["description"]
    indicators = next(r for r in descriptor["resources"] if r["name"] == "indicators")
    assert [lic["name"] for lic in indicators["licenses"]] == [reference]
    assert "not open data" in indicators["licenses"][0]["title"]
    assert indicators["classification"] == version.classification
    (terms,) = indicators["agreements"]
    assert terms["reference"] == reference
    assert terms["purposes"] == version.purposes
    assert terms["suppression"]
    figures = next(r for r in descriptor["resources"] if r["name"] == "figures")
    assert "licenses" not in figures  # the package's OGL

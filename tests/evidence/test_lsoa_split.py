"""A district split by wards: its population and ages are shared equally between its LSOAs
(no LSOA population by age is in the data used), and every output says so plainly: the
pages, the API, the evidence pack and the CLI. Whole districts carry no such note."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from lgrshare.accounts.services import token_create
from lgrshare.cli import main
from lgrshare.councils.models import Area
from lgrshare.domain.appraisal import LSOA_SPLIT_NOTE
from lgrshare.domain.options import option_from_json
from lgrshare.evidence.services import option_save
from tests.conftest import SURREY
from tests.domain.test_indicators import GUILDFORD, lookup_rows
from tests.evidence.test_evidence import EAST, WEST

WARDS = sorted({r[1] for r in lookup_rows([GUILDFORD])})  # Guildford's 21 wards (ONS 2024)
SPLIT = {
    "name": "Guildford split",
    "councils": {
        "East Surrey": [*EAST, *WARDS[:7]],
        "West Surrey": [c for c in WEST if c != GUILDFORD] + WARDS[7:],
    },
}
WHOLE = {"name": "Whole districts", "councils": {"East Surrey": EAST, "West Surrey": WEST}}


@pytest.fixture
def split(alice):
    area = Area.objects.get(county_id=SURREY)
    return [
        option_save(user=alice, area=area, option=option_from_json(body)).option_set
        for body in (SPLIT, WHOLE)
    ]


def test_the_pages_mark_estimated_ages_and_say_why(signed_in, alice, split):
    page = signed_in(alice).get(
        f"/areas/{SURREY}/options/compare", {"option": [split[0].pk, split[1].pk]}
    )
    html = page.content.decode()
    assert 'data-testid="lsoa-split"' in html
    assert "shared equally between its LSOAs" in html
    assert page.context["estimated"] == [
        "Guildford split: East Surrey",
        "Guildford split: West Surrey",
    ]
    ages = next(r for r in page.context["rows"] if r["key"] == "age_65_plus")
    assert [c.endswith(" *") for c in ages["cells"]] == [True, True, False, False]
    whole = signed_in(alice).get(f"/areas/{SURREY}/options/{split[1].pk}/")
    assert 'data-testid="lsoa-split"' not in whole.content.decode()


def test_the_api_the_pack_and_the_cli_say_so(client, signed_in, alice, split, tmp_path):
    _, secret = token_create(user=alice, name="t")
    body = client.post(
        f"/api/v1/areas/{SURREY}/options/appraise",
        data=json.dumps(SPLIT),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    ).json()
    for council in body["councils"]:
        notes = {f["key"]: f["note"] for f in council["figures"]}
        assert notes["age_0_17"] == notes["age_65_plus"] == LSOA_SPLIT_NOTE
    pack = signed_in(alice).get(f"/areas/{SURREY}/options/pack.zip", {"option": split[0].pk})
    archive = zipfile.ZipFile(io.BytesIO(pack.content))
    assert "shared equally between its LSOAs" in archive.read("figures.csv").decode()
    assert any("equal share" in c for c in json.loads(archive.read("datapackage.json"))["caveats"])
    book = load_workbook(
        io.BytesIO(
            signed_in(alice)
            .get(f"/areas/{SURREY}/options/pack.xlsx", {"option": split[0].pk})
            .content
        )
    )
    notes = [r[-1] for r in book["figures"].iter_rows(values_only=True) if r[2] == "age_18_64"]
    assert notes == [LSOA_SPLIT_NOTE, LSOA_SPLIT_NOTE]
    path = tmp_path / "option.json"
    path.write_text(json.dumps(SPLIT))
    out = (
        CliRunner()
        .invoke(main, ["options", "appraise", "--area", SURREY, "--option", str(path)])
        .output
    )
    assert out.count(LSOA_SPLIT_NOTE) == 2

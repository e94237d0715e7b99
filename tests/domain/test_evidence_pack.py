"""The evidence pack: a Frictionless Data Package that frictionless-py validates, and an XLSX
whose first sheet is "About this data"."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from frictionless import Package, validate
from openpyxl import load_workbook

from lgrshare.domain.appraisal import appraise
from lgrshare.domain.evidence_pack import pack_xlsx, pack_zip
from lgrshare.domain.options import option_check, option_from_json

SURREY = "E10000030"
OPTIONS = {
    "One unitary": {
        "Surrey": [
            "E07000207",
            "E07000208",
            "E07000209",
            "E07000210",
            "E07000211",
            "E07000212",
            "E07000213",
            "E07000214",
            "E07000215",
            "E07000216",
            "E07000217",
        ]
    },
    "Three unitaries": {
        "East Surrey": ["E07000208", "E07000210", "E07000211", "E07000215"],
        "North Surrey": ["E07000207", "E07000212", "E07000213"],
        "West Surrey": ["E07000209", "E07000214", "E07000216", "E07000217"],
    },
}


@pytest.fixture(scope="module")
def appraisals():
    return [
        appraise(
            report=option_check(option=option_from_json({"name": n, "councils": c}), area=SURREY)
        )
        for n, c in OPTIONS.items()
    ]


def test_the_data_package_is_valid_for_frictionless(appraisals, tmp_path):
    with zipfile.ZipFile(io.BytesIO(pack_zip(appraisals))) as archive:
        archive.extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert descriptor["caveats"]
    assert descriptor["licenses"][0]["name"] == "OGL-UK-3.0"
    figures = Package(str(tmp_path / "datapackage.json")).get_resource("figures").read_rows()
    councils = {r["council"] for r in figures}
    assert councils == {"Surrey", "East Surrey", "North Surrey", "West Surrey"}
    population = {r["council"]: r["value"] for r in figures if r["key"] == "population"}
    assert population["Surrey"] == 1_248_649


def test_missing_outturn_is_empty_not_zero_in_the_package(appraisals, tmp_path):
    with zipfile.ZipFile(io.BytesIO(pack_zip(appraisals))) as archive:
        text = archive.read("figures.csv").decode()
    assert "No return received from Woking" in text


def test_the_workbook_opens_with_about_this_data(appraisals):
    book = load_workbook(io.BytesIO(pack_xlsx(appraisals)))
    assert book.sheetnames[0] == "About this data"
    about = {row[0]: row[1] for row in book["About this data"].iter_rows(values_only=True)}
    assert "None applied" in about["Suppression applied"]
    assert "Open Government Licence" in about["Licence"]
    assert any(str(k).startswith("Source: ONS") for k in about)
    assert set(book.sheetnames[1:]) == {
        "figures",
        "predecessors",
        "dwellings",
        "neighbours",
        "spread",
        "indicators",  # from compiled submissions: none given here, so the header only
    }
    assert book["indicators"].max_row == 1


def test_the_change_to_harmonise_has_the_pages_sign(appraisals):
    # Each area's Band D plus its change reaches the council's average: a higher Band D falls.
    book = load_workbook(io.BytesIO(pack_xlsx(appraisals)))
    rows = list(book["predecessors"].iter_rows(values_only=True))
    found = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    average = {
        (a.option_name, c.name): c.value("band_d_weighted") for a in appraisals for c in a.councils
    }
    for row in found:
        target = average[(row["option"], row["council"])]
        assert row["band_d"] + row["change_to_harmonise"] == pytest.approx(target, abs=0.011)
        assert (row["change_to_harmonise"] < 0) == (row["band_d"] > target)
    about = {r[0]: r[1] for r in book["About this data"].iter_rows(values_only=True)}
    assert "reach the average" in about["Method: change-to-harmonise"]


def test_the_workbook_is_rounded_and_formatted(appraisals):
    book = load_workbook(io.BytesIO(pack_xlsx(appraisals)))
    rows = list(book["figures"].iter_rows())
    header = [c.value for c in rows[0]]
    cells = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    formats = {}
    for row in cells:
        value = row["value"].value
        if value is None:
            continue
        formats.setdefault(row["unit"].value, set()).add(row["value"].number_format)
        decimals = {"£": 2, "£ thousand": 2, "share": 4, "people": 0}
        places = decimals.get(row["unit"].value)
        if places is not None:
            assert value == round(value, places), (row["key"].value, value)
    assert formats["£"] == {"£#,##0.00"}
    assert formats["share"] == {"0.0%"}
    assert formats["people"] == {"#,##0"}
    band = book["dwellings"]["D2"]
    assert isinstance(band.value, int)
    assert band.number_format == "#,##0"
    shares = [r[4] for r in book["predecessors"].iter_rows(min_row=2)]
    assert {c.number_format for c in shares} == {"0.0%"}


def test_the_package_csvs_have_no_float_artefacts(appraisals):
    with zipfile.ZipFile(io.BytesIO(pack_zip(appraisals))) as archive:
        texts = {n: archive.read(n).decode() for n in archive.namelist() if n.endswith(".csv")}
    for name, text in texts.items():
        assert not re.search(r"\d\.\d{5,}", text), (name, re.search(r"\d\.\d{5,}", text))

"""``lgrshare standards``: list, show and template, as a data officer runs them."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from lgrshare.cli import main

NAMES = [
    "contracts-register",
    "council-finance-summary",
    "council-tax-base",
    "it-applications",
    "land-and-property-assets",
    "population-geography",
    "service-demand-lsoa",
    "workforce-summary",
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_list_names_every_builtin_standard_with_its_marking(runner: CliRunner) -> None:
    result = runner.invoke(main, ["standards", "list"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == NAMES
    contracts = next(line for line in lines if line.startswith("contracts-register"))
    assert "OFFICIAL-SENSITIVE" in contracts
    assert "Contracts register" in contracts


def test_list_json_is_machine_readable(runner: CliRunner) -> None:
    result = runner.invoke(main, ["standards", "list", "--json"])

    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [item["name"] for item in listed] == NAMES
    tax = next(item for item in listed if item["name"] == "council-tax-base")
    assert tax["sensitivity"] == "OFFICIAL"
    assert tax["fields"] == 28


def test_show_describes_the_standard_and_each_field(runner: CliRunner) -> None:
    result = runner.invoke(main, ["standards", "show", "council-tax-base"])

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Council tax and tax base (council-tax-base, version 1.0.0)")
    assert "Primary key: gss_code, financial_year" in out
    assert "  band_d_area_total_gbp  [number, £ per Band D dwelling]" in out
    assert "Rules: required; matches ^E(0[6-9]|10)[0-9]{6}$" in out
    assert "Example: 2214.77" in out


def test_show_json_prints_the_standard_as_shipped(runner: CliRunner) -> None:
    shipped = (
        resources.files("lgrshare") / "domain" / "standards" / "builtin" / "contracts-register.json"
    )

    result = runner.invoke(main, ["standards", "show", "contracts-register", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json.loads(shipped.read_text(encoding="utf-8"))


def test_show_an_unknown_standard_exits_2_with_its_code(runner: CliRunner) -> None:
    result = runner.invoke(main, ["standards", "show", "council-tax"])

    assert result.exit_code == 2
    assert result.stderr.startswith("Error [standard-not-found]: ")
    assert result.stdout == ""


def test_template_csv_writes_the_header_row(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"

    result = runner.invoke(
        main,
        ["standards", "template", "land-and-property-assets", "--format", "csv", "-o", str(path)],
    )

    assert result.exit_code == 0, result.output
    header = next(csv.reader(path.open(encoding="utf-8")))
    assert header[:4] == ["OrganisationLabel", "OrganisationURI", "EffectiveDate", "UPRN"]
    assert str(path) in result.stdout


def test_template_to_standard_output(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(main, ["standards", "template", "land-and-property-assets", "-o", "-"])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OrganisationLabel,OrganisationURI,EffectiveDate,UPRN")
    assert not (tmp_path / "-").exists()


def test_template_xlsx_has_guidance_and_dropdowns(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "contracts.xlsx"

    result = runner.invoke(
        main, ["standards", "template", "contracts-register", "--format", "xlsx", "-o", str(path)]
    )

    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:2] == ["Data", "Guidance"]
    assert len(workbook["Data"].data_validations.dataValidation) == 5


def test_template_format_follows_the_file_extension(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "apps.xlsx"

    result = runner.invoke(main, ["standards", "template", "it-applications", "-o", str(path)])

    assert result.exit_code == 0, result.output
    assert path.read_bytes()[:2] == b"PK"


def test_template_defaults_to_the_standard_name_in_the_current_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(main, ["standards", "template", "workforce-summary"])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "workforce-summary.csv").read_text("utf-8").startswith("gss_code,")


def test_template_never_overwrites_without_force(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "filled-in.xlsx"
    path.write_bytes(b"a week of someone's work")

    refused = runner.invoke(main, ["standards", "template", "council-tax-base", "-o", str(path)])

    assert refused.exit_code == 2
    assert refused.stderr.startswith("Error [output-exists]: ")
    assert path.read_bytes() == b"a week of someone's work"

    forced = runner.invoke(
        main, ["standards", "template", "council-tax-base", "-o", str(path), "--force"]
    )

    assert forced.exit_code == 0, forced.output
    assert path.read_bytes()[:2] == b"PK"


def test_template_refuses_a_format_that_contradicts_the_extension(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "tax.xlsx"

    result = runner.invoke(
        main, ["standards", "template", "council-tax-base", "--format", "csv", "-o", str(path)]
    )

    assert result.exit_code == 2
    assert result.stderr.startswith("Error [template-format-mismatch]: ")
    assert not path.exists()


def test_template_for_an_unknown_standard_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"

    result = runner.invoke(main, ["standards", "template", "no-such-standard", "-o", str(path)])

    assert result.exit_code == 2
    assert result.stderr.startswith("Error [standard-not-found]: ")
    assert not path.exists()


def test_template_into_a_missing_folder_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "missing" / "x.csv"

    result = runner.invoke(main, ["standards", "template", "council-tax-base", "-o", str(path)])

    assert result.exit_code == 2
    assert result.stderr.startswith("Error [template-not-written]: ")

"""``lgrshare options appraise``: Surrey's options appraised offline; problems and bad files
give clean messages and exit codes, never a traceback."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lgrshare.cli import main

EAST = ["E07000207", "E07000208", "E07000210", "E07000211", "E07000215"]
WEST = ["E07000209", "E07000212", "E07000213", "E07000214", "E07000216", "E07000217"]


@pytest.fixture
def run(tmp_path):
    def invoke(body: object | str, *args: str):
        path = tmp_path / "option.json"
        path.write_text(body if isinstance(body, str) else json.dumps(body))
        return CliRunner().invoke(
            main, ["options", "appraise", "--option", str(path), *args], catch_exceptions=False
        )

    return invoke


def test_two_unitaries_appraised_as_json(run):
    result = run(
        {"name": "Two", "councils": {"East": EAST, "West": WEST}}, "--area", "E10000030", "--json"
    )
    assert result.exit_code == 0
    body = json.loads(result.output)
    population = {c["name"]: c["figures"][0]["value"] for c in body["councils"]}
    assert population["East"] + population["West"] == 1_248_649
    west = next(c for c in body["councils"] if c["name"] == "West")
    assert west["no_outturn_return"] == ["Woking"]


def test_the_table_names_councils_figures_and_sources(run):
    result = run({"name": "One", "councils": {"Surrey": EAST + WEST}}, "--area", "E10000030")
    assert result.exit_code == 0
    assert "1,248,649" in result.output
    assert "Sources" in result.output


def test_an_option_with_problems_lists_each_and_exits_1(run):
    result = run(
        {"name": "Gap", "councils": {"East": EAST, "Empty": []}}, "--area", "E10000030", "--json"
    )
    assert result.exit_code == 1
    codes = [p["code"] for p in json.loads(result.output)["problems"]]
    assert codes == ["empty-council", "unassigned"]


@pytest.mark.parametrize(
    ("body", "area", "code"),
    [
        ("{not json", "E10000030", "option-invalid"),
        ({"name": "x"}, "E10000030", "option-invalid"),
        ({"name": "x", "councils": {"A": EAST}}, "E07000209", "area-not-found"),
    ],
)
def test_unusable_input_exits_2_with_a_code(run, body, area, code):
    result = run(body, "--area", area)
    assert result.exit_code == 2
    assert f"[{code}]" in result.output


def test_the_table_shows_the_spread_between_councils(run):
    result = run({"name": "Two", "councils": {"East": EAST, "West": WEST}}, "--area", "E10000030")
    assert result.exit_code == 0
    spread = result.output.split("Spread between the councils")[1]
    # East 563,643 and West 685,006 people (ONS mid-2024).
    assert "121,363" in spread.splitlines()[1]

"""The offline commands start without loading what they do not use (each run in a fresh
process, as a data team runs them)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lgrshare.cli import main

DATA = Path(__file__).parents[1] / "domain" / "standards" / "data"
_PROBE = """
import json, sys
from lgrshare.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
loaded = ("polars", "django", "openpyxl", "fpdf", "cryptography", "lgrshare.settings")
print(json.dumps([name for name in loaded if name in sys.modules]))
"""


def _loaded(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_version_loads_neither_polars_nor_django() -> None:
    assert _loaded("--version") == set()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate", str(DATA / "council_tax_base_2023-24_guildford_surrey.csv"),
          "-s", "council-tax-base"], {"polars"}),
        (["validate", "no-such-file.csv", "-s", "council-tax-base"], {"polars"}),
        # The standards commands write XLSX templates (openpyxl).
        (["standards", "show", "council-tax-base"], {"polars", "openpyxl"}),
    ],
)  # fmt: skip
def test_offline_commands_load_neither_django_nor_the_hub(
    args: list[str], expected: set[str]
) -> None:
    assert _loaded(*args) == expected


def test_help_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lgrshare.cli", "--help"], capture_output=True, text=True
    )
    for command in ("validate", "standards", "serve", "submit", "audit", "vault"):
        assert f"  {command} " in done.stdout


def test_validate_checks_the_organisation_and_period_offline(tmp_path: Path) -> None:
    path = tmp_path / "guildford.csv"
    source = (DATA / "council_tax_base_2023-24_guildford_surrey.csv").read_text(encoding="utf-8")
    path.write_text(source, encoding="utf-8")
    runner = CliRunner()
    args = ["validate", str(path), "-s", "council-tax-base", "--organisation", "E07000209"]

    mixed = runner.invoke(main, [*args, "--period", "2023/24"])
    unknown = runner.invoke(main, ["validate", str(path), "-s", "council-tax-base",
                                   "--organisation", "E99999999"])  # fmt: skip

    assert mixed.exit_code == 1
    assert "wrong-organisation (2)" in mixed.output  # Surrey's row: its code and its name
    assert "'E10000030' is not Guildford" in mixed.output
    assert unknown.exit_code == 2
    assert "organisation-not-found" in unknown.output

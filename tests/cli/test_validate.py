"""``lgrshare validate``: exit codes, the readable summary and ``--json``."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from lgrshare.cli import main

FIELDS = "record_id lad_code lsoa_code ward_code period service amount_gbp count uprn postcode flag"
HEADER = ",".join([*FIELDS.split(), "notes"])
ROW = "REC000000001,E07000209,E01030001,E05010001,2024-05,Housing,12.50,3,,GU1 4AB,true,"
SCHEMA = (
    Path(__file__).parents[1] / "domain" / "validation" / "data" / "council_records.schema.json"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "records.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_valid_file_exits_0(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["validate", str(_csv(tmp_path, ROW)), "--standard", str(SCHEMA)])

    assert result.exit_code == 0, result.output
    assert "valid against council-records 1.0.0" in result.output


def test_an_invalid_file_exits_1_with_errors_grouped_by_code(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = [ROW.replace("12.50", f"bad{i}").replace("000001", f"00000{i}") for i in range(5)]
    path = _csv(tmp_path, *rows, ROW.replace("Housing", "Parking"))

    result = runner.invoke(main, ["validate", str(path), "-s", str(SCHEMA)])

    assert result.exit_code == 1
    assert "NOT VALID" in result.output
    assert "type-error (5)" in result.output
    assert "Row 2, amount_gbp: 'bad0' is not a number." in result.output
    assert "… and 2 more" in result.output
    assert "constraint-error (1)" in result.output


def test_json_prints_only_the_report(runner: CliRunner, tmp_path: Path) -> None:
    path = _csv(tmp_path, ROW.replace("12.50", "x"))

    result = runner.invoke(main, ["validate", str(path), "-s", str(SCHEMA), "--json"])

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert {"valid", "stats", "errors", "profile"} <= set(report)
    (error,) = report["errors"]
    assert (error["code"], error["row"], error["field"], error["cell"]) == (
        "type-error", 2, "amount_gbp", "x"
    )  # fmt: skip


def test_max_errors_caps_the_list_not_the_count(runner: CliRunner, tmp_path: Path) -> None:
    rows = [ROW.replace("12.50", "x").replace("000001", f"00000{i}") for i in range(5)]

    result = runner.invoke(
        main, ["validate", str(_csv(tmp_path, *rows)), "-s", str(SCHEMA), "--max-errors", "2",
               "--json"],
    )  # fmt: skip

    report = json.loads(result.stdout)
    assert len(report["errors"]) == 2
    assert report["stats"]["error_count"] == 5
    assert report["stats"]["errors_capped"] is True


def test_sheet_picks_the_xlsx_sheet(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "records.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Records")
    sheet.append(HEADER.split(","))
    sheet.append(ROW.split(","))
    book.save(path)

    good = runner.invoke(main, ["validate", str(path), "-s", str(SCHEMA), "--sheet", "Records"])
    unknown = runner.invoke(main, ["validate", str(path), "-s", str(SCHEMA), "--sheet", "Nope"])

    assert good.exit_code == 0, good.output
    assert unknown.exit_code == 2
    assert "sheet-not-found" in unknown.output


def test_sheet_on_a_csv_file_is_noted_not_silently_ignored(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _csv(tmp_path, ROW)

    result = runner.invoke(main, ["validate", str(path), "-s", str(SCHEMA), "--sheet", "Data"])

    assert result.exit_code == 0
    assert "--sheet was ignored" in result.stderr
    assert "--sheet" not in result.stdout


def test_cannot_validate_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    unknown_standard = runner.invoke(main, ["validate", str(_csv(tmp_path, ROW)), "-s", "nope"])
    missing_file = runner.invoke(main, ["validate", str(tmp_path / "gone.csv"), "-s", str(SCHEMA)])
    unreadable = runner.invoke(main, ["validate", str(empty), "-s", str(SCHEMA)])

    assert unknown_standard.exit_code == 2
    assert "Error [standard-not-found]" in unknown_standard.output
    assert missing_file.exit_code == 2
    assert unreadable.exit_code == 2
    # As a submission refuses it, with the same code.
    assert "file-empty" in unreadable.output


def test_a_file_unreadable_part_way_is_still_described(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    # UTF-8 first (the £), then, past the first megabyte the layout is read from, a
    # Windows-1252 £: two encodings, found part way through.
    rows = [ROW.replace("000000001", f"{i:09d}") for i in range(2, 20_002)]
    path.write_bytes(
        "\n".join([HEADER, f"{ROW}£", *rows]).encode()
        + b"\n" + ROW.replace("000000001", "999999999").encode() + b"\xa3\n"
    )  # fmt: skip

    result = runner.invoke(main, ["validate", str(path), "-s", str(SCHEMA)])

    assert result.exit_code == 2
    assert "encoding-error" in result.output
    assert "(CSV, utf-8, delimiter ',', LF)" in result.output
    assert "None" not in result.output


def test_json_says_why_when_there_is_no_report(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["validate", str(_csv(tmp_path, ROW)), "-s", "nope", "--json"])

    assert result.exit_code == 2
    printed = json.loads(result.stdout)
    assert printed["valid"] is False
    assert printed["error"]["code"] == "standard-not-found"
    assert "nope" in printed["error"]["message"]


def test_a_folder_is_not_a_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["validate", str(tmp_path), "-s", str(SCHEMA), "--json"])

    assert result.exit_code == 2
    printed = json.loads(result.stdout)
    assert printed["error"]["code"] == "source-not-found"
    assert "is a folder, not a file" in printed["error"]["message"]


def test_no_progress_bar_when_not_a_terminal(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["validate", str(_csv(tmp_path, ROW)), "-s", str(SCHEMA)])

    assert "Validating" not in result.output


def test_a_file_that_crashes_the_reader_exits_2_not_1(runner: CliRunner, tmp_path: Path) -> None:
    # The trial's 2 KB workbook: exit 1 ("invalid") and a traceback before; now "could not check".
    from tests.domain.validation.test_isolation import impossible_reference_workbook

    path = impossible_reference_workbook(tmp_path)
    result = runner.invoke(main, ["validate", str(path), "--standard", "council-tax-base"])
    assert result.exit_code == 2, result.output
    assert "[file-too-complex]" in result.output
    assert "Traceback" not in result.output


def test_a_workbook_named_csv_is_refused_as_submit_refuses_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(ROW.split(","))
    path = tmp_path / "records.csv"
    book.save(path)
    result = runner.invoke(main, ["validate", str(path), "--standard", str(SCHEMA)])
    assert result.exit_code == 2, result.output
    assert "[file-content-mismatch]" in result.output

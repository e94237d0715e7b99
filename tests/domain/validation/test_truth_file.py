"""The benchmark workload: the report lists exactly the generator's injected errors."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from validation_helpers import read_record_by_record

from lgrshare.domain.standards.model import load_standard
from lgrshare.domain.validation import engine, validate

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("council-records") / "records.csv"
    subprocess.run(
        [sys.executable, str(DATA / "gen_council_records.py.txt"), "--rows", "20000",
         "--error-rate", "0.01", "--seed", "7", "--out", str(out),
         "--schema", str(out.with_suffix(".schema.json"))],
        check=True, capture_output=True,
    )  # fmt: skip
    return out


def test_report_lists_exactly_the_injected_errors(generated: Path) -> None:
    standard = load_standard(str(DATA / "council_records.schema.json"))

    report = validate(generated, standard, max_errors=100_000)

    truth_path = Path(f"{generated}.truth.csv")
    with truth_path.open(encoding="utf-8") as handle:
        truth = {
            (int(row["row_number"]), row["field"], row["category"])
            for row in csv.DictReader(handle)
        }
    listed = {
        (error.row, error.field, error.code + (f":{error.constraint}" if error.constraint else ""))
        for error in report.errors
    }
    assert len(truth) == 200
    assert listed == truth
    assert report.stats["error_count"] == len(truth)
    assert report.stats["rows"] == 20_000


def test_the_plain_table_schema_loads_with_a_name_from_its_file() -> None:
    standard = load_standard(str(DATA / "council_records.schema.json"))

    assert standard.name == "council-records"
    assert [field.name for field in standard.fields][:3] == ["record_id", "lad_code", "lsoa_code"]


def test_the_exact_reader_finds_the_same(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    standard = load_standard(str(DATA / "council_records.schema.json"))
    fast = validate(generated, standard, max_errors=100_000)

    monkeypatch.setattr(engine, "fast_batches", read_record_by_record)
    exact = validate(generated, standard, max_errors=100_000)

    assert exact.errors == fast.errors
    assert exact.profile == fast.profile

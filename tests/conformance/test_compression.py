"""Compressed tables (issue 19, item 4): a ``.csv.gz`` and a ``.zip`` holding one CSV are read
as the CSV inside them; an archive that unpacks past the limit (a decompression bomb) is refused
with a ``compression-error`` without being unpacked further."""

from __future__ import annotations

import gzip
import io
import resource
import zipfile
from pathlib import Path

import pytest

from lgrshare.domain.standards.model import parse_standard
from lgrshare.domain.validation import compressed, validate
from tests.conformance.reference import Verdict, side_by_side

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"unique": True}},
        {"name": "amount", "type": "number", "constraints": {"minimum": 0}},
    ]
}
TABLE = b"id,amount\n1,2.5\nx,3\n3,-1\n3,4\n"
STANDARD = parse_standard({"schema": SCHEMA}, default_name="packed")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_gzip_csv_is_read_as_frictionless_reads_it(tmp_path: Path) -> None:
    got, expected = side_by_side(tmp_path, SCHEMA, gzip.compress(TABLE), suffix=".csv.gz")

    assert got == expected
    assert got.findings == {("type-error", 3), ("constraint-error", 4), ("unique-error", 5)}


def zip_is_read(theirs: Verdict) -> Verdict:
    """frictionless-py 5.21, given a ``.zip`` holding one CSV, reports it valid without reading
    a row of it (its report has no row count); lgrshare unpacks the CSV and checks it, so it
    finds the errors the same table finds uncompressed."""
    assert theirs == Verdict(True)
    return Verdict(
        False,
        frozenset({("type-error", 3), ("constraint-error", 4), ("unique-error", 5)}),
    )


def test_a_zip_holding_one_csv_is_read(tmp_path: Path) -> None:
    got, expected = side_by_side(
        tmp_path, SCHEMA, _zip({"data.csv": TABLE}), suffix=".zip", differences=zip_is_read
    )

    assert got == expected


def test_the_report_says_the_file_was_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "data.zip"
    path.write_bytes(_zip({"returns/data.csv": TABLE}))

    report = validate(path, STANDARD)

    assert report.file["compression"] == "zip"
    assert report.file["inner_path"] == "returns/data.csv"
    assert report.file["unpacked_bytes"] == len(TABLE)
    assert report.stats["rows"] == 4


def test_a_decompression_bomb_is_refused_in_bounded_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compressed, "MAX_UNPACKED_BYTES", 8 * 1024 * 1024)
    path = tmp_path / "bomb.csv.gz"
    # 64 MB of one character, packed into about 64 KB.
    with gzip.open(path, "wb") as packed:
        packed.write(b"id,amount\n")
        for _ in range(64):
            packed.write(b"1" * (1024 * 1024))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    report = validate(path, STANDARD)

    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert [e.code for e in report.errors] == ["compression-error"]
    assert "decompression bomb" in report.errors[0].message
    assert not report.readable
    assert grown_mb < 64


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (_zip({"a.csv": TABLE, "b.csv": TABLE}), "holds 2 files"),
        (gzip.compress(TABLE)[:-12], "damaged"),
        (gzip.compress(b""), "unpacks to nothing"),
    ],
)
def test_an_archive_that_is_not_one_table_is_a_compression_error(
    tmp_path: Path, content: bytes, said: str
) -> None:
    path = tmp_path / "data.gz"
    path.write_bytes(content)

    report = validate(path, STANDARD)

    assert [e.code for e in report.errors] == ["compression-error"]
    assert said in report.errors[0].message

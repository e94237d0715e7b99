"""Untrusted files cannot hurt the service: reading happens in a limited child process.

The trial's regression cases: a 2 KB workbook with an impossible cell reference (it made the
Rust reader abort on a 550 GB allocation, hanging uploads and giving ``validate`` exit 1), and
a 6 MB CSV with one row of three million cells (1.7 GB of server memory and 40 s).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from lgrshare.domain.isolation import (
    FileTooComplex,
    FileUnreadable,
    Limits,
    in_memory_copy,
    run_limited,
)
from lgrshare.domain.standards.model import load_standard
from lgrshare.domain.validation import SourceNotFound
from lgrshare.domain.validation.isolated import validate_isolated

LIMITS = Limits(cpu_seconds=30, wall_seconds=60, memory_bytes=2 * 1024**3)


@pytest.fixture(scope="module")
def standard():
    return load_standard("council-tax-base")


def impossible_reference_workbook(folder: Path) -> Path:
    """A real two-row workbook whose cell B2 is renamed XFE1048577: one column and one row
    past the last Excel has."""
    book = openpyxl.Workbook()
    book.active.append(["gss_code", "council_name"])
    book.active.append(["E07000209", "Guildford"])
    plain = io.BytesIO()
    book.save(plain)
    path = folder / "impossible.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'r="B2"' in data
                data = data.replace(b'r="B2"', b'r="XFE1048577"')
            out.writestr(item, data)
    return path


def test_a_workbook_with_an_impossible_cell_reference_is_refused_not_fatal(tmp_path, standard):
    path = impossible_reference_workbook(tmp_path)
    assert path.stat().st_size < 5000
    with pytest.raises((FileTooComplex, FileUnreadable)) as raised:
        validate_isolated(path, standard, limits=LIMITS)
    # The reader asks for 550 GB; the child's address space is 2 GB.
    assert raised.value.code == "file-too-complex"
    assert "2,048 MB of memory" in raised.value.message
    # The service goes on: the next file is read as usual.
    good = tmp_path / "good.csv"
    good.write_text("gss_code,council_name\nE07000209,Guildford\n")
    assert validate_isolated(good, standard, limits=LIMITS).readable


def test_a_very_wide_row_is_refused_early_with_bounded_memory(tmp_path, standard):
    names = [field.name for field in standard.fields]
    row = ",".join(["E07000209", *["1"] * (len(names) - 1)])
    path = tmp_path / "wide.csv"
    path.write_text("\n".join([",".join(names), row, ",".join(["x"] * 3_000_000), row]) + "\n")
    assert path.stat().st_size > 6_000_000
    # 1 GB of address space (which counts what Polars' threads reserve, not only what they
    # use) is less than the 1.7 GB of memory this file took before the early refusal.
    report = validate_isolated(path, standard, limits=Limits(memory_bytes=1024**3))
    assert not report.readable
    assert report.errors[0].code == "format-error"
    assert report.errors[0].row == 3
    assert "3,000,000 cells" in report.errors[0].message


def test_an_upload_stream_is_read_from_memory_and_reported_by_its_name(standard):
    source = io.BytesIO(b"gss_code,council_name\nE07000209,Guildford\n")
    report = validate_isolated(source, standard, limits=LIMITS, file_name="tax.csv")
    assert report.file["name"] == "tax.csv"
    assert report.stats["rows"] == 1


def test_errors_raised_on_purpose_cross_back_with_their_codes(tmp_path, standard):
    with pytest.raises(SourceNotFound) as raised:
        validate_isolated(tmp_path / "missing.csv", standard, limits=LIMITS)
    assert raised.value.code == "source-not-found"


def _spin(seconds: int, *, report) -> None:
    while True:
        pass


def _crash(*, report) -> None:
    raise BaseException("like a Rust panic, which is no Exception")


def _panic_allocating(*, report) -> None:
    # What Polars' panic says when the address-space limit stops an allocation.
    raise BaseException("Cannot allocate memory to hold CompactString")


def _chatty(*, report) -> bytes:
    return b"x" * (2 * 1024 * 1024)


def test_a_reader_past_its_cpu_time_is_stopped_and_named():
    with pytest.raises(FileTooComplex) as raised:
        run_limited(_spin, 1, limits=Limits(cpu_seconds=1, wall_seconds=30), what="testing")
    assert "1 seconds of processor time" in raised.value.message


def test_a_reader_past_its_wall_clock_deadline_is_stopped():
    with pytest.raises(FileTooComplex) as raised:
        run_limited(_spin, 1, limits=Limits(cpu_seconds=60, wall_seconds=1), what="testing")
    assert "longer than the 1 seconds" in raised.value.message


def test_a_panic_becomes_file_unreadable():
    with pytest.raises(FileUnreadable) as raised:
        run_limited(_crash, limits=LIMITS, what="testing")
    assert raised.value.code == "file-unreadable"


def test_a_panic_that_could_not_allocate_is_the_memory_limit_named():
    # Found by the hostile corpus: a workbook with one 16 MB cell, read within 1 GB, was
    # "unreadable" (the reader failed) rather than over the limit on memory.
    with pytest.raises(FileTooComplex) as raised:
        run_limited(_panic_allocating, limits=LIMITS, what="testing")
    assert "2,048 MB of memory" in raised.value.message


def test_output_over_its_limit_is_refused():
    with pytest.raises(FileTooComplex) as raised:
        run_limited(_chatty, limits=Limits(output_bytes=1024 * 1024), what="testing")
    assert "1 MB of results" in raised.value.message


def test_an_upload_already_in_memory_is_handed_to_the_child_without_a_second_copy():
    # As web.uploads holds an upload.
    with open(os.memfd_create("upload", os.MFD_CLOEXEC), "w+b") as upload:
        upload.write(b"gss_code,council_name\nE07000209,Guildford\n")
        upload.seek(0)
        handed = in_memory_copy(upload)
        try:
            assert os.fstat(handed.connection.fileno()).st_ino == os.fstat(upload.fileno()).st_ino
        finally:
            handed.close()
        assert not upload.closed  # the upload is the request's to close
    copied = in_memory_copy(io.BytesIO(b"a,b\n1,2\n"))
    try:
        assert os.readlink(copied.path).startswith("/memfd:")
        with open(copied.path, "rb") as child_view:
            assert child_view.read() == b"a,b\n1,2\n"
    finally:
        copied.close()

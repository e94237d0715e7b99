"""Encodings (issue 19, item 5): a file that is not UTF-8 is read in the standard's
``encoding``, or in one detected with charset-normalizer; the report names it and says when the
detection is a guess. Greek ISO-8859-7 is never silently read as Windows-1252."""

from __future__ import annotations

from pathlib import Path

from lgrshare.domain.standards.model import parse_standard
from lgrshare.domain.validation import validate
from lgrshare.domain.validation.report import read_as
from tests.conformance.reference import Verdict, side_by_side

GREEK = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "city", "type": "string", "constraints": {"enum": ["Αθήνα", "Θεσσαλονίκη"]}},
    ]
}
LATIN = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "place", "type": "string", "constraints": {"enum": ["Café", "Hôtel £5"]}},
    ]
}
GREEK_TABLE = "id,city\n1,Αθήνα\n2,Θεσσαλονίκη\nx,Αθήνα\n"
LATIN_TABLE = "id,place\n1,Café\n2,Hôtel £5\nx,Café\n"


def test_greek_iso_8859_7_is_detected_as_greek(tmp_path: Path) -> None:
    # The enum holds the Greek names: read in another encoding they would break it.
    got, expected = side_by_side(tmp_path, GREEK, GREEK_TABLE.encode("iso-8859-7"))

    assert got == expected
    assert got.findings == {("type-error", 4)}


def test_the_standards_encoding_is_used(tmp_path: Path) -> None:
    got, expected = side_by_side(
        tmp_path, GREEK, GREEK_TABLE.encode("iso-8859-7"), encoding="iso-8859-7"
    )

    assert got == expected
    assert got.findings == {("type-error", 4)}


def windows_1252_is_read_as_windows_1252(theirs: Verdict) -> Verdict:
    """frictionless-py 5.21 guesses with chardet, which takes this short Windows-1252 table for
    Greek (cp737) and breaks every accented value; lgrshare guesses with charset-normalizer and
    prefers Windows-1252, what Excel's plain CSV export writes, among the encodings that read
    the file equally well (and says that it is a guess)."""
    assert ("constraint-error", 2) in theirs.findings
    return Verdict(False, frozenset({("type-error", 4)}))


def test_windows_1252_is_detected(tmp_path: Path) -> None:
    got, expected = side_by_side(
        tmp_path,
        LATIN,
        LATIN_TABLE.encode("cp1252"),
        differences=windows_1252_is_read_as_windows_1252,
    )

    assert got == expected
    assert got.findings == {("type-error", 4)}


def test_a_detected_encoding_is_named_and_a_guess_is_said_to_be_one(tmp_path: Path) -> None:
    path = tmp_path / "greek.csv"
    path.write_bytes(GREEK_TABLE.encode("iso-8859-7"))

    report = validate(path, parse_standard({"schema": GREEK}, default_name="greek"))

    assert report.file["encoding"] == "windows-1253"  # Greek; ISO-8859-7 reads these alike
    assert report.file["encoding_detected"] is True
    assert report.file["encoding_confident"] is False
    assert report.file["encoding_language"] == "Greek"
    said = read_as(report.file)
    assert said.startswith("CSV, Windows-1253 (a guess: the file is not UTF-8")
    # Plain words: no language guess, no line ending.
    assert "Greek" not in said
    assert not said.endswith(("LF", "CRLF"))


def test_a_declared_encoding_is_named_and_not_a_guess(tmp_path: Path) -> None:
    path = tmp_path / "greek.csv"
    path.write_bytes(GREEK_TABLE.encode("iso-8859-7"))
    standard = parse_standard({"schema": GREEK, "encoding": "iso-8859-7"}, default_name="greek")

    report = validate(path, standard)

    assert report.file["encoding"] == "iso-8859-7"
    assert "encoding_detected" not in report.file
    assert read_as(report.file).startswith("CSV, iso-8859-7, delimiter ','")


def test_a_byte_the_declared_encoding_lacks_is_an_encoding_error(tmp_path: Path) -> None:
    path = tmp_path / "greek.csv"
    path.write_bytes(GREEK_TABLE.encode("iso-8859-7") + b"4,\xff\n")
    standard = parse_standard({"schema": GREEK, "encoding": "iso-8859-7"}, default_name="greek")

    report = validate(path, standard)

    (error,) = report.errors
    assert error.code == "encoding-error"
    assert "not iso-8859-7, the standard's encoding" in error.message
    assert error.row == 5


def test_a_declared_encoding_wins_over_bytes_that_look_like_utf8(tmp_path: Path) -> None:
    # "Ã©" in Windows-1252 is the two bytes of "é" in UTF-8: declared, it is read as "Ã©".
    latin = {"fields": [{"name": "id", "type": "integer"}, {"name": "place", "type": "string",
             "constraints": {"enum": ["CafÃ©"]}}]}  # fmt: skip
    got, expected = side_by_side(
        tmp_path, latin, "id,place\n1,CafÃ©\n".encode("cp1252"), encoding="windows-1252"
    )

    assert got == expected
    assert got.valid

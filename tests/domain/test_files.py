"""Upload checks shared by attachments and submissions: name, size, type, content."""

import pytest

from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.files import FileTooLarge, check_file, safe_filename


@pytest.mark.parametrize(
    "name", ["../x.csv", "a/b.csv", "C:\\x.csv", "..", "tab\tname.csv", "", "x" * 121]
)
def test_unsafe_names_are_refused(name):
    with pytest.raises(InvalidInput) as caught:
        safe_filename(name)
    assert caught.value.code == "filename-invalid"


def test_plain_names_pass_unchanged():
    assert safe_filename("Contracts register 2026 (v2).xlsx") == "Contracts register 2026 (v2).xlsx"


def test_size_limits():
    with pytest.raises(InvalidInput) as empty:
        check_file(name="a.csv", size=0, head=b"", max_bytes=10)
    assert empty.value.code == "file-empty"
    with pytest.raises(FileTooLarge) as big:
        check_file(name="a.csv", size=11, head=b"a", max_bytes=10)
    assert big.value.status == 413


@pytest.mark.parametrize(
    ("name", "head", "code"),
    [
        ("a.exe", b"MZ", "file-type-not-allowed"),
        ("a", b"x", "file-type-not-allowed"),
        ("a.pdf", b"PK\x03\x04", "file-content-mismatch"),
        ("a.docx", b"%PDF-1.7", "file-content-mismatch"),
        ("a.txt", b"\x00\x01", "file-content-mismatch"),
    ],
)
def test_types_must_match_their_content(name, head, code):
    with pytest.raises(InvalidInput) as caught:
        check_file(name=name, size=10, head=head, max_bytes=100)
    assert caught.value.code == code


def test_a_real_looking_xlsx_passes():
    checked = check_file(name="Data.XLSX", size=10, head=b"PK\x03\x04rest", max_bytes=100)
    assert checked.extension == "xlsx"

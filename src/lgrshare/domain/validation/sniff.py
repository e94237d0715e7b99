"""What kind of file is this? Decided from its first bytes, never from its name.

An XLSX renamed ``.csv`` is read as XLSX; a PDF renamed ``.csv`` is a ``format-error`` saying it
is a PDF. Returns ``"csv"`` or ``"xlsx"``; raises ``Unreadable`` for anything that is neither.
"""

from __future__ import annotations

from typing import BinaryIO, Literal

from lgrshare.domain.validation.unreadable import encoding_error, format_error

SAMPLE_BYTES = 64 * 1024
# Encrypted Office files are OLE2 containers holding an "EncryptionInfo" stream (MS-OFFCRYPTO).
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_OLE2_SCAN_BYTES = 4 * 1024 * 1024
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"{\\rtf", "a Rich Text document"),
)
_CONTROL = bytes(range(0x20)).translate(None, b"\t\n\r\f\v\x1a")
_SAVE_AS = "Save it as CSV (UTF-8) or as an Excel workbook (.xlsx) and try again."


def sniff_format(handle: BinaryIO, *, size: int) -> Literal["csv", "xlsx"]:
    """Return the table format of the open file ``handle`` (position is left at 0).

    Raises ``Unreadable`` for an empty, binary, encrypted, UTF-16 or UTF-32 file.
    """
    handle.seek(0)
    sample = handle.read(SAMPLE_BYTES)
    handle.seek(0)
    if size == 0 or not sample:
        raise format_error("The file is empty: it has no header row and no data.")
    if sample.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"
    if sample.startswith(_OLE2):
        scanned = sample + handle.read(_OLE2_SCAN_BYTES)
        handle.seek(0)
        if _ENCRYPTION_INFO in scanned:
            raise format_error(
                "The workbook is password-protected (encrypted), so it cannot be read. "
                "Remove the password in Excel (File > Info > Protect Workbook) and save it again."
            )
        raise format_error(
            "This is an Excel 97-2003 workbook (.xls) or another old Office file. " + _SAVE_AS
        )
    for magic, what in _MAGIC:
        if sample.startswith(magic):
            raise format_error(f"This is {what}, not a table. {_SAVE_AS}")
    if wide_unicode(sample) == "UTF-32":
        raise encoding_error(
            "The file is in UTF-32. Save it as 'CSV UTF-8 (comma delimited)' and try again.", row=1
        )
    if wide_unicode(sample) == "UTF-16":
        raise encoding_error(
            "The file is in UTF-16 (Excel's 'Unicode Text'). Save it as "
            "'CSV UTF-8 (comma delimited)' and try again.",
            row=1,
        )
    controls = sum(sample.count(byte.to_bytes(1, "big")) for byte in _CONTROL)
    if b"\x00" in sample[:1024] or controls > len(sample) // 20:
        raise format_error(f"The file is binary, not text, so it is not a CSV file. {_SAVE_AS}")
    if sample.lstrip(b"\xef\xbb\xbf \t\r\n") == b"" and size <= len(sample):
        raise format_error("The file is empty: it has no header row and no data.")
    return "csv"


def wide_unicode(sample: bytes) -> Literal["UTF-16", "UTF-32"] | None:
    """Return ``"UTF-16"`` or ``"UTF-32"`` when ``sample`` (a file's first bytes) is text in
    that encoding, with or without a byte-order mark; else None."""
    if sample.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) or _looks_utf32(sample):
        return "UTF-32"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(sample):
        return "UTF-16"
    return None


def _looks_utf32(sample: bytes) -> bool:
    # UTF-32 text without a BOM: in Latin text three bytes of every four are NUL, the same
    # three (a binary file has NULs scattered, not in three fixed places of four).
    head = sample[:512]
    if len(head) < 16:
        return False
    zeros = [head[i::4].count(0) > len(head[i::4]) * 7 // 8 for i in range(4)]
    return zeros in ([False, True, True, True], [True, True, True, False])


def _looks_utf16(sample: bytes) -> bool:
    # UTF-16 text without a BOM: in mostly Latin text, most bytes at one parity are NUL and
    # hardly any at the other (a program or other binary file has NULs at both).
    head = sample[:512]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return any(
        zeros.count(0) > len(zeros) // 2 and other.count(0) <= len(other) // 16
        for zeros, other in ((odd, even), (even, odd))
    )

"""Honest character-encoding detection for CSV, block by block.

Rule: a file is UTF-8 if every byte sequence is valid UTF-8 (a BOM is allowed). Otherwise it is
Windows-1252 (what Excel's plain "CSV" export writes) only if every byte is defined in
Windows-1252 *and* the file holds no well-formed multi-byte UTF-8 sequence: a file that mixes the
two would otherwise turn every UTF-8 "£" into "Â£" without a word. Anything else is an
``encoding-error`` giving the byte offset. Pure ASCII is both, and stays undecided until a
non-ASCII byte decides it, so a file is read in one pass.
"""

from __future__ import annotations

import re

from lgrshare.domain.validation.unreadable import Unreadable, encoding_error

_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
UTF8 = "utf-8"
CP1252 = "windows-1252"


class TextDecoder:
    """Checks blocks of a file in order and returns them as UTF-8 bytes.

    ``encoding`` is None while every byte seen was ASCII, then ``utf-8`` or ``windows-1252``.
    Blocks must be cut at line ends (never inside a character). ``to_utf8`` raises
    ``Unreadable`` (``encoding-error``) with a message naming the byte and the ``line_of`` it.
    """

    def __init__(self) -> None:
        self.encoding: str | None = None

    def to_utf8(self, block: bytes, *, offset: int, first_line: int) -> bytes:
        """Return ``block`` (starting at byte ``offset``, line ``first_line``) in UTF-8."""
        if b"\x00" in block:
            at = block.index(b"\x00")
            raise self._error(
                block,
                at,
                offset,
                first_line,
                "is a NUL byte (0x00), which text never contains; "
                "the file may be damaged, or saved as UTF-16 ('Unicode Text')",
            )
        if block.isascii():
            return block
        if self.encoding in (None, UTF8):
            try:
                block.decode(UTF8)
            except UnicodeDecodeError as exc:
                if self.encoding == UTF8 or _UTF8_MULTIBYTE.search(block):
                    raise self._mixed(block, exc.start, offset, first_line) from exc
                self.encoding = CP1252
            else:
                self.encoding = UTF8
                return block
        if _UTF8_MULTIBYTE.search(block):
            match = _UTF8_MULTIBYTE.search(block)
            assert match is not None
            raise self._mixed(block, match.start(), offset, first_line)
        try:
            return block.decode("cp1252").encode(UTF8)
        except UnicodeDecodeError as exc:
            raise self._error(
                block,
                exc.start,
                offset,
                first_line,
                f"(0x{block[exc.start]:02X}) is neither UTF-8 nor Windows-1252",
            ) from exc

    def _mixed(self, block: bytes, at: int, offset: int, first_line: int) -> Unreadable:
        return self._error(
            block,
            at,
            offset,
            first_line,
            f"(0x{block[at]:02X}) is not UTF-8, but other parts of the file are: the file mixes "
            "two encodings",
        )

    @staticmethod
    def _error(block: bytes, at: int, offset: int, first_line: int, what: str) -> Unreadable:
        line = first_line + block.count(b"\n", 0, at) if b"\n" in block else first_line
        return encoding_error(
            f"Byte {offset + at:,} (line {line:,}) {what}. "
            "Save the file as 'CSV UTF-8 (comma delimited)' and try again.",
            row=line,
        )

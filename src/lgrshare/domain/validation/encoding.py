"""Honest character-encoding detection for CSV, block by block.

Rule: a file is UTF-8 if every byte sequence is valid UTF-8 (a BOM is allowed). A file that
holds a well-formed multi-byte UTF-8 sequence and bytes that are not UTF-8 mixes two encodings
(it would otherwise turn every UTF-8 "£" into "Â£" without a word): an ``encoding-error`` giving
the byte offset. Otherwise the encoding is the standard's (``Dialect.encoding``) if it gives
one, or is detected with charset-normalizer from the first block that is not UTF-8: among the
encodings that read it with nearly the least chaos, Windows-1252 (what Excel's plain "CSV"
export writes) if it is one, else the first that is a one-byte Windows or ISO code page. The
guess is *confident* when it is charset-normalizer's best and every encoding as good reads the
block as the same text; otherwise the report says it is a guess (Greek ISO-8859-7 reads as
Windows-1253, a guess, never silently as Windows-1252). A byte the encoding does not define is
an ``encoding-error``. Pure ASCII is both, and stays undecided until a non-ASCII byte decides
it, so a file is read in one pass.
"""

from __future__ import annotations

import codecs
import re

from lgrshare.domain.validation.unreadable import Unreadable, encoding_error

_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
UTF8 = "utf-8"
CP1252 = "windows-1252"
# The most of a block charset-normalizer reads to guess its encoding.
DETECT_BYTES = 1024 * 1024
_NOT_ASCII = re.compile(rb"[\x80-\xff]")
# Encodings as good as the best: no more chaos than it plus this; and nearly as good, among
# which the one files are most often written in is chosen (Windows-1252, then a Windows or ISO
# code page rather than an old Mac or DOS one, or a multi-byte one, which charset-normalizer
# may rank first on a short text: a text really in one of those reads far worse in the others).
_TIE = 0.005
_NEAR = 0.05
_RARE = (
    "mac_", "cp4", "cp7", "cp8", "cp9", "cp10", "cp11", "cp27", "hp_", "ptcp", "kz1048",
    "shift_jis", "euc_", "gb", "big5", "johab", "hz", "iso2022",
)  # fmt: skip
# charset-normalizer's names, as people know them.
_NAMES = {"cp1252": CP1252, "cp1250": "windows-1250", "cp1251": "windows-1251",
          "cp1253": "windows-1253", "cp1254": "windows-1254", "cp1257": "windows-1257",
          "latin_1": "iso-8859-1"}  # fmt: skip


class TextDecoder:
    """Checks blocks of a file in order and returns them as UTF-8 bytes.

    ``encoding`` is None while every byte seen was ASCII, then ``utf-8`` or ``windows-1252``.
    Blocks must be cut at line ends (never inside a character). ``to_utf8`` raises
    ``Unreadable`` (``encoding-error``) with a message naming the byte and the ``line_of`` it.
    """

    def __init__(self, declared: str | None = None) -> None:
        # The standard's encoding, if it gives one: used for every block that is not ASCII. One
        # that is not UTF-8 is set from the start, so that no block is read as UTF-8 (bytes
        # that happen to be valid UTF-8 are still, say, Windows-1252).
        self.declared = declared
        utf8 = declared is None or codecs.lookup(declared).name == UTF8
        self.encoding: str | None = None if utf8 else declared
        # Whether ``encoding`` was guessed (not UTF-8, nor declared), and the guess confident.
        self.guessed = False
        self.confident = True
        self.language = ""

    def describe(self) -> dict[str, object]:
        """Return the report's ``file`` entries about a detected encoding (none otherwise)."""
        if not self.guessed:
            return {}
        return {"encoding_detected": True, "encoding_confident": self.confident,
                **({"encoding_language": self.language} if self.language else {})}  # fmt: skip

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
        if self.declared is not None:
            return self._declared(block, offset, first_line)
        if self.encoding in (None, UTF8):
            try:
                block.decode(UTF8)
            except UnicodeDecodeError as exc:
                if self.encoding == UTF8 or _UTF8_MULTIBYTE.search(block):
                    raise self._mixed(block, exc.start, offset, first_line) from exc
                self._detect(block)
            else:
                self.encoding = UTF8
                return block
        if _UTF8_MULTIBYTE.search(block):
            match = _UTF8_MULTIBYTE.search(block)
            assert match is not None
            raise self._mixed(block, match.start(), offset, first_line)
        assert self.encoding is not None
        try:
            return block.decode(self.encoding).encode(UTF8)
        except UnicodeDecodeError as exc:
            raise self._error(
                block,
                exc.start,
                offset,
                first_line,
                f"(0x{block[exc.start]:02X}) is neither UTF-8 nor {_title(self.encoding)}",
            ) from exc

    def _declared(self, block: bytes, offset: int, first_line: int) -> bytes:
        assert self.declared is not None
        self.encoding = self.declared
        try:
            text = block.decode(self.declared)
        except UnicodeDecodeError as exc:
            what = f"(0x{block[exc.start]:02X}) is not {self.declared}, the standard's encoding"
            raise TextDecoder._error(block, exc.start, offset, first_line, what) from exc
        return block if codecs.lookup(self.declared).name == UTF8 else text.encode(UTF8)

    def _detect(self, block: bytes) -> None:
        """Guess the encoding of ``block`` (not UTF-8) and say whether the guess is confident.

        charset-normalizer reads the block from a little before its first byte that is not
        ASCII; an encoding that cannot read the whole block is passed over."""
        # Imported here: it takes 50 ms, and most files are UTF-8 (``lgrshare validate`` starts
        # in well under a second).
        import charset_normalizer

        first = _NOT_ASCII.search(block)
        start = max(0, first.start() - 4096) if first else 0
        sample = block[start : start + DETECT_BYTES]
        found = [
            match
            for match in charset_normalizer.from_bytes(sample)
            if match.encoding not in ("ascii", "utf_8") and _reads(block, match.encoding)
        ]
        self.guessed = True
        if not found:
            self.encoding, self.confident = CP1252, False
            return
        least = min(match.chaos for match in found)
        near = [match for match in found if match.chaos <= least + _NEAR]
        common = [match for match in near if not match.encoding.startswith(_RARE)] or near
        # A match stands for every encoding that reads the sample as the same text.
        windows = next((m for m in near if "cp1252" in m.could_be_from_charset), None)
        chosen = windows or common[0]
        best = [match for match in found if match.chaos <= least + _TIE]
        text = str(chosen)
        name = "cp1252" if windows else chosen.encoding
        self.encoding = _NAMES.get(name, name.replace("_", "-"))
        self.confident = chosen is found[0] and all(str(match) == text for match in best)
        self.language = chosen.language if chosen.language != "Unknown" else ""

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


def _title(encoding: str) -> str:
    return "Windows-1252" if encoding == CP1252 else encoding


def _reads(block: bytes, encoding: str) -> bool:
    try:
        block.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True

"""How a standard's CSV files are written: a Frictionless CSV dialect, and the text encoding.

A standard (or a Data Package resource) may carry, beside its ``schema``::

    "dialect": {"delimiter": ";", "quoteChar": "'", "doubleQuote": true, "escapeChar": "\\\\",
                "skipInitialSpace": false, "commentChar": "#", "commentRows": [1],
                "header": true, "headerRows": [2, 3], "headerJoin": " ",
                "lineTerminator": "\\r\\n"},
    "encoding": "iso-8859-7"

read as frictionless-py 5.21 reads them: Python's csv module with these settings (a
``doubleQuote`` of false counts only with an ``escapeChar``; an empty ``quoteChar`` turns quoting
off); records are numbered from 1 at the file's first record, header rows and comment rows
included; a comment row is one whose first cell starts with ``commentChar``, or whose number is
in ``commentRows``; the header row is the first that is not a comment, unless ``headerRows``
says; the labels are the ``headerRows`` joined with ``headerJoin`` (a cell repeated
from the row above, as a merged cell gives, counted once), and the data starts after the last
of them; with ``header: false`` there is no header, the columns are the schema's fields in
order and the data starts at record 1. ``lineTerminator`` is accepted and not needed: a line
ends at ``\\r\\n``, ``\\n`` or ``\\r`` whatever it says. Properties frictionless knows that do not
change what is read (``caseSensitiveHeader``, ``csvddfVersion``, ``$schema``...) are kept and
ignored.

Every problem is found when the standard is parsed (``dialect-invalid``), so a file is never
half read with settings Python's csv module would refuse.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lgrshare.domain.standards.problems import StandardInvalid

MAX_HEADER_ROW = 1_000
MAX_COMMENT_ROWS = 10_000
MAX_HEADER_JOIN_CHARS = 100
# Table Schema v2's ways of matching a file's columns to the schema's fields.
FIELDS_MATCH = ("exact", "equal", "subset", "superset", "partial")
LINE_TERMINATORS = ("\r\n", "\n", "\r")
_LINE_BREAKS = frozenset("\r\n")
# Encodings read line by line as bytes: a line break is the byte 0x0A or 0x0D in them.
_WIDE_ENCODINGS = ("utf_16", "utf_32")


class DialectInvalid(StandardInvalid):
    code = "dialect-invalid"
    title = "The standard's CSV dialect cannot be used"


@dataclass(frozen=True, slots=True)
class Dialect:
    """A CSV dialect (defaults: frictionless's). ``delimiter`` None: found from the file;
    ``encoding`` None: UTF-8, or detected."""

    delimiter: str | None = None
    quote_char: str = '"'
    double_quote: bool = True
    escape_char: str | None = None
    skip_initial_space: bool = False
    comment_char: str | None = None
    comment_rows: frozenset[int] = frozenset()
    header: bool = True
    header_rows: tuple[int, ...] = (1,)
    # Whether ``headerRows`` was given: if not, the header is the first row not a comment.
    header_rows_stated: bool = False
    header_join: str = " "
    line_terminator: str | None = None
    encoding: str | None = None

    @property
    def plain(self) -> bool:
        """Return whether files in this dialect are plain CSV for the fast reader: a header row
        on line 1, ``"`` quotes doubled, no comments, and a one-byte delimiter (if any)."""
        return (
            self.quote_char == '"'
            and self.escape_char is None
            and not self.skip_initial_space
            and self.comment_char is None
            and not self.comment_rows
            and self.header
            and self.header_rows == (1,)
            and (self.delimiter is None or self.delimiter.isascii())
        )

    def csv_options(self, delimiter: str) -> dict[str, Any]:
        """Return the keyword arguments of ``csv.reader`` for this dialect (as frictionless's
        ``CsvControl.to_python``)."""
        return {
            "delimiter": delimiter,
            "quotechar": self.quote_char or None,
            "quoting": 3 if self.quote_char == "" else 0,  # QUOTE_NONE, QUOTE_MINIMAL
            "doublequote": self.double_quote if self.escape_char else True,
            "escapechar": self.escape_char,
            "skipinitialspace": self.skip_initial_space,
        }

    def is_comment(self, number: int, record: list[str]) -> bool:
        """Return whether record ``number`` (1-based) is a comment row."""
        if number in self.comment_rows:
            return True
        return bool(self.comment_char and record and record[0].startswith(self.comment_char))

    def to_json(self) -> dict[str, Any]:
        """Return the dialect as Frictionless JSON, without its defaults (nor ``encoding``)."""
        out: dict[str, Any] = {}
        default = Dialect()
        pairs: tuple[tuple[str, Any, Any], ...] = (
            ("delimiter", self.delimiter, default.delimiter),
            ("quoteChar", self.quote_char, default.quote_char),
            ("doubleQuote", self.double_quote, default.double_quote),
            ("escapeChar", self.escape_char, default.escape_char),
            ("skipInitialSpace", self.skip_initial_space, default.skip_initial_space),
            ("commentChar", self.comment_char, default.comment_char),
            ("commentRows", sorted(self.comment_rows), []),
            ("header", self.header, default.header),
            ("headerRows", list(self.header_rows), [] if self.header_rows_stated else [1]),
            ("headerJoin", self.header_join, default.header_join),
            ("lineTerminator", self.line_terminator, default.line_terminator),
        )
        for key, value, unset in pairs:
            if value != unset:
                out[key] = value
        return out


# The default dialect: plain CSV, its delimiter found from the file.
PLAIN = Dialect()


def check_fields_match(value: Any) -> None:
    """Raise ``StandardInvalid`` unless ``value`` (a schema's ``fieldsMatch``) is absent or one
    of Table Schema v2's ``FIELDS_MATCH``."""
    if value is not None and value not in FIELDS_MATCH:
        raise StandardInvalid(
            f'"fieldsMatch" must be one of {", ".join(FIELDS_MATCH)}, not {str(value)!r:.60}.'
        )


def parse_dialect(raw: Any, *, encoding: Any = None) -> Dialect:
    """Return the dialect described by ``raw`` (a Frictionless CSV dialect, or None) and the
    ``encoding`` given beside it. Raises ``DialectInvalid`` naming every problem found."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise DialectInvalid('"dialect" must be a JSON object.')
    problems: list[str] = []
    read = _Reader(raw, problems)
    delimiter = read.char("delimiter", empty=False)
    quote_char = read.char("quoteChar", empty=True, default='"')
    escape_char = read.char("escapeChar", empty=False)
    comment_char = read.char("commentChar", empty=False)
    double_quote = read.flag("doubleQuote", True)
    skip_initial_space = read.flag("skipInitialSpace", False)
    header = read.flag("header", True)
    header_rows = read.rows("headerRows", MAX_HEADER_ROW, default=[1])
    comment_rows = read.rows("commentRows", MAX_COMMENT_ROWS, default=[])
    header_join = raw.get("headerJoin", " ")
    if not isinstance(header_join, str) or len(header_join) > MAX_HEADER_JOIN_CHARS:
        problems.append(f'"headerJoin" must be text of at most {MAX_HEADER_JOIN_CHARS} characters')
        header_join = " "
    terminator = raw.get("lineTerminator")
    if terminator is not None and terminator not in LINE_TERMINATORS:
        problems.append('"lineTerminator" must be "\\r\\n", "\\n" or "\\r"')
        terminator = None
    if header and not header_rows:
        problems.append('"headerRows" must name at least one row when "header" is true')
    if header_rows and list(header_rows) != sorted(set(header_rows)):
        problems.append('"headerRows" must be in increasing order, each row once')
    used = {"delimiter": delimiter, "quoteChar": quote_char or None, "escapeChar": escape_char}
    named = [(key, value) for key, value in used.items() if value is not None]
    for i, (key, value) in enumerate(named):
        for other, same in named[i + 1 :]:
            if value == same:
                problems.append(f'"{key}" and "{other}" are the same character, {value!r}')
    if encoding is not None:
        encoding = _encoding(encoding, problems)
    if problems:
        raise DialectInvalid("The dialect cannot be used: " + "; ".join(problems) + ".")
    return Dialect(
        delimiter=delimiter,
        quote_char=quote_char if quote_char is not None else '"',
        double_quote=double_quote,
        escape_char=escape_char,
        skip_initial_space=skip_initial_space,
        comment_char=comment_char,
        comment_rows=frozenset(comment_rows),
        header=header,
        header_rows=tuple(header_rows) if header else (),
        header_rows_stated="headerRows" in raw,
        header_join=header_join,
        line_terminator=terminator,
        encoding=encoding,
    )


def _encoding(value: Any, problems: list[str]) -> str | None:
    if not isinstance(value, str) or not value or len(value) > 40:
        problems.append('"encoding" must be the name of a text encoding, such as "windows-1252"')
        return None
    try:
        name = codecs.lookup(value).name
    except LookupError:
        problems.append(f'"encoding" {value!r} is not a text encoding Python knows')
        return None
    if name.startswith(_WIDE_ENCODINGS):
        problems.append(f'"encoding" {value!r}: UTF-16 and UTF-32 files are not read; use UTF-8')
        return None
    return value


@dataclass(frozen=True, slots=True)
class _Reader:
    raw: Mapping[str, Any]
    problems: list[str]

    def char(self, key: str, *, empty: bool, default: str | None = None) -> str | None:
        value = self.raw.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str) or len(value) > 1 or (value == "" and not empty):
            self.problems.append(
                f'"{key}" must be one character{" or empty" if empty else ""}, not {value!r:.40}'
            )
            return default
        if value in _LINE_BREAKS:
            self.problems.append(f'"{key}" cannot be a line break')
            return default
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            self.problems.append(f'"{key}" must be true or false')
            return default
        return value

    def rows(self, key: str, limit: int, *, default: list[int]) -> list[int]:
        value = self.raw.get(key, default)
        if (
            not isinstance(value, list)
            or len(value) > limit
            or not all(type(n) is int and 1 <= n <= limit for n in value)
        ):
            self.problems.append(
                f'"{key}" must be a list of row numbers from 1 to {limit:,} (at most {limit:,})'
            )
            return default
        return value

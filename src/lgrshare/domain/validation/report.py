"""The validation report: findings, statistics, a profile of each field and the caveats.

A report is data: ``valid`` is derived from the number of errors found (every error is counted,
even past the cap on the list), and ``to_json``/``from_json`` round-trip it for the hub and the
CLI's ``--json``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lgrshare.domain.validation.caveats import Caveat
from lgrshare.domain.validation.errors import CODES, FATAL_CODES, ValidationError


@dataclass(frozen=True, slots=True)
class FieldProfile:
    """What one field holds.

    ``min``/``max`` are the smallest and largest valid values (None for text, which has
    ``min_length``/``max_length`` instead). ``distinct`` is exact while ``distinct_exact``; past
    65,536 distinct values it is an estimate (within about 1%; in a table of more than 64 fields
    past fewer, at least 1,024, within about 4%). ``most_common`` lists up to five
    ``(value, count)`` pairs; when ``most_common_exact`` is false they come from a 1-in-16
    sample of rows and their counts are estimates, or the field had so many distinct values that
    the rarest were no longer counted.
    """

    name: str
    type: str
    filled: int
    filled_percent: float
    distinct: int
    distinct_exact: bool = True
    min: Any = None
    max: Any = None
    most_common: tuple[tuple[str, int], ...] = ()
    most_common_exact: bool = True
    min_length: int | None = None
    max_length: int | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the profile as a JSON object."""
        return {
            "name": self.name,
            "type": self.type,
            "filled": self.filled,
            "filled_percent": self.filled_percent,
            "distinct": self.distinct,
            "distinct_exact": self.distinct_exact,
            "min": self.min,
            "max": self.max,
            "min_length": self.min_length,
            "max_length": self.max_length,
            "most_common": [{"value": value, "count": count} for value, count in self.most_common],
            "most_common_exact": self.most_common_exact,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FieldProfile:
        """Return the profile ``to_json`` gave."""
        return cls(
            name=data["name"],
            type=data["type"],
            filled=data["filled"],
            filled_percent=data["filled_percent"],
            distinct=data["distinct"],
            distinct_exact=data.get("distinct_exact", True),
            min=data.get("min"),
            max=data.get("max"),
            most_common=tuple((item["value"], item["count"]) for item in data["most_common"]),
            most_common_exact=data.get("most_common_exact", True),
            min_length=data.get("min_length"),
            max_length=data.get("max_length"),
        )


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of validating one file against one standard.

    ``stats``: ``rows`` (data rows, header excluded), ``fields`` (of the standard), ``bytes``,
    ``seconds``, ``counts`` (errors by code, every one counted), ``error_count``,
    ``errors_capped`` (the list stops short of ``error_count``) and ``readable`` (false when a
    ``format-error``, ``encoding-error`` or ``compression-error`` stopped the file being read,
    so nothing else was checked). ``file``: ``name``, ``format`` (csv or xlsx), ``bytes``;
    ``encoding`` (with ``encoding_detected``, ``encoding_confident`` and ``encoding_language``
    when it was guessed), ``delimiter``, ``line_terminator`` and the standard's ``dialect`` (as
    read), ``lines_before_header`` (comment lines skipped to the header, when the standard
    does not say where it is) and ``delimiter_looks`` (the delimiter a file seems to use when
    its header was read as one label with the standard's) for CSV, or ``sheet``, ``first_cell``
    and ``title_rows`` (rows of text above the header) for XLSX; ``compression``,
    ``unpacked_bytes`` and ``inner_path`` for a compressed file; ``labels_stripped`` (labels
    matched without the spaces around them); ``extra_labels`` (the labels of every column that
    is no field of the standard, however many errors are listed); ``columns`` (the fields, for a
    file with no header). ``read_as`` says it in words.
    """

    standard_name: str
    standard_version: str
    file: Mapping[str, Any]
    stats: Mapping[str, Any]
    errors: tuple[ValidationError, ...]
    profile: tuple[FieldProfile, ...] = ()
    caveats: tuple[Caveat, ...] = field(default_factory=tuple)

    @property
    def valid(self) -> bool:
        """Return whether the file has no errors at all (not just none listed)."""
        return int(self.stats.get("error_count", len(self.errors))) == 0

    @property
    def readable(self) -> bool:
        """Return whether the file could be read as a table (no fatal format/encoding error)."""
        return bool(self.stats.get("readable", True))

    def errors_by_code(self) -> dict[str, list[ValidationError]]:
        """Return the listed errors grouped by code, codes in catalogue order."""
        grouped: dict[str, list[ValidationError]] = {}
        for code in (*CODES, *sorted({e.code for e in self.errors} - set(CODES))):
            listed = [error for error in self.errors if error.code == code]
            if listed:
                grouped[code] = listed
        return grouped

    def to_json(self) -> dict[str, Any]:
        """Return ``{"valid", "stats", "errors", "profile", "caveats", "standard", "file"}``."""
        return {
            "valid": self.valid,
            "stats": dict(self.stats),
            "errors": [error.to_json() for error in self.errors],
            "profile": [profile.to_json() for profile in self.profile],
            "caveats": [caveat.to_json() for caveat in self.caveats],
            "standard": {"name": self.standard_name, "version": self.standard_version},
            "file": dict(self.file),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Report:
        """Return the report ``to_json`` gave."""
        return cls(
            standard_name=data["standard"]["name"],
            standard_version=data["standard"]["version"],
            file=dict(data.get("file", {})),
            stats=dict(data["stats"]),
            errors=tuple(ValidationError.from_json(item) for item in data["errors"]),
            profile=tuple(FieldProfile.from_json(item) for item in data.get("profile", [])),
            caveats=tuple(Caveat.from_json(item) for item in data.get("caveats", [])),
        )


def fatal_report(
    *,
    standard_name: str,
    standard_version: str,
    file: Mapping[str, Any],
    error: ValidationError,
    fields: int,
    seconds: float,
    caveats: tuple[Caveat, ...] = (),
) -> Report:
    """Return the report for a file that could not be read: one fatal error, nothing else."""
    assert error.code in FATAL_CODES
    return Report(
        standard_name=standard_name,
        standard_version=standard_version,
        file=file,
        stats={
            "rows": 0,
            "fields": fields,
            "bytes": file.get("bytes", 0),
            "seconds": round(seconds, 3),
            "counts": {error.code: 1},
            "error_count": 1,
            "errors_capped": False,
            "readable": False,
        },
        errors=(error,),
        caveats=caveats,
    )


def read_as(file: Mapping[str, Any]) -> str:
    """Return how the file was read, in words: its format, sheet or encoding (and whether the
    encoding was guessed), delimiter (and the one it seems to use when it is not the
    standard's), comment lines skipped, compression, the standard's dialect and any
    labels whose surrounding spaces were stripped."""
    if file.get("format") == "xlsx":
        origin = f", table from cell {file['first_cell']}" if file.get("first_cell") else ""
        if file.get("title_rows"):
            rows = int(file["title_rows"])
            origin += f", below {rows} row{'s' if rows != 1 else ''} of title text"
        parts = [f"XLSX, sheet {file.get('sheet')!r}{origin}"]
    elif file.get("format") == "csv":
        parts = ["CSV", _encoding(file)]
        if file.get("delimiter") is not None:
            parts.append(f"delimiter {_delimiter(str(file['delimiter']))}")
        dialect = dict(file.get("dialect") or {})
        if file.get("lines_before_header"):
            dialect.pop("headerRows", None)  # worked out, not written in the standard
        if dialect:
            shown = ", ".join(f"{key} {value!r}" for key, value in dialect.items())
            parts.append(f"the standard's dialect ({shown})")
        if skipped := int(file.get("lines_before_header") or 0):
            parts.append(f"{skipped} line{'s' if skipped != 1 else ''} of comments skipped")
        if file.get("delimiter_looks"):
            looks = _DELIMITER_NAMES.get(str(file["delimiter_looks"]), "")
            expected = _delimiter(str(file.get("delimiter") or ","))
            parts.append(f"this file looks {looks}; the standard expects {expected}")
    else:
        parts = ["unread"]
    if file.get("compression"):
        inner = f" {file['inner_path']!r} in" if file.get("inner_path") else ""
        parts.append(f"unpacked from{inner} a {file['compression']} file")
    if file.get("labels_stripped"):
        labels = ", ".join(repr(label) for label in file["labels_stripped"])
        parts.append(f"spaces around the labels {labels} ignored")
    return ", ".join(parts)


_DELIMITER_NAMES = {
    ",": "comma-separated",
    ";": "semicolon-separated",
    "\t": "tab-separated",
    "|": "pipe-separated",
}


def _delimiter(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else repr(delimiter)


def _encoding(file: Mapping[str, Any]) -> str:
    """Return the file's encoding in words; a detected one named as people write it
    ("Windows-1252"), and whether it was a guess."""
    encoding = str(file.get("encoding") or "utf-8")
    if not file.get("encoding_detected"):
        return encoding
    named = _ENCODING_NAMES.sub(lambda found: found.group(0).upper(), encoding)
    named = named.replace("WINDOWS", "Windows", 1)
    if file.get("encoding_confident"):
        return f"{named} (detected: the file is not UTF-8)"
    return (
        f"{named} (a guess: the file is not UTF-8 and its encoding could not be told for "
        "certain, so check its accented letters, or save it as CSV UTF-8)"
    )


_ENCODING_NAMES = re.compile(r"^(windows|iso|utf|cp|mac|koi)", re.IGNORECASE)

"""Validation findings: typed errors with frictionless-compatible codes and positions.

Positions: ``row`` counts records with the header as row 1 (a cell with a line break does not
add a row); ``field`` is the standard's field name (or the file's label where the column is not
a field); ``field_number`` is the 1-based column in the file. Errors about the whole file or the
header have ``row`` None or 1 as frictionless gives them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

# code -> (title, what a person should do); the order is the order reports list codes in.
ERROR_TYPES: Mapping[str, tuple[str, str]] = {
    "format-error": (
        "The file is not a complete, readable table",
        "Save it again from the original program as CSV (UTF-8) or XLSX: a header row, then the "
        "data rows, with values rather than uncalculated formulas or Excel's error values.",
    ),
    "encoding-error": (
        "The file's characters cannot be read",
        "Save it as 'CSV UTF-8 (comma delimited)'.",
    ),
    "compression-error": (
        "The compressed file cannot be unpacked",
        "Send the table uncompressed, or as a .csv.gz or a .zip holding just the one CSV file.",
    ),
    "no-rows": (
        "The table has a header but no data rows",
        "Fill in the rows below the header, or check that this is the right file or sheet.",
    ),
    "blank-header": ("A column has no label", "Give every column a label from the standard."),
    "duplicate-label": ("Two columns have the same label", "Remove or rename the repeated column."),
    "missing-label": (
        "A field of the standard has no column",
        "Add the column, with its label, even if it is empty.",
    ),
    "extra-label": (
        "A column is not in the standard",
        "Remove the column, or check its label against the standard.",
    ),
    "incorrect-label": (
        "A column label differs from the standard",
        "Use the standard's label exactly.",
    ),
    "unmatched-header": (
        "No column is a field of the standard",
        "Check that this is the right file, and that its first row is the header.",
    ),
    "blank-row": ("A row is empty", "Delete the empty row."),
    "extra-cell": ("A row has more cells than the header", "Check for an unquoted separator."),
    "missing-cell": ("A row has fewer cells than the header", "Check for a missing separator."),
    "type-error": ("A cell is not of the field's type", "Correct the value or its format."),
    "constraint-error": ("A cell breaks a rule of the standard", "Correct the value."),
    "code-list-error": (
        "A code is not in the reference list",
        "Use a current ONS (GSS) code of the right kind.",
    ),
    "unique-error": ("A value that must be unique is repeated", "Remove or correct the repeat."),
    "primary-key-error": (
        "Two rows have the same key",
        "Each row must be identified by its key fields; remove or correct the repeat.",
    ),
    "foreign-key-error": (
        "A value is not found where the standard says it must be",
        "Use a value the referenced field or code list has, or add the row it refers to.",
    ),
    "row-rule-error": (
        "A row's values do not agree with each other",
        "Check the figures named: one of them is wrong, or a total does not match its parts.",
    ),
    "table-rule-error": (
        "The rows do not agree with each other",
        "Check the rows named: a total row does not match its parts, or rows repeat.",
    ),
    "wrong-organisation": (
        "A row is about another organisation",
        "Submit only your own organisation's rows, or submit the file for the right one.",
    ),
    "wrong-period": (
        "A row is for another period",
        "Check the period you chose when uploading, or remove the other period's rows.",
    ),
}
CODES = tuple(ERROR_TYPES)
# A cell is shown (in an error's ``cell``, among a profile's most common values; and a label in
# an error's ``field``) cut to this many
# characters: a 20 MB cell must not make a 20 MB report. Messages give the whole cell's length
# where it matters (``maxLength``).
MAX_SHOWN_CHARS = 1_000
# Errors that stop reading: the table could not be read, so nothing else could be checked.
FATAL_CODES = frozenset({"format-error", "encoding-error", "compression-error"})


@dataclass(frozen=True, slots=True)
class ValidationError:
    """One finding. ``constraint`` names the rule for ``constraint-error`` (and the rule's id
    for ``row-rule-error`` and ``table-rule-error``), else None. ``values`` are the fields and
    values a rule across fields or rows involved, as ``(field, value)`` pairs."""

    code: str
    message: str
    row: int | None = None
    field: str | None = None
    field_number: int | None = None
    cell: str | None = None
    constraint: str | None = None
    values: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # ``field`` is a file's label where the column is not a field: as long as the file says.
        for name in ("cell", "field"):
            value = getattr(self, name)
            if value is not None and len(value) > MAX_SHOWN_CHARS:
                object.__setattr__(self, name, clip(value))

    @property
    def title(self) -> str:
        """Return the code's title, for people."""
        return ERROR_TYPES.get(self.code, (self.code, ""))[0]

    def to_json(self) -> dict[str, Any]:
        """Return the error as a JSON object (every attribute, plus ``title``)."""
        data = {**asdict(self), "title": self.title}
        data["values"] = dict(self.values)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ValidationError:
        """Return the error ``to_json`` gave."""
        return cls(
            code=data["code"],
            message=data["message"],
            row=data.get("row"),
            field=data.get("field"),
            field_number=data.get("field_number"),
            cell=data.get("cell"),
            constraint=data.get("constraint"),
            values=tuple((str(k), str(v)) for k, v in (data.get("values") or {}).items()),
        )

    def sort_key(self) -> tuple[int, int, int]:
        """Return the order reports list errors in: by row, then column, then code."""
        return (self.row or 0, self.field_number or 0, CODES.index(self.code))


def clip(text: str) -> str:
    """Return ``text`` cut to ``MAX_SHOWN_CHARS`` characters, ending in "…" when cut."""
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 1] + "…"


def short(cell: str | None, limit: int = 60) -> str:
    """Return ``cell`` quoted for a message, cut to ``limit`` characters."""
    text = "" if cell is None else cell
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text) if text else "an empty cell"

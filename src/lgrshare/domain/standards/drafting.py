"""Drafting an area's own standard: proposed from a filled example file, or copied.

``propose_from_example`` reads a CSV or XLSX example and proposes, for each column, a field
name (lower case words joined by ``_``, the column's label kept as its title), a type (the
narrowest of integer, number, date, boolean and string that every filled cell reads as),
whether it is required (no empty cell), a code list (``enum``: text columns with a few values,
each repeated) and a GSS-code pattern where every value is one. The person confirms or changes
it: the proposal is a draft, nothing more. ``copy_of`` copies a standard under a new name.
``propose_from_item`` turns an agreement's data item described in words into a draft to finish:
the council it comes from (its GSS code), the period it covers and the item itself as a field,
so an item in words is never a dead end. Either way the result is checked by
``parse_standard`` before anyone can save it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from lgrshare.domain.standards.casting import parse_literal, typed
from lgrshare.domain.standards.model import (
    DEFAULT_FALSE_VALUES,
    DEFAULT_TRUE_VALUES,
    FIELD_TYPES,
    MAX_FIELDS,
    ROLE_KEY,
    FieldSpec,
    Standard,
    StandardInvalid,
    parse_standard,
)

# Types tried, narrowest first; a column is the first its every filled cell reads as.
_TRIED = ("integer", "number", "date", "boolean")
# A text column is a code list when it has at most this many values, each in two rows or more.
MAX_CODES = 20
MAX_EXAMPLE_BYTES = 20 * 1024 * 1024
_GSS = r"^[EWSN][0-9]{8}$"
# The markers official statistics use for a missing value (ONS/GSS guidance): proposed as
# missing values when the example has them.
MARKERS = ("[z]", "[x]", "[c]", "[low]", "..")


def propose_from_example(
    content: bytes, *, name: str, title: str, description: str = ""
) -> dict[str, Any]:
    """Return a proposed standard (its JSON) for the example file ``content``.

    Raises ``StandardInvalid`` for a file that is not a readable CSV or XLSX table with a
    header and at least one row, or whose header gives no usable field names."""
    frame = _read(content)
    if frame.width > MAX_FIELDS:
        raise StandardInvalid(f"The example has {frame.width:,} columns; at most {MAX_FIELDS:,}.")
    if frame.height == 0:
        raise StandardInvalid("The example has a header but no rows: fill in a few rows.")
    fields = []
    names: set[str] = set()
    for label in frame.columns:
        field_name = _field_name(label, names)
        names.add(field_name)
        fields.append(_propose_field(field_name, label, frame.get_column(label)))
    seen = {
        marker
        for marker in MARKERS
        if frame.select(pl.any_horizontal(pl.all().cast(pl.String) == marker).any()).item()
    }
    data = {
        "name": name,
        "title": title,
        "description": description,
        "version": "0.1.0",
        "schema": {"fields": fields, "missingValues": ["", *sorted(seen)]},
    }
    parse_standard(data, default_name=name)  # refuse what could not be saved
    return data


def item_standard_name(text: str, *, prefix: str, taken: set[str]) -> str:
    """Return a standard name for the data item ``text``: ``prefix`` then its first words, in
    lower case joined by hyphens (at most 60 characters), not one of ``taken``."""
    words = [*re.findall(r"[a-z0-9]+", prefix.lower()), *re.findall(r"[a-z0-9]+", text.lower())]
    base = ""
    for word in words:  # whole words, up to 60 characters
        if len(base) + len(word) + 1 > 60:
            break
        base = f"{base}-{word}" if base else word
    base = base or "data-item"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base[:56].strip('-')}-{n}", n + 1
    return candidate


ITEM_DESCRIPTION = "Drafted from the data item: "


def drafted_from_item(description: str, text: str) -> bool:
    """Whether a standard whose description is ``description`` was proposed
    (``propose_from_item``) from the data item ``text``: the same words, whatever their case
    and spacing."""
    said = description.split("\n\n", 1)[0]
    if not said.startswith(ITEM_DESCRIPTION):
        return False
    words = " ".join(said.removeprefix(ITEM_DESCRIPTION).split())
    return words.casefold() == " ".join(text.split()).casefold()


def propose_from_item(
    text: str,
    *,
    name: str,
    context: str = "",
    geography_level: str = "council",
    personal_data: str = "none",
    period: str = "",
) -> dict[str, Any]:
    """Return a draft standard (its JSON) for an agreement's data item described in words
    (``text``): the council the rows come from (GSS code, marked as the organisation), the
    period they cover (marked as the period; ``period`` is its example) and the item itself as
    one field, for the data team to finish. ``context`` (the request's question and purpose)
    goes into the description."""
    item = " ".join(text.split())
    title = item if len(item) <= 200 else item[:197].rstrip() + "..."
    description = f"{ITEM_DESCRIPTION}{item}" + (f"\n\n{context}" if context else "")
    label = " ".join(item.split()[:8])
    field_name = _field_name(label, {"organisation", "period"})
    data = {
        "name": name,
        "title": title,
        "description": description,
        "version": "0.1.0",
        "geography_level": geography_level or "council",
        "personal_data": personal_data or "none",
        "schema": {
            "fields": [
                {
                    "name": "organisation",
                    "title": "Council (GSS code)",
                    "type": "string",
                    "description": "The council the row's data comes from, by its GSS code.",
                    "constraints": {"required": True, "pattern": _GSS[1:-1]},
                    "lgrshare:role": "organisation",
                },
                {
                    "name": "period",
                    "title": "Period",
                    "type": "string",
                    "description": "The period the row covers, as declared at upload.",
                    "constraints": {"required": True},
                    "lgrshare:role": "period",
                    **({"example": period} if period else {}),
                },
                {
                    "name": field_name,
                    "title": label[:200],
                    "type": "string",
                    "description": item,
                },
            ],
            "missingValues": [""],
        },
    }
    parse_standard(data, default_name=name)
    return data


def copy_of(standard: Standard, *, name: str, title: str) -> dict[str, Any]:
    """Return ``standard``'s JSON under a new ``name`` and ``title``, as version 0.1.0."""
    data = standard.to_json()
    data.update(name=name, title=title, version="0.1.0")
    parse_standard(data, default_name=name)
    return data


def _read(content: bytes) -> pl.DataFrame:
    if len(content) > MAX_EXAMPLE_BYTES:
        raise StandardInvalid("An example file may be at most 20 MB: a few hundred rows will do.")
    source = io.BytesIO(content)
    try:
        if content.startswith(b"PK\x03\x04"):  # a ZIP container: an XLSX workbook
            return pl.read_excel(source, infer_schema_length=0)
        text = content.decode("utf-8-sig")
        return pl.read_csv(io.StringIO(text), infer_schema=False, n_rows=100_000)
    except (UnicodeDecodeError, pl.exceptions.PolarsError, ValueError) as exc:
        raise StandardInvalid(
            "The example could not be read as a table: save it as CSV (UTF-8) or XLSX with a "
            "header row."
        ) from exc


def _field_name(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", label.strip().lower()).strip("_") or "column"
    if base[0].isdigit():
        base = f"column_{base}"
    candidate, n = base[:60], 2
    while candidate in taken:
        candidate, n = f"{base[:56]}_{n}", n + 1
    return candidate


def _propose_field(name: str, label: str, column: pl.Series) -> dict[str, Any]:
    values = column.cast(pl.String).str.strip_chars()
    filled = values.filter(values.is_not_null() & ~values.is_in(["", *MARKERS]))
    field: dict[str, Any] = {"name": name, "type": "string", "title": label.strip() or name}
    if not filled.is_empty():
        field["example"] = str(filled[0])
        frame = filled.to_frame("v")
        for kind in _TRIED:
            spec = parse_standard(
                {"schema": {"fields": [{"name": "v", "type": kind}]}}, default_name="probe"
            ).fields[0]
            read = frame.select(typed(spec, pl.col("v"))).to_series()
            if read.null_count() == 0:
                field["type"] = kind
                break
    constraints: dict[str, Any] = {}
    if len(filled) == len(values) and len(values) > 0:
        constraints["required"] = True
    if field["type"] == "string" and not filled.is_empty():
        distinct = filled.unique().sort()
        if bool(filled.str.contains(_GSS).all()):
            constraints["pattern"] = _GSS[1:-1]
        elif distinct.len() <= MAX_CODES and len(filled) >= 2 * distinct.len():
            constraints["enum"] = distinct.to_list()
    if constraints:
        field["constraints"] = constraints
    return field


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One field as the data lead confirmed it in the field editor: ``original`` is the name
    it had in the version edited ("" for a field added), ``codes`` its code list, one a line."""

    name: str
    title: str = ""
    type: str = "string"
    required: bool = False
    codes: str = ""
    pattern: str = ""
    description: str = ""
    original: str = ""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A problem with row ``row`` (0-based) of the field editor, at its ``part``."""

    row: int
    part: str
    code: str
    message: str


def fields_from_rows(
    rows: list[FieldRow], base: Standard
) -> tuple[list[dict[str, Any]], list[FieldProblem]]:
    """Return the Table Schema fields the rows give, each keeping what the editor does not show
    of its field in ``base`` (its role, example, other constraints), and every problem at once:
    an empty or repeated name, an unknown type, a code not of the field's type, a pattern that
    is not a regular expression or would be too costly, no field at all."""
    problems: list[FieldProblem] = []
    fields: list[dict[str, Any]] = []
    if not rows:
        problems.append(FieldProblem(0, "name", "standard-invalid", "Keep at least one field"))
    first_row: dict[str, int] = {}
    for n, row in enumerate(rows):
        where = f"Field {n + 1}"
        name = row.name.strip()
        if not name:
            problems.append(FieldProblem(n, "name", "field-name-invalid", f"{where}: give a name"))
        elif name in first_row:
            problems.append(
                FieldProblem(
                    n,
                    "name",
                    "field-name-invalid",
                    f"{where}: the name {name} is used by field {first_row[name] + 1} too",
                )
            )
        else:
            first_row[name] = n
        if row.type not in FIELD_TYPES:
            problems.append(
                FieldProblem(n, "type", "standard-invalid", f"{where}: choose the type")
            )
            continue
        kept = base.get_field(row.original) if row.original else None
        raw = _field_json(kept) if kept else {}
        raw.update(name=name or f"field_{n + 1}", type=row.type)
        if row.title.strip():
            raw["title"] = row.title.strip()
        else:
            raw.pop("title", None)
        changed_type = kept is not None and row.type != kept.type
        if changed_type:
            raw.pop("format", None)
        if row.description.strip():
            raw["description"] = row.description.strip()
        else:
            raw.pop("description", None)
        constraints = dict(raw.get("constraints") or {})
        if changed_type:
            # Bounds and codes of the old type would not read as the new one.
            for key in ("minimum", "maximum", "enum", "pattern", "minLength", "maxLength"):
                constraints.pop(key, None)
        constraints.pop("required", None)
        if row.required:
            constraints["required"] = True
        codes = [line.strip() for line in row.codes.splitlines() if line.strip()]
        constraints.pop("enum", None)
        if codes:
            if len(set(codes)) != len(codes):
                problems.append(
                    FieldProblem(n, "codes", "standard-invalid", f"{where}: a code is listed twice")
                )
            constraints["enum"] = codes
        constraints.pop("pattern", None)
        if row.pattern.strip():
            constraints["pattern"] = row.pattern.strip()
        raw["constraints"] = constraints
        if not constraints:
            raw.pop("constraints")
        try:
            typed_field = parse_standard(
                {"schema": {"fields": [raw]}}, default_name="field-check"
            ).fields[0]
        except StandardInvalid as exc:
            about_pattern = exc.code == "pattern-invalid" or "pattern" in exc.message
            part = "pattern" if about_pattern else "codes" if codes else "type"
            problems.append(FieldProblem(n, part, exc.code, f"{where}: {_plain(exc.message)}"))
            continue
        if codes and typed_field.type in ("integer", "number"):
            # JSON numbers, as Table Schema writes a numeric field's codes.
            number = int if typed_field.type == "integer" else float
            raw["constraints"]["enum"] = [number(parse_literal(typed_field, c)) for c in codes]
        fields.append(raw)
    return fields, problems


def _field_json(spec: FieldSpec) -> dict[str, Any]:
    raw: dict[str, Any] = {"name": spec.name, "type": spec.type}
    if spec.format != "default":
        raw["format"] = spec.format
    for key, value in (
        ("title", spec.title),
        ("description", spec.description),
        ("unit", spec.unit),
        ("example", spec.example),
        ("codeList", spec.code_list),
        (ROLE_KEY, spec.role),
    ):
        if value:
            raw[key] = value
    if spec.constraints:
        raw["constraints"] = dict(spec.constraints)
    if spec.decimal_char != ".":
        raw["decimalChar"] = spec.decimal_char
    if spec.group_char:
        raw["groupChar"] = spec.group_char
    if not spec.bare_number:
        raw["bareNumber"] = False
    if spec.true_values != DEFAULT_TRUE_VALUES:
        raw["trueValues"] = list(spec.true_values)
    if spec.false_values != DEFAULT_FALSE_VALUES:
        raw["falseValues"] = list(spec.false_values)
    return raw


def _plain(message: str) -> str:
    # parse_standard's messages start "Field 'name' ...": the row number already says which.
    text = re.sub(r"^Field '[^']*':? ?", "", message).replace("enum values", "codes")
    return text[:1].lower() + text[1:]

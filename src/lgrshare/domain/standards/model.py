"""The Standard: a Frictionless Table Schema plus the metadata LGR Share needs.

A standard file is JSON::

    {"name": "kebab-name", "title", "description", "version": "1.0.0",
     "geography_level": "council" | "ward" | "lsoa" | "point" | "none",
     "personal_data": "none" | "aggregate" | "personal" | "special-category",
     "sensitivity": "OFFICIAL" | "OFFICIAL-SENSITIVE",
     "schema": {"fields": [...], "primaryKey": [...], "missingValues": [...],
                "fieldsMatch": "exact" | "equal" | "subset" | "superset" | "partial"},
     "dialect": {"delimiter": ";", "headerRows": [2], ...}, "encoding": "windows-1252"}

(``dialect`` and ``encoding``: how its CSV files are written, ``lgrshare.domain.standards.dialect``;
``fieldsMatch``: how columns are matched to fields, by name whatever their order when absent.)

A plain Table Schema (just ``{"fields": ...}``) loads too, its metadata defaulted from the file
name. Every problem in a standard is found when it is parsed (``standard-invalid``, or a more
precise code: ``standard-too-large``, ``field-name-invalid``, ``pattern-invalid``,
``rule-invalid``, ``rule-circular``), so the validator never meets a bad rule halfway through a
file.

Two documented extensions of Table Schema, which frictionless-py reads without complaint (it
keeps properties it does not know): a field's ``"lgrshare:role"`` (``"organisation"``: the
field names the submitting organisation, by GSS code or name; ``"period"``: the field holds the
period the submission is for), and the schema's ``"lgrshare:rules"`` (rules across fields and
rows, ``lgrshare.domain.standards.rules``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from lgrshare.domain.errors import LgrShareError
from lgrshare.domain.standards.casting import parse_literal, pattern_problem
from lgrshare.domain.standards.dialect import PLAIN, Dialect, check_fields_match, parse_dialect
from lgrshare.domain.standards.foreign_keys import ForeignKey, parse_foreign_keys
from lgrshare.domain.standards.problems import (
    FieldNameInvalid,
    PatternInvalid,
    StandardInvalid,
    StandardTooLarge,
    refusal,
)
from lgrshare.domain.standards.rules import RULES_KEY, Rule, parse_rules, rules_for

FIELD_TYPES = (
    "string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime",
    "year", "yearmonth", "duration", "geopoint", "geojson", "any",
)  # fmt: skip
GEOGRAPHY_LEVELS = ("council", "ward", "lsoa", "point", "none")
PERSONAL_DATA_CLASSES = ("none", "aggregate", "personal", "special-category")
SENSITIVITIES = ("OFFICIAL", "OFFICIAL-SENSITIVE")
CODE_LIST_REFS = ("gss:lad", "gss:county", "gss:ward-2024", "gss:lsoa-2021")
CONSTRAINTS = (
    "required",
    "unique",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
)
# The constraints each type takes, as frictionless-py reads Table Schema (``required`` and
# ``unique`` every type; a constraint another type takes is a problem, as there).
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
TYPE_CONSTRAINTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "string": ("minLength", "maxLength", "pattern", "enum"),
        "number": (*_BOUNDS, "enum"),
        "integer": (*_BOUNDS, "enum"),
        "boolean": ("enum",),
        "object": ("minLength", "maxLength", "enum"),
        "array": ("minLength", "maxLength", "enum"),
        "date": (*_BOUNDS, "enum"),
        "time": (*_BOUNDS, "enum"),
        "datetime": (*_BOUNDS, "enum"),
        "year": (*_BOUNDS, "enum"),
        "yearmonth": (*_BOUNDS, "enum"),
        "duration": ("enum",),
        "geopoint": ("enum",),
        "geojson": ("enum",),
        "any": ("enum",),
    }
)
STRING_FORMATS = ("default", "email", "uri", "uuid", "binary")
# Formats of the types that have a fixed list (dates and times take a strptime pattern too).
TYPE_FORMATS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "string": STRING_FORMATS,
        "geopoint": ("default", "array", "object"),
        "geojson": ("default", "topojson"),
    }
)
DEFAULT_TRUE_VALUES = ("true", "True", "TRUE", "1")
DEFAULT_FALSE_VALUES = ("false", "False", "FALSE", "0")
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
ROLE_KEY = "lgrshare:role"
FIELD_ROLES = ("organisation", "period")
# Bounds on what a standard may be, checked before anything else is read from it. A field's
# other properties (``title@en``, ``rdfType``, ``x-anything``) are kept in the Table Schema and
# ignored, as Table Schema allows.
MAX_STANDARD_BYTES = 2_000_000
MAX_FIELDS = 16_384
# At most this many problems are listed when a standard is refused (all are counted).
MAX_PROBLEMS_LISTED = 50
MAX_DEPTH = 20
MAX_PATTERN_CHARS = 1_000
_BUILTIN = "builtin"
T = TypeVar("T")


class StandardNotFound(LgrShareError):
    code = "standard-not-found"
    title = "No such standard"
    status = 404


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One column of a standard: a Table Schema field plus its code list."""

    name: str
    type: str
    format: str = "default"
    title: str = ""
    description: str = ""
    unit: str = ""
    example: str = ""
    constraints: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    code_list: str | None = None
    decimal_char: str = "."
    group_char: str = ""
    bare_number: bool = True
    true_values: tuple[str, ...] = DEFAULT_TRUE_VALUES
    false_values: tuple[str, ...] = DEFAULT_FALSE_VALUES
    # "organisation", "period" or "" (``ROLE_KEY``).
    role: str = ""

    @property
    def required(self) -> bool:
        """Return whether every row must have a value here."""
        return bool(self.constraints.get("required"))


@dataclass(frozen=True, slots=True)
class Standard:
    """An agreed table layout: metadata, fields, primary key and missing values."""

    name: str
    title: str
    description: str
    version: str
    geography_level: str
    personal_data: str
    sensitivity: str
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]
    missing_values: tuple[str, ...]
    table_schema: dict[str, Any]
    rules: tuple[Rule, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    # How its CSV files are written (``dialect``): the ``dialect`` and ``encoding`` beside
    # ``schema``.
    dialect: Dialect = PLAIN

    def fields_with_role(self, role: str) -> tuple[FieldSpec, ...]:
        """Return the fields marked with ``role`` (``FIELD_ROLES``)."""
        return tuple(spec for spec in self.fields if spec.role == role)

    def get_field(self, name: str) -> FieldSpec | None:
        """Return the field called ``name``, or None."""
        return next((spec for spec in self.fields if spec.name == name), None)

    def restricted_to(self, names: Iterable[str]) -> Standard:
        """Return this standard with only the fields ``names`` (in the standard's order): what an
        agreement shares of it. A primary key that needs a field left out is dropped with it.
        Raises ``StandardInvalid`` naming fields the standard does not have."""
        wanted = set(names)
        unknown = sorted(wanted - {spec.name for spec in self.fields})
        if unknown:
            raise StandardInvalid(f"Not fields of {self.name}: {', '.join(unknown)}.")
        if wanted == {spec.name for spec in self.fields}:
            return self
        schema = json.loads(json.dumps(self.table_schema))
        schema["fields"] = [f for f in schema["fields"] if f.get("name") in wanted]
        if not set(self.primary_key) <= wanted:
            schema.pop("primaryKey", None)
        if "foreignKeys" in schema:
            # A key is shared only with every field it needs.
            schema["foreignKeys"] = [
                key.to_json()
                for key in self.foreign_keys
                if set(key.fields) <= wanted
                and (not key.on_self or set(key.reference_fields) <= wanted)
            ]
        if RULES_KEY in schema:
            kept = rules_for(self.rules, wanted)
            schema[RULES_KEY] = [rule.to_json() for rule in kept]
        return parse_standard({**self.to_json(), "schema": schema}, default_name=self.name)

    def to_json(self) -> dict[str, Any]:
        """Return the standard file's JSON: metadata and the Table Schema."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "version": self.version,
            "geography_level": self.geography_level,
            "personal_data": self.personal_data,
            "sensitivity": self.sensitivity,
            "schema": json.loads(json.dumps(self.table_schema)),
            **({"dialect": self.dialect.to_json()} if self.dialect.to_json() else {}),
            **({"encoding": self.dialect.encoding} if self.dialect.encoding else {}),
        }


def load_standard(name_or_path: str) -> Standard:
    """Load a built-in standard by name, or a standard or Table Schema JSON file by path.

    Raises ``StandardNotFound`` when there is neither, ``StandardInvalid`` when the file is not
    a valid standard.
    """
    if _NAME.match(name_or_path):
        resource = resources.files("lgrshare") / "domain" / "standards" / _BUILTIN
        entry = resource / f"{name_or_path}.json"
        if entry.is_file():
            return _parse_text(entry.read_text(encoding="utf-8"), default_name=name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        known = ", ".join(standard.name for standard in builtin_standards())
        raise StandardNotFound(
            f"No built-in standard or file called {name_or_path!r}. Built-in standards: {known}."
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise StandardInvalid(f"Cannot read the standard file {path.name}: {exc}") from exc
    return parse_standard_text(text, default_name=_name_from_path(path))


def builtin_standards() -> list[Standard]:
    """Return every built-in standard, sorted by name."""
    directory = resources.files("lgrshare") / "domain" / "standards" / _BUILTIN
    entries = sorted(
        (entry for entry in directory.iterdir() if entry.name.endswith(".json")),
        key=lambda entry: entry.name,
    )
    return [
        _parse_text(entry.read_text(encoding="utf-8"), default_name=entry.name[:-5])
        for entry in entries
    ]


def parse_standard(data: dict[str, Any], *, default_name: str) -> Standard:
    """Return the Standard described by ``data`` (a standard or a plain Table Schema).

    Raises ``StandardInvalid`` listing every problem found (``problems``), with the code of a
    more precise subclass when it is the only kind of problem.
    """
    if not isinstance(data, dict):
        raise StandardInvalid("A standard must be a JSON object.")
    _refuse_deep(data)
    if "schema" in data:
        meta, schema = data, data["schema"]
    elif "fields" in data:
        meta, schema = {}, data
    else:
        raise StandardInvalid('A standard needs a "schema" (or, for a Table Schema, "fields").')
    if not isinstance(schema, dict):
        raise StandardInvalid('"schema" must be a JSON object.')
    found: list[StandardInvalid] = []
    name = _collected(found, lambda: _text(meta, "name", default_name), default_name)
    if not _NAME.match(name):
        found.append(StandardInvalid(f"Name {name!r} must be lower-case words joined by hyphens."))
    version = _collected(found, lambda: _text(meta, "version", "1.0.0"), "1.0.0")
    if not _VERSION.match(version):
        found.append(StandardInvalid(f"Version {version!r} must look like 1.0.0."))
    fields = _parse_fields(schema.get("fields"), found)
    _collected(found, lambda: check_fields_match(schema.get("fieldsMatch")), None)
    names = [spec.name for spec in fields]
    rules: tuple[Rule, ...] = ()
    if not found:
        # Rules name fields and their types: read once the fields are known to be right.
        rules = _collected(
            found, lambda: parse_rules(schema.get(RULES_KEY), {s.name: s.type for s in fields}), ()
        )
    missing_values = schema.get("missingValues", [""])
    if not isinstance(missing_values, list) or not all(isinstance(v, str) for v in missing_values):
        found.append(StandardInvalid('"missingValues" must be a list of strings.'))
        missing_values = [""]
    primary_key = schema.get("primaryKey", [])
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    if not isinstance(primary_key, list) or not all(key in names for key in primary_key):
        found.append(
            StandardInvalid(f'"primaryKey" {primary_key!r} must name fields of the standard.')
        )
        primary_key = []
    foreign_keys = parse_foreign_keys(schema.get("foreignKeys"), names, CODE_LIST_REFS, found)
    title = _collected(found, lambda: _text(meta, "title", name.replace("-", " ").capitalize()), "")
    description = _collected(found, lambda: _text(meta, "description", ""), "")
    geography = _collected(
        found, lambda: _choice(meta, "geography_level", GEOGRAPHY_LEVELS, "none"), "none"
    )
    personal = _collected(
        found, lambda: _choice(meta, "personal_data", PERSONAL_DATA_CLASSES, "none"), "none"
    )
    sensitivity = _collected(
        found, lambda: _choice(meta, "sensitivity", SENSITIVITIES, "OFFICIAL"), "OFFICIAL"
    )
    dialect = _collected(
        found, lambda: parse_dialect(meta.get("dialect"), encoding=meta.get("encoding")), PLAIN
    )
    if found:
        raise refusal(found, listed=MAX_PROBLEMS_LISTED)
    return Standard(
        name=name,
        title=title,
        description=description,
        version=version,
        geography_level=geography,
        personal_data=personal,
        sensitivity=sensitivity,
        fields=fields,
        primary_key=tuple(primary_key),
        missing_values=tuple(missing_values),
        table_schema=json.loads(json.dumps(schema)),
        rules=rules,
        foreign_keys=foreign_keys,
        dialect=dialect,
    )


def _collected(found: list[StandardInvalid], read: Callable[[], T], default: T) -> T:
    """Return ``read()``; on ``StandardInvalid``, note it in ``found`` and return ``default``."""
    try:
        return read()
    except StandardTooLarge:
        raise
    except StandardInvalid as problem:
        found.append(problem)
        return default


def _refuse_deep(data: Any) -> None:
    """Raise ``StandardTooLarge`` for JSON nested deeper than ``MAX_DEPTH`` (walked without
    recursion, so no nesting can exhaust the stack)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise StandardTooLarge(f"The standard is nested more than {MAX_DEPTH} levels deep.")
        if isinstance(item, dict):
            stack.extend((value, depth + 1) for value in item.values())
        elif isinstance(item, list):
            stack.extend((value, depth + 1) for value in item)


def parse_standard_text(text: str | bytes, *, default_name: str) -> Standard:
    """Return the Standard in the JSON ``text`` (a standard or a plain Table Schema), refusing
    one over ``MAX_STANDARD_BYTES`` before it is parsed."""
    if len(text) > MAX_STANDARD_BYTES:
        raise StandardTooLarge(
            f"The standard is {len(text):,} bytes; a standard may be at most "
            f"{MAX_STANDARD_BYTES:,}."
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise StandardInvalid("The standard is not UTF-8 text.") from exc
    return _parse_text(text, default_name=default_name)


def _parse_text(text: str, *, default_name: str) -> Standard:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StandardInvalid(f"The standard is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise StandardTooLarge(
            f"The standard is nested more than {MAX_DEPTH} levels deep."
        ) from exc
    return parse_standard(data, default_name=default_name)


def _name_from_path(path: Path) -> str:
    stem = path.name
    for suffix in (".json", ".schema", ".standard"):
        stem = stem.removesuffix(suffix)
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug or "standard"


def _text(data: Mapping[str, Any], key: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise StandardInvalid(f'"{key}" must be text.')
    return value


def _choice(data: Mapping[str, Any], key: str, allowed: tuple[str, ...], default: str) -> str:
    value = data.get(key, default)
    if value not in allowed:
        raise StandardInvalid(f'"{key}" is {value!r}; it must be one of {", ".join(allowed)}.')
    return str(value)


def _parse_fields(raw: Any, found: list[StandardInvalid]) -> tuple[FieldSpec, ...]:
    """Return the fields that parse, noting every problem of every field in ``found``."""
    if not isinstance(raw, list) or not raw:
        found.append(StandardInvalid('"fields" must be a non-empty list.'))
        return ()
    if len(raw) > MAX_FIELDS:
        # Refused before any field is read: bounded time and memory whatever the count.
        raise StandardTooLarge(
            f"The standard has {len(raw):,} fields; a standard may have at most {MAX_FIELDS:,}."
        )
    specs: list[FieldSpec] = []
    seen: set[str] = set()
    for position, item in enumerate(raw, start=1):
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and name in seen:
            found.append(FieldNameInvalid(f"Field {name!r} is defined twice."))
        if isinstance(name, str):
            seen.add(name)
        spec = _parse_field(item, position, found)
        if spec is not None:
            specs.append(spec)
    return tuple(specs)


def _parse_field(raw: Any, position: int, found: list[StandardInvalid]) -> FieldSpec | None:
    """Return the field ``raw`` describes, or None when it has problems (noted in ``found``)."""
    if not isinstance(raw, dict):
        found.append(StandardInvalid(f"Field {position} must be an object with a non-empty name."))
        return None
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        found.append(FieldNameInvalid(f"Field {position} must have a non-empty name."))
        return None
    name = raw["name"]
    where = f"Field {name!r}"
    before = len(found)
    type_ = raw.get("type", "string")
    if type_ not in FIELD_TYPES:
        found.append(
            StandardInvalid(f"{where} has type {type_!r}; supported: {', '.join(FIELD_TYPES)}.")
        )
        type_ = "string"
    format_ = raw.get("format", "default")
    if format_.startswith("fmt:") if isinstance(format_, str) else False:
        format_ = format_[4:]  # the old spelling of a strptime pattern, as frictionless-py reads
    allowed_formats = TYPE_FORMATS.get(type_)
    if not isinstance(format_, str) or (allowed_formats and format_ not in allowed_formats):
        found.append(StandardInvalid(f"{where} has an unsupported format {format_!r}."))
        format_ = "default"
    code_list = raw.get("codeList")
    if code_list is not None and code_list not in CODE_LIST_REFS:
        found.append(
            StandardInvalid(
                f"{where} refers to code list {code_list!r}; known: {', '.join(CODE_LIST_REFS)}."
            )
        )
    none: tuple[str, ...] = ()
    true_values = _collected(
        found, lambda: _strings(raw, "trueValues", DEFAULT_TRUE_VALUES, where), none
    )
    false_values = _collected(
        found, lambda: _strings(raw, "falseValues", DEFAULT_FALSE_VALUES, where), none
    )
    if set(true_values) & set(false_values):
        found.append(StandardInvalid(f"{where} has a value that is both true and false."))
    decimal_char = raw.get("decimalChar", ".")
    group_char = raw.get("groupChar", "")
    if not isinstance(decimal_char, str) or len(decimal_char) != 1:
        found.append(StandardInvalid(f"{where}: decimalChar must be one character."))
    if not isinstance(group_char, str) or len(group_char) > 1 or group_char == decimal_char:
        found.append(
            StandardInvalid(f"{where}: groupChar must be one character other than decimalChar.")
        )
    role = raw.get(ROLE_KEY, "")
    if role and role not in FIELD_ROLES:
        found.append(
            StandardInvalid(f"{where}: {ROLE_KEY} must be one of {', '.join(FIELD_ROLES)}.")
        )
    bare_number = raw.get("bareNumber", True)
    if not isinstance(bare_number, bool):
        found.append(StandardInvalid(f"{where}: bareNumber must be true or false."))
    constraints = raw.get("constraints") or {}
    if not isinstance(constraints, dict):
        found.append(StandardInvalid(f"{where}: constraints must be an object."))
        constraints = {}
    if len(found) > before:
        return None
    spec = FieldSpec(
        name=name,
        type=type_,
        format=format_,
        title=str(raw.get("title", "")),
        description=str(raw.get("description", "")),
        unit=str(raw.get("unit", "")),
        example="" if raw.get("example") is None else str(raw.get("example")),
        constraints=MappingProxyType(dict(constraints)),
        code_list=code_list,
        decimal_char=decimal_char,
        group_char=group_char,
        bare_number=bare_number,
        true_values=true_values,
        false_values=false_values,
        role=role,
    )
    _check_constraints(spec, where, found)
    return spec if len(found) == before else None


def _strings(
    raw: Mapping[str, Any], key: str, default: tuple[str, ...], where: str
) -> tuple[str, ...]:
    value = raw.get(key, list(default))
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise StandardInvalid(f"{where}: {key} must be a non-empty list of strings.")
    return tuple(value)


def _check_constraints(spec: FieldSpec, where: str, found: list[StandardInvalid]) -> None:
    constraints = spec.constraints
    unknown = set(constraints) - set(CONSTRAINTS)
    if unknown:
        found.append(
            StandardInvalid(f"{where} has unknown constraints: {', '.join(sorted(unknown))}.")
        )
    others = set(constraints) - {"required", "unique", *TYPE_CONSTRAINTS[spec.type]} - unknown
    if others:
        found.append(
            StandardInvalid(
                f"{where}: a field of type {spec.type} cannot have the constraints "
                f"{', '.join(sorted(others))}."
            )
        )
    for key in ("required", "unique"):
        if key in constraints and not isinstance(constraints[key], bool):
            found.append(StandardInvalid(f"{where}: constraint {key} must be true or false."))
    for key in ("minLength", "maxLength"):
        value = constraints.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            found.append(
                StandardInvalid(f"{where}: constraint {key} must be a whole number, 0 or more.")
            )
    for key in _BOUNDS:
        if (
            key in constraints
            and key not in others
            and parse_literal(spec, constraints[key]) is None
        ):
            found.append(
                StandardInvalid(
                    f"{where}: constraint {key} {constraints[key]!r} is not a valid {spec.type}."
                )
            )
    if "enum" in constraints:
        enum = constraints["enum"]
        if not isinstance(enum, list) or not enum:
            found.append(StandardInvalid(f"{where}: constraint enum must be a non-empty list."))
        else:
            bad = [value for value in enum if parse_literal(spec, value) is None]
            if bad:
                found.append(
                    StandardInvalid(f"{where}: enum values {bad!r} are not valid {spec.type}s.")
                )
    if "pattern" in constraints and "pattern" not in others:
        pattern = constraints["pattern"]
        if isinstance(pattern, str) and len(pattern) > MAX_PATTERN_CHARS:
            found.append(
                PatternInvalid(
                    f"{where}: the pattern is {len(pattern):,} characters; at most "
                    f"{MAX_PATTERN_CHARS:,} are allowed."
                )
            )
            return
        problem = pattern_problem(pattern) if isinstance(pattern, str) else "it is not text"
        if problem:
            found.append(PatternInvalid(f"{where}: pattern {pattern!r} cannot be used: {problem}."))

"""A standard's ``foreignKeys`` (Table Schema): values of some fields that must be found in
other fields.

A reference names a ``resource``: ``""`` for the table itself (checked across the whole file:
each row's values must be among the values the referenced fields take in some row), a code
list LGR Share holds (``"gss:lad"``: its one field is the code), or another resource of the
same Data Package, which cannot be checked with one file alone and is said so in the report
(``references_unchecked``), never passed over in silence.

A key whose fields reference themselves, or two keys referencing each other (a loop), each
make one pass over the file: no loop is followed, so none can run away.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from lgrshare.domain.standards.problems import ForeignKeyInvalid, StandardInvalid

MAX_FOREIGN_KEYS = 100
SELF = ""


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """``fields`` of each row must be found as ``reference_fields`` of ``resource``."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]

    @property
    def on_self(self) -> bool:
        """Return whether the key references the table itself."""
        return self.resource == SELF

    def to_json(self) -> dict[str, Any]:
        """Return the key as Table Schema writes it."""
        return {
            "fields": list(self.fields),
            "reference": {"resource": self.resource, "fields": list(self.reference_fields)},
        }

    def describe(self) -> str:
        """Return the key as people read it: ``lad → gss:lad (code)``."""
        target = "this table" if self.on_self else self.resource
        return f"{', '.join(self.fields)} → {target} ({', '.join(self.reference_fields)})"


def _names(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def parse_foreign_keys(
    raw: Any, names: Collection[str], code_lists: Collection[str], found: list[StandardInvalid]
) -> tuple[ForeignKey, ...]:
    """Return the ``foreignKeys`` of a schema with fields ``names``, noting every problem in
    ``found``."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        found.append(ForeignKeyInvalid('"foreignKeys" must be a list.'))
        return ()
    if len(raw) > MAX_FOREIGN_KEYS:
        found.append(
            ForeignKeyInvalid(
                f'"foreignKeys" has {len(raw):,} keys; a standard may have at most '
                f"{MAX_FOREIGN_KEYS}."
            )
        )
        return ()
    keys: list[ForeignKey] = []
    for position, item in enumerate(raw, start=1):
        where = f"Foreign key {position}"
        reference = item.get("reference") if isinstance(item, dict) else None
        fields = _names(item.get("fields")) if isinstance(item, dict) else None
        if fields is None or not isinstance(reference, dict):
            found.append(
                ForeignKeyInvalid(
                    f'{where} needs "fields" (a name or a list of names) and a "reference" '
                    'object with "resource" and "fields".'
                )
            )
            continue
        resource = reference.get("resource", SELF)
        referenced = _names(reference.get("fields"))
        if not isinstance(resource, str) or referenced is None:
            found.append(
                ForeignKeyInvalid(
                    f'{where}: its reference needs a "resource" (text; "" for this table) and '
                    '"fields" (a name or a list of names).'
                )
            )
            continue
        problems = []
        unknown = [name for name in fields if name not in names]
        if unknown:
            problems.append(f"{', '.join(unknown)} are not fields of the standard")
        if len(referenced) != len(fields):
            problems.append(
                f"it has {len(fields)} fields but references {len(referenced)}: they must pair up"
            )
        if resource == SELF:
            missing = [name for name in referenced if name not in names]
            if missing:
                problems.append(f"it references {', '.join(missing)}, not fields of this table")
        elif resource in code_lists and len(referenced) != 1:
            problems.append(f"the code list {resource} has one field, its code")
        if problems:
            found.append(ForeignKeyInvalid(f"{where}: {'; '.join(problems)}."))
            continue
        keys.append(ForeignKey(fields, resource, referenced))
    return tuple(keys)

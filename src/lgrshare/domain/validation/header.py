"""Matching the file's header row to the standard's fields.

Columns are matched to fields by label, so a file whose columns are in another order still
validates. In order: exact label; the same label ignoring case, spaces, hyphens and underscores
(``incorrect-label``, checked as that field); a field and an unmatched label in the same position
(``incorrect-label``, checked as that field, as frictionless does). Left over: labels are
``extra-label`` (their cells are not checked) and fields are ``missing-label``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lgrshare.domain.standards.model import Standard
from lgrshare.domain.validation.errors import ValidationError, short

_SEPARATORS = re.compile(r"[\s_\-]+")


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """Which column (0-based) holds each field found, and the label errors (row 1)."""

    columns: dict[str, int]
    errors: tuple[ValidationError, ...]
    # The columns (0-based) whose label had whitespace around it, stripped before matching.
    stripped: tuple[int, ...] = ()

    def name_of(self, column: int, labels: tuple[str, ...]) -> str:
        """Return the field checked in ``column``, or the column's label."""
        for name, index in self.columns.items():
            if index == column:
                return name
        return labels[column] if column < len(labels) else f"column {column + 1}"


def match_header(labels: tuple[str, ...], standard: Standard) -> HeaderMatch:
    """Return how ``labels`` (the header row) match ``standard``'s fields."""
    stripped = tuple(i for i, label in enumerate(labels) if label != label.strip())
    labels = tuple(label.strip() for label in labels)
    mode = standard.table_schema.get("fieldsMatch")
    if mode is not None:
        match = _fields_match(labels, standard, mode)
    else:
        match = _by_name(labels, standard)
    return HeaderMatch(columns=match.columns, errors=match.errors, stripped=stripped)


def _by_name(labels: tuple[str, ...], standard: Standard) -> HeaderMatch:
    errors: list[ValidationError] = []
    usable: list[int] = []
    first_seen: dict[str, int] = {}
    for index, label in enumerate(labels):
        number = index + 1
        if not label.strip():
            errors.append(_error("blank-header", f"Column {number} has no label.", label, number))
        elif label in first_seen:
            errors.append(
                _error(
                    "duplicate-label",
                    f"Column {number} is labelled {short(label)}, like column "
                    f"{first_seen[label] + 1}; only column {first_seen[label] + 1} is checked.",
                    label,
                    number,
                )
            )
            continue
        else:
            first_seen[label] = index
        usable.append(index)

    columns: dict[str, int] = {}
    unused = [index for index in usable if labels[index].strip()]
    for spec in standard.fields:
        if spec.name in first_seen:
            columns[spec.name] = first_seen[spec.name]
            unused.remove(first_seen[spec.name])
    for spec in standard.fields:
        if spec.name in columns:
            continue
        wanted = normal_label(spec.name)
        near = next((i for i in unused if normal_label(labels[i]) == wanted), None)
        if near is not None:
            columns[spec.name] = near
            unused.remove(near)
            errors.append(_incorrect(labels[near], spec.name, near + 1))
    taken = set(columns.values())
    for position, spec in enumerate(standard.fields):
        if spec.name in columns or position not in usable or position in taken:
            continue
        columns[spec.name] = position
        taken.add(position)
        if labels[position].strip():
            unused.remove(position)
            errors.append(_incorrect(labels[position], spec.name, position + 1))
    for index in unused:
        errors.append(
            _error(
                "extra-label",
                f"Column {index + 1}, {short(labels[index])}, is not a field of the standard; "
                "its cells are not checked.",
                labels[index],
                index + 1,
            )
        )
    for position, spec in enumerate(standard.fields):
        if spec.name not in columns:
            need = " It is required." if spec.required else ""
            errors.append(
                ValidationError(
                    code="missing-label",
                    message=f"The file has no column for field {spec.name!r}.{need}",
                    row=1,
                    field=spec.name,
                    field_number=position + 1,
                )
            )
    errors.sort(key=lambda error: error.sort_key())
    return HeaderMatch(columns=columns, errors=tuple(errors))


def _fields_match(labels: tuple[str, ...], standard: Standard, mode: str) -> HeaderMatch:
    fields = standard.fields
    errors: list[ValidationError] = []
    columns: dict[str, int] = {}
    if mode == "exact":
        for index, (label, spec) in enumerate(zip(labels, fields, strict=False)):
            columns[spec.name] = index
            number = index + 1
            if not label:
                errors.append(_error("blank-header", f"Column {number} has no label.", "", number))
            elif label in labels[:index]:
                first = labels.index(label) + 1
                errors.append(
                    _error(
                        "duplicate-label",
                        f"Column {number} is labelled {short(label)}, like column {first}.",
                        label,
                        number,
                    )
                )
            elif label != spec.name:
                errors.append(_out_of_place(label, spec.name, number))
        unmatched = list(range(len(fields), len(labels)))
        absent = list(fields[len(labels) :])
    else:
        first_seen: dict[str, int] = {}
        for index, label in enumerate(labels):
            if label in first_seen:
                errors.append(
                    _error(
                        "duplicate-label",
                        f"Column {index + 1} is labelled {short(label)}, like column "
                        f"{first_seen[label] + 1}; only column {first_seen[label] + 1} is checked.",
                        label,
                        index + 1,
                    )
                )
            else:
                first_seen.setdefault(label, index)
        columns = {spec.name: first_seen[spec.name] for spec in fields if spec.name in first_seen}
        taken = set(columns.values())
        unmatched = [i for i in first_seen.values() if i not in taken]
        absent = [spec for spec in fields if spec.name not in columns]
        if mode in ("subset", "partial"):
            unmatched = []
        if mode in ("superset", "partial"):
            keys = set(standard.primary_key)
            absent = [spec for spec in absent if spec.required or spec.name in keys]
        if mode == "partial" and fields and not columns:
            errors.append(
                ValidationError(
                    code="unmatched-header",
                    message="None of the standard's fields is a column of the file: check that "
                    "this is the right file, and that its first row is the header.",
                    row=1,
                )
            )
    for index in unmatched:
        errors.append(
            _error(
                "extra-label",
                f"Column {index + 1}, {short(labels[index])}, is not a field of the standard; "
                "its cells are not checked.",
                labels[index],
                index + 1,
            )
        )
    for spec in absent:
        need = " It is required." if spec.required else ""
        errors.append(
            ValidationError(
                code="missing-label",
                message=f"The file has no column for field {spec.name!r}.{need}",
                row=1,
                field=spec.name,
                field_number=fields.index(spec) + 1,
            )
        )
    errors.sort(key=lambda error: error.sort_key())
    return HeaderMatch(columns=columns, errors=tuple(errors))


def _out_of_place(label: str, name: str, number: int) -> ValidationError:
    where = f"Column {number} is labelled {short(label)}"
    return ValidationError(
        code="incorrect-label",
        message=f'{where}, but the standard wants its fields in order (fieldsMatch "exact"), '
        f"and column {number} should be {name!r}. It was checked as {name!r}.",
        row=1,
        field=name,
        field_number=number,
        cell=label,
    )


def normal_label(label: str) -> str:
    """Return ``label`` as matched to a field name: no case, spaces, hyphens or underscores."""
    return _SEPARATORS.sub("", label.strip().casefold())


def _incorrect(label: str, name: str, number: int) -> ValidationError:
    return ValidationError(
        code="incorrect-label",
        message=f"Column {number} is labelled {short(label)}; the standard calls it {name!r}. "
        f"It was checked as {name!r}.",
        row=1,
        field=name,
        field_number=number,
        cell=label,
    )


def _error(code: str, message: str, label: str, number: int) -> ValidationError:
    return ValidationError(
        code=code, message=message, row=1, field=label or None, field_number=number, cell=label
    )

"""Run a table through lgrshare's validator and through frictionless-py, and compare them.

Conformance tests (issue 19) write a small table and a schema, then ask both validators. The
verdicts are compared as ``(valid, {(code, row), ...})`` in frictionless's vocabulary: rows count
the header as row 1 on both sides; label errors sit on row 1; lgrshare's codes are mapped to
frictionless's names (``primary-key-error`` is ``primary-key``, ``blank-header`` is
``blank-label``, ``foreign-key-error`` is ``foreign-key``).

Where lgrshare is deliberately more precise than frictionless, a test says so by passing
``differences``: a function that turns frictionless's verdict into the one lgrshare gives on
purpose, with a docstring naming the reason (the README lists each one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frictionless

from lgrshare.domain.standards.model import parse_standard
from lgrshare.domain.validation import validate

# lgrshare's code -> frictionless's name for the same finding.
CODE_NAMES: Mapping[str, str] = {
    "primary-key-error": "primary-key",
    "blank-header": "blank-label",
    "foreign-key-error": "foreign-key",
}
LABEL_CODES = frozenset(
    {
        "blank-label",
        "duplicate-label",
        "missing-label",
        "extra-label",
        "incorrect-label",
        "unmatched-header",
    }
)


@dataclass(frozen=True)
class Verdict:
    """Whether a table is valid, and its findings as ``(code, row)`` pairs."""

    valid: bool
    findings: frozenset[tuple[str, int | None]] = field(default_factory=frozenset)

    def __str__(self) -> str:
        listed = ", ".join(f"{code}@{row}" for code, row in sorted(self.findings, key=str))
        return f"{'valid' if self.valid else 'invalid'} [{listed}]"


def _pair(code: str, row: int | None) -> tuple[str, int | None]:
    name = CODE_NAMES.get(code, code)
    return (name, 1 if name in LABEL_CODES else row)


def ours(descriptor: Mapping[str, Any], path: Path, **options: Any) -> Verdict:
    """Return lgrshare's verdict on ``path`` under ``descriptor`` (a standard, or a plain Table
    Schema; a standard may carry a ``dialect``)."""
    standard = parse_standard(dict(descriptor), default_name="conformance")
    report = validate(path, standard, max_errors=100_000, **options)
    return Verdict(report.valid, frozenset(_pair(e.code, e.row) for e in report.errors))


def theirs(
    schema: Mapping[str, Any],
    path: Path,
    *,
    dialect: Mapping[str, Any] | None = None,
    **resource: Any,
) -> Verdict:
    """Return frictionless-py's verdict on ``path`` under the Table Schema ``schema``."""
    options: dict[str, Any] = {"schema": frictionless.Schema.from_descriptor(dict(schema))}
    if dialect is not None:
        options["dialect"] = frictionless.Dialect.from_descriptor(dict(dialect))
    options.update(resource)
    table = frictionless.Resource(path=path.name, basepath=str(path.parent), **options)
    report = table.validate(limit_errors=10**6)
    pairs = frozenset(_pair(kind, row) for kind, row in report.flatten(["type", "rowNumber"]))
    return Verdict(report.valid, pairs)


def side_by_side(
    tmp_path: Path,
    schema: Mapping[str, Any],
    content: bytes | str,
    *,
    suffix: str = ".csv",
    dialect: Mapping[str, Any] | None = None,
    differences: Callable[[Verdict], Verdict] | None = None,
    encoding: str | None = None,
) -> tuple[Verdict, Verdict]:
    """Write ``content`` to a file and return (lgrshare's verdict, the verdict expected of it:
    frictionless's, passed through ``differences`` when given).

    ``content`` may be the file's bytes (a workbook, a compressed file, another encoding);
    ``encoding`` is the resource's (frictionless) and the standard's (lgrshare) encoding."""
    path = tmp_path / f"table{suffix}"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    descriptor: dict[str, Any] = {"schema": dict(schema)}
    if dialect is not None:
        descriptor["dialect"] = dict(dialect)
    resource: dict[str, Any] = {}
    if encoding is not None:
        descriptor["encoding"] = resource["encoding"] = encoding
    expected = theirs(schema, path, dialect=dialect, **resource)
    if differences is not None:
        expected = differences(expected)
    return ours(descriptor, path), expected

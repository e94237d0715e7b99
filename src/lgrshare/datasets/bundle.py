"""The one export bundle: data with its context, as CSV, XLSX or a zip.

Every download of data (a dataset, one submission, a compiled standard) is built here from what
the read path returned, so each carries the same context: the zip holds ``data.csv``
(formula-like cells neutralised), ``schema.json`` (agreed fields only), ``caveats.json``, the
validation report of each file read (fields the reader may not see left out), ``ABOUT.txt``,
and, for an output under disclosure control, ``disclosure.json``; the workbook holds the data
(numbers as numbers) and an "About this data" sheet.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from openpyxl import Workbook

from lgrshare.agreements.flows import named_standard
from lgrshare.datasets.read import Rows
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.exports import neutralise, neutralise_frame
from lgrshare.domain.standards.model import StandardNotFound
from lgrshare.standards.services import standard_get
from lgrshare.submissions.services import visible_report

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Bundle:
    """What travels together: the table, its name, the words about it and the files beside it."""

    name: str
    frame: pl.DataFrame
    about: list[str]
    schema: Mapping[str, Any] | None = None
    caveats: list[dict[str, Any]] = field(default_factory=list)
    reports: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    disclosure: Mapping[str, Any] | None = None
    # Field name -> "integer" or "number": written to a workbook as numbers.
    number_fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    file_name: str


def bundle_of(rows: Rows, *, name: str) -> Bundle:
    """The bundle of what the read path returned for one dataset (or one submission)."""
    dataset = rows.dataset
    schema: Mapping[str, Any] | None = None
    numbers: dict[str, str] = {}
    if dataset.standard_name:
        try:
            standard = (
                named_standard(dataset.agreement.current(), dataset.standard_name)
                if dataset.agreement is not None
                else standard_get(name=dataset.standard_name)
            )
        except StandardNotFound:
            standard = None
        if standard is not None:
            shown = rows.decision.shown([f.name for f in standard.fields])
            schema = standard.restricted_to(shown).to_json()
            numbers = {f.name: f.type for f in standard.fields if f.type in ("integer", "number")}
    return Bundle(
        name=name,
        frame=rows.frame,
        about=about_lines(rows),
        schema=schema,
        caveats=rows.caveats,
        reports={
            "validation-report.json"
            if len(rows.versions) == 1
            else f"validation-report-{v.reference}.json": visible_report(v, rows.decision)
            for v in rows.versions
        },
        number_fields=numbers,
    )


def about_lines(rows: Rows) -> list[str]:
    """The 'about this data' text that travels with every download and export."""
    dataset = rows.dataset
    lines = [dataset.title, f"Published or provided by {dataset.publisher_name}."]
    if dataset.source:
        lines.append(f"Source: {dataset.source}.")
    if dataset.vintage:
        lines.append(f"Period: {dataset.vintage}.")
    if dataset.licence:
        lines.append(f"Licence: {dataset.licence}.")
    for v in rows.versions:
        lines.append(
            f"Period {v.period}: submission {v.reference} version {v.version}, "
            f"{'valid against' if v.valid else 'accepted with known errors against'} "
            f"{v.standard_name} {v.standard_version}."
        )
    agreement = dataset.agreement
    if agreement is not None:
        version = agreement.current()
        lines += [
            f"Shared under {agreement.reference} ({agreement.title}).",
            f"Sensitivity: {version.classification}. Use only for the agreement's purposes.",
            "Delete by: "
            + (f"{version.delete_by:%d %B %Y}" if version.delete_by else version.retention_event),
        ]
    lines += ["", "Quality caveats:", *(rows.caveat_lines or ["None declared."])]
    return lines


def check_format(fmt: str) -> None:
    """Raises ``InvalidInput`` (``format-unknown``) unless ``fmt`` is csv, xlsx or zip."""
    if fmt not in CONTENT_TYPES:
        raise InvalidInput(f"Downloads are CSV, XLSX or zip, not {fmt!r}", code="format-unknown")


def export(bundle: Bundle, *, fmt: str) -> Export:
    """Return the bundle as ``fmt`` (csv, xlsx or zip); raises ``InvalidInput``
    (``format-unknown``) for any other format."""
    check_format(fmt)
    build = {"csv": _csv, "xlsx": _xlsx, "zip": _zip}[fmt]
    return Export(build(bundle), CONTENT_TYPES[fmt], f"{bundle.name}.{fmt}")


def _csv(bundle: Bundle) -> bytes:
    out = io.BytesIO()
    neutralise_frame(bundle.frame).write_csv(out)
    return out.getvalue()


def _about_text(bundle: Bundle) -> str:
    lines = list(bundle.about)
    if bundle.disclosure:
        lines += ["", "Disclosure control:", *bundle.disclosure.get("text", [])]
    return "\n".join(lines) + "\n"


def _zip(bundle: Bundle) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ABOUT.txt", _about_text(bundle))
        archive.writestr("data.csv", _csv(bundle))
        if bundle.schema is not None:
            archive.writestr("schema.json", json.dumps(bundle.schema, indent=2))
        archive.writestr("caveats.json", json.dumps(bundle.caveats, indent=2))
        for name, report in bundle.reports.items():
            archive.writestr(name, json.dumps(report, indent=2, default=str))
        if bundle.disclosure is not None:
            archive.writestr("disclosure.json", json.dumps(bundle.disclosure, indent=2))
    return out.getvalue()


def _typed(frame: pl.DataFrame, numbers: Mapping[str, str]) -> pl.DataFrame:
    """Number columns as numbers (so spreadsheets can sum them); a column with anything
    unreadable stays as text, exactly as submitted."""
    casts = []
    for name, dtype in frame.schema.items():
        if name not in numbers or dtype != pl.String:
            continue
        target = pl.Int64 if numbers[name] == "integer" else pl.Float64
        cast = pl.col(name).str.replace_all(",", "").cast(target, strict=False)
        if frame.select(cast.is_null().sum() == pl.col(name).is_null().sum()).item():
            casts.append(cast.alias(name))
    return frame.with_columns(casts) if casts else frame


def _xlsx(bundle: Bundle) -> bytes:
    frame = _typed(neutralise_frame(bundle.frame), bundle.number_fields)
    book = Workbook(write_only=True)
    data = book.create_sheet("Data")
    data.append(frame.columns)
    for row in frame.iter_rows():
        data.append(["" if v is None else v for v in row])
    about = book.create_sheet("About this data")
    for line in _about_text(bundle).splitlines():
        about.append([neutralise(line)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

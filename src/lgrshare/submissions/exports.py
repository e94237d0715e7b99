"""Downloads that carry their context: a zip (data, schema, caveats, report, about) or XLSX."""

from __future__ import annotations

import io
import json
import zipfile

import polars as pl
from openpyxl import Workbook

from lgrshare import access
from lgrshare.councils.models import User
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.exports import neutralise, neutralise_frame
from lgrshare.domain.policy import Decision
from lgrshare.standards.services import standard_get
from lgrshare.submissions.models import Submission
from lgrshare.submissions.services import (
    about_text,
    caveat_lines,
    caveats_json,
    report_json,
    submission_frame,
    visible_report,
)


def download_zip(submission: Submission, decision: Decision) -> bytes:
    """data.csv (formula-like cells neutralised), schema.json, caveats.json,
    validation-report.json and ABOUT.txt, in one zip: only what ``decision`` lets its reader
    see (the fields the agreement gives them, in the data, the schema and the report)."""
    frame = neutralise_frame(submission_frame(submission, decision=decision))
    data = io.BytesIO()
    frame.write_csv(data)
    standard = standard_get(name=submission.standard_name)
    schema = standard.restricted_to(decision.shown([f.name for f in standard.fields])).to_json()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ABOUT.txt", about_text(submission))
        archive.writestr("data.csv", data.getvalue())
        archive.writestr("schema.json", json.dumps(schema, indent=2))
        archive.writestr("caveats.json", caveats_json(submission))
        archive.writestr(
            "validation-report.json", report_json(visible_report(submission, decision))
        )
    return out.getvalue()


def _typed(frame: pl.DataFrame, submission: Submission) -> pl.DataFrame:
    """Number columns as numbers (so spreadsheets can sum them); anything unreadable stays
    as text, exactly as submitted."""
    kinds = {f.name: f.type for f in standard_get(name=submission.standard_name).fields}
    casts = []
    for name in frame.columns:
        target = {"integer": pl.Int64, "number": pl.Float64}.get(kinds.get(name, ""))
        if target is not None:
            cast = pl.col(name).str.replace_all(",", "").cast(target, strict=False)
            if frame.select(cast.is_null().sum() == pl.col(name).is_null().sum()).item():
                casts.append(cast.alias(name))
    return frame.with_columns(casts) if casts else frame


def download_xlsx(submission: Submission, decision: Decision) -> bytes:
    """A workbook: the data ``decision`` lets its reader see (numbers as numbers, text
    neutralised) and an 'About this data' sheet with the caveats."""
    frame = _typed(neutralise_frame(submission_frame(submission, decision=decision)), submission)
    book = Workbook(write_only=True)
    data = book.create_sheet("Data")
    data.append(frame.columns)
    for row in frame.iter_rows():
        data.append(["" if v is None else v for v in row])
    about = book.create_sheet("About this data")
    for line in about_text(submission).splitlines():
        about.append([neutralise(line)])
    if not caveat_lines(submission):
        about.append(["No caveats were declared."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CONTENT_TYPES = {
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def submission_download(*, user: User, submission: Submission, fmt: str) -> tuple[bytes, str, str]:
    """Return (content, content type, file name) of an accepted submission, after the policy
    check (which records the download, or the refusal). Raises ``InvalidInput`` for a file not
    accepted or an unknown format, ``AccessDenied`` with the policy's reason."""
    if fmt not in CONTENT_TYPES:
        raise InvalidInput(f"Downloads are zip or xlsx, not {fmt!r}", code="format-unknown")
    # Deleted under the retention rules: the policy refuses it (data-deleted), recorded.
    deleted = submission.state == Submission.State.DELETED
    if submission.state != Submission.State.ACCEPTED and not deleted:
        raise InvalidInput(
            "Only accepted submissions can be downloaded", code="submission-not-accepted"
        )
    decision = access.require(
        user=user,
        action=access.Action.DOWNLOAD,
        dataset=submission.dataset,
        deleted=deleted,
        submission=submission.pk,
        format=fmt,
    )
    build = download_xlsx if fmt == "xlsx" else download_zip
    content = build(submission, decision)
    name = f"{submission.dataset.slug}-{submission.reference}.{fmt}"
    return content, CONTENT_TYPES[fmt], name

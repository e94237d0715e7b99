"""The one read path of a dataset's data: "this dataset's rows for this person".

Every page, API endpoint, download, export, compile and CLI command that shows data calls
``dataset_rows`` (or ``compile`` in ``datasets.compile``, which calls it per council). In order:

1. **The policy** (``access.require``, recorded) answers for this person and action, with the
   fields the agreement's flows give them (``Decision.fields``).
2. **The rows**: a public table from the shipped files; imported metrics from the database; a
   council's submissions from the vault, decrypted and integrity-checked (``_read_blob``: the
   one place stored data is opened, where retention plugs in), read back by the validator's own
   reader: every period's latest accepted version, each row carrying its lineage
   (``source_submission``, ``source_version``, ``source_period``).
3. **The agreed fields** only (``Decision.shown``), then the columns asked for (``fields=``,
   refused as ``fields-not-agreed`` when one is not among them), then the filters (district,
   county, period).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl
from django.urls import reverse

from lgrshare import access
from lgrshare.catalogue.models import Dataset, Kind, MetricValue
from lgrshare.councils.models import User
from lgrshare.domain import policy
from lgrshare.domain.deadline import deadline_check
from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.domain.paging import Paging, paging_check
from lgrshare.domain.policy import AccessDenied, Action, Decision, DecisionReason, Resource, uk_date
from lgrshare.domain.public_data import load_public_table
from lgrshare.domain.row_filters import RowFilter, filter_rows
from lgrshare.domain.validation import CAVEAT_KINDS
from lgrshare.domain.validation.stored import read_as_submitted
from lgrshare.retention.models import DeletionCertificate
from lgrshare.submissions.models import Submission
from lgrshare.vault.services import blob_read_bytes

# Columns the read path adds to a submission's rows: which file each row came from.
LINEAGE = ("source_submission", "source_version", "source_period")


class DataDeleted(AccessDenied):
    """The data was deleted under the retention rules, told to someone who could see it (an
    ``AccessDenied``, so a caller that reads several datasets counts it as refused)."""

    code = "data-deleted"
    title = "The data was deleted"
    status = 410


class FieldUnknown(InvalidInput):
    code = "field-unknown"
    title = "The dataset has no such field"


@dataclass(frozen=True)
class Rows:
    """A dataset's rows as one person may see them: ``frame`` holds only the agreed fields
    (and, for submissions, the lineage columns); ``versions`` are the submissions read, one per
    period (each period's latest accepted version)."""

    dataset: Dataset
    decision: Decision
    frame: pl.DataFrame
    versions: tuple[Submission, ...] = ()

    @property
    def caveats(self) -> list[dict[str, Any]]:
        """Every caveat of every version read, with the period and submission it is about."""
        out = []
        for version in self.versions:
            for caveat in version.caveats:
                if caveat.get("field") and not self.decision.shown([caveat["field"]]):
                    continue  # a caveat about a field the reader may not see quotes it
                out.append({**caveat, "period": version.period, "submission": version.reference})
        return out

    @property
    def caveat_lines(self) -> list[str]:
        lines = []
        for c in self.caveats:
            where = f" ({c['field']})" if c.get("field") else ""
            kind = CAVEAT_KINDS.get(c["kind"], c["kind"])
            lines.append(f"{c['period']}, {c['submission']}: {kind}{where}: {c['text']}")
        return lines


@dataclass(frozen=True)
class Page:
    """One page of rows: ``total`` is the number of rows matching; ``next_offset`` None on the
    last page."""

    columns: list[str]
    rows: list[list[Any]]
    total: int
    offset: int
    limit: int

    @property
    def next_offset(self) -> int | None:
        following = self.offset + self.limit
        return following if following < self.total else None


def accepted_versions(dataset: Dataset) -> list[Submission]:
    """Each period's latest accepted submission of ``dataset``, by period."""
    latest: dict[str, Submission] = {}
    found = (
        Submission.objects.filter(dataset=dataset, state=Submission.State.ACCEPTED)
        .select_related("blob", "dataset")
        .order_by("period", "-version")
    )
    for submission in found:
        latest.setdefault(submission.period, submission)
    return list(latest.values())


def dataset_rows(
    *,
    user: User,
    dataset: Dataset,
    action: Action = Action.VIEW_DATA,
    decision: Decision | None = None,
    fields: Sequence[str] = (),
    where: RowFilter | None = None,
    submission: Submission | None = None,
    **detail: str | int | bool,
) -> Rows:
    """Return the rows of ``dataset`` that ``user`` may see for ``action``.

    ``decision``: the policy's allowed answer when the caller already asked (a page that shows
    data only to those allowed); else the policy is asked here and the answer recorded.
    ``submission``: read that one accepted version only. Raises ``AccessDenied`` with the
    policy's reason (or ``fields-not-agreed``), ``DataDeleted`` (410) to someone who could see
    the data before it was deleted under the retention rules, ``NotFound`` (``no-data-here``)
    for an entry whose data is held elsewhere, ``InvalidInput`` for a submission not accepted,
    a field the dataset does not have (``field-unknown``) or a filter the table cannot answer.
    """
    if decision is None:
        if submission is not None:
            detail = {"submission": submission.pk, **detail}
        decision = data_require(user=user, action=action, dataset=dataset, **detail)
    decision.require()
    if submission is not None and submission.state != Submission.State.ACCEPTED:
        raise InvalidInput("Only accepted submissions can be read", code="submission-not-accepted")
    frame, versions = _frame(dataset, decision, submission)
    if fields:
        asked = [name.strip() for name in fields if name.strip()]
        _fields_check(dataset, frame, asked)
        frame = frame.select(
            access.columns(user=user, dataset=dataset, shown=frame.columns, asked=asked)
        )
    if where is not None and not where.empty:
        frame = filter_rows(
            frame,
            where,
            lsoa_lookup=load_public_table("lookup-lsoa-ward-district"),
            district_county=load_public_table("lookup-district-county"),
        )
    return Rows(dataset=dataset, decision=decision, frame=frame, versions=tuple(versions))


def data_require(
    *, user: User, action: Action, dataset: Dataset, **detail: str | int | bool
) -> Decision:
    """``access.require`` for reading ``dataset``'s data, recorded the same way; but data
    deleted under the retention rules is ``DataDeleted`` (410, when and where its certificate
    is) to someone the policy would have let read it, and stays the policy's 403 to others."""
    try:
        return access.require(user=user, action=action, dataset=dataset, **detail)
    except AccessDenied as refused:
        if refused.code == DecisionReason.DATA_DELETED and _could_see(user, action, dataset):
            raise _deleted(dataset) from refused
        raise


def _fields_check(dataset: Dataset, frame: pl.DataFrame, asked: list[str]) -> None:
    """Refuse a field the dataset does not have (``field-unknown``), naming the fields it has:
    those its catalogue entry lists (shown to anyone who may see the entry) and the columns
    this reader is shown. A field it has that the reader may not see is the policy's
    (``fields-not-agreed``)."""
    fields = dataset.field_names or [c for c in frame.columns if c not in LINEAGE]
    there = list(dict.fromkeys([*fields, *frame.columns]))
    unknown = [name for name in asked if name not in there]
    if unknown:
        names, fields_there = ", ".join(unknown), ", ".join(there)
        raise FieldUnknown(f"This dataset has no field {names}: its fields are {fields_there}")


@dataclass(frozen=True, slots=True)
class _Kept:
    """A dataset as it was before its data was deleted: the policy's view with ``deleted``
    false, to ask whether someone could see the data then."""

    of: access.Gated

    def policy_resource(self) -> Resource:
        return replace(self.of.policy_resource(), deleted=False)

    def policy_agreement(self) -> policy.AgreementFacts | None:
        return self.of.policy_agreement()


def _could_see(user: User, action: Action, dataset: Dataset) -> bool:
    """Whether the policy would let ``user`` read ``dataset`` had its data not been deleted.
    Closing the agreement is how retention ends it: a refusal for that reason (``data-deleted``
    from the agreement's state) still means the reader was one it shared the data with."""
    before = access.check(user=user, action=action, dataset=_Kept(dataset))
    return before.allowed or before.reason == DecisionReason.DATA_DELETED


def _deleted(dataset: Dataset) -> DataDeleted:
    """The 410 for a reader who could see the data: when it was deleted and where the
    certificate that proves it is."""
    when = f" on {uk_date(dataset.deleted_at):%-d %B %Y}" if dataset.deleted_at else ""
    certificate = DeletionCertificate.objects.filter(scope=f"dataset:{dataset.pk}").first()
    if certificate is not None:
        where = f"its deletion certificate is at {reverse('certificate', args=[certificate.pk])}"
    elif dataset.agreement_id is not None:
        where = "its deletion certificate is listed at " + reverse(
            "agreement-retention", args=[dataset.agreement_id]
        )
    else:
        where = "ask its publisher for its deletion certificate"
    return DataDeleted(
        f"The data of {dataset.title} was deleted{when} under its agreement's retention "
        f"rules: {where}"
    )


def page_of(frame: pl.DataFrame, paging: Paging) -> Page:
    """One page of ``frame``; raises ``OffsetInvalid`` (``page-offset-invalid``) for an
    offset past its last row."""
    paging_check(paging, total=frame.height)
    return Page(
        columns=frame.columns,
        rows=[list(r) for r in frame.slice(paging.offset, paging.limit).rows()],
        total=frame.height,
        offset=paging.offset,
        limit=paging.limit,
    )


def _frame(
    dataset: Dataset, decision: Decision, submission: Submission | None
) -> tuple[pl.DataFrame, list[Submission]]:
    if dataset.kind == Kind.REFERENCE:
        frame = load_public_table(dataset.slug)
        return frame.select(decision.shown(frame.columns)), []
    if dataset.kind == Kind.METRICS:
        return _metrics(dataset, decision), []
    if dataset.kind == Kind.SUBMISSION:
        if submission is not None:  # one file, as submitted: no lineage to tell apart
            table = submission_table(submission)
            return table.select(decision.shown(table.columns)), [submission]
        versions = accepted_versions(dataset)
        return submissions_frame(versions, decision), versions
    raise NotFound(
        "This entry records who holds the data; the data itself is not on LGR Share",
        code="no-data-here",
    )


def _metrics(dataset: Dataset, decision: Decision) -> pl.DataFrame:
    rows = MetricValue.objects.filter(dataset=dataset).order_by("metric_id", "area_code", "period")
    frame = pl.DataFrame(
        list(rows.values("metric_id", "metric_title", "area_code", "period", "value", "unit")),
        schema={
            "metric_id": pl.String,
            "metric_title": pl.String,
            "area_code": pl.String,
            "period": pl.String,
            "value": pl.Float64,
            "unit": pl.String,
        },
    )
    return frame.select(decision.shown(frame.columns))


def submissions_frame(versions: Sequence[Submission], decision: Decision) -> pl.DataFrame:
    """The rows of ``versions`` (text columns, as submitted), agreed fields only, each row with
    its lineage; columns a later version added are empty in the earlier ones."""
    frames = []
    for version in versions:
        table = submission_table(version)
        table = table.select(decision.shown(table.columns))
        frames.append(
            table.with_columns(
                pl.lit(version.reference).alias("source_submission"),
                pl.lit(str(version.version)).alias("source_version"),
                pl.lit(version.period).alias("source_period"),
            )
        )
    if not frames:
        return pl.DataFrame(schema=dict.fromkeys(LINEAGE, pl.String))
    return pl.concat(frames, how="diagonal_relaxed")


def submission_table(submission: Submission) -> pl.DataFrame:
    """The whole submitted table, read back from the vault (verified) by the validator's
    reader as text columns. Callers show only what a decision allows (``submissions_frame``)."""
    raw = _read_blob(submission)
    return read_as_submitted(raw, submission.file_format, submission.report.get("file", {}))


def _read_blob(submission: Submission) -> bytes:
    # The one place the data of a submission is decrypted: retention's checks plug in here,
    # and so does the request's time limit, between one file and the next.
    deadline_check()
    raw = blob_read_bytes(blob=submission.blob)
    deadline_check()
    return raw

"""Importing published metrics (LG Inform's long shape) into the catalogue as public data.

CSV and XLSX files are checked by the one validator against the ``published-metrics`` layout;
JSON (a list of objects with the same keys, or ``{"data": [...]}``) is first laid out as CSV and
then checked the same way. Nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from lgrshare.catalogue import search as fulltext
from lgrshare.catalogue.models import Access, Dataset, Kind, MetricValue
from lgrshare.councils.models import Area, User
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.standards.model import Standard, parse_standard
from lgrshare.domain.validation import Report
from lgrshare.domain.validation.isolated import validate_isolated
from lgrshare.trail import record

MAX_IMPORT_BYTES = 50_000_000
COLUMNS = ("metric_id", "metric_title", "area_code", "period", "value", "unit")


class ImportInvalid(InvalidInput):
    """The file did not pass the checks; ``report`` says why, row by row."""

    code = "import-invalid"

    def __init__(self, report: Report) -> None:
        counts = ", ".join(f"{n} {code}" for code, n in report.stats.get("counts", {}).items())
        super().__init__(f"The file has errors and nothing was imported: {counts}")
        self.report = report


@dataclass(frozen=True)
class ImportResult:
    dataset: Dataset
    rows: int
    report: Report


def metrics_standard() -> Standard:
    text = (
        resources.files("lgrshare.catalogue").joinpath("published-metrics.schema.json").read_text()
    )
    return parse_standard(json.loads(text), default_name="published-metrics")


def _json_as_csv(raw: bytes) -> bytes:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"The JSON file cannot be read: {exc}", code="format-error") from None
    rows = data.get("data") if isinstance(data, dict) else data
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InvalidInput(
            'The JSON must be a list of objects, or {"data": [...]}, each with '
            + ", ".join(COLUMNS),
            code="format-error",
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # Keys beyond the layout are kept as columns so the validator reports them.
    header = list(COLUMNS) + sorted({k for r in rows for k in r} - set(COLUMNS))
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(k) is None else row.get(k) for k in header])
    return out.getvalue().encode("utf-8")


@transaction.atomic
def metrics_import(
    *,
    content: bytes,
    file_name: str,
    title: str,
    publisher: str,
    source: str = "",
    licence: str = "Open Government Licence v3.0",
    vintage: str = "",
    area: Area | None = None,
    user: User | None = None,
) -> ImportResult:
    """Validate and import a published-metrics file as a public catalogue entry.

    Re-importing under the same title replaces that entry's figures. Raises ``InvalidInput``
    (``import-too-large``, ``format-error``, ``title-required``) or ``ImportInvalid`` (with the
    validation report) and then writes nothing.
    """
    if len(content) > MAX_IMPORT_BYTES:
        raise InvalidInput("The file is larger than 50 MB", code="import-too-large")
    if not title.strip():
        raise InvalidInput("Give the dataset a title", code="title-required")
    suffix = Path(file_name).suffix.lower()
    if suffix == ".json":
        content, suffix = _json_as_csv(content), ".csv"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"import{suffix or '.csv'}"
        path.write_bytes(content)
        report = validate_isolated(
            path, metrics_standard(), file_name=file_name, limits=settings.PARSE_LIMITS
        )
        if not report.valid:
            raise ImportInvalid(report)
        frame = pl.read_excel(path) if suffix == ".xlsx" else pl.read_csv(path, infer_schema=False)
    frame = frame.select([pl.col(c).cast(pl.String) for c in COLUMNS])
    slug = slugify(title)[:80] or "published-metrics"
    dataset, _ = Dataset.objects.update_or_create(
        slug=slug,
        defaults={
            "title": title.strip(),
            "description": f"Published metrics imported from {file_name}: "
            + "; ".join(sorted(set(frame["metric_title"].to_list()))[:10]),
            "publisher_name": publisher,
            "source": source,
            "licence": licence,
            "vintage": vintage,
            "geography_level": "council",
            "fields": [
                {"name": c, "title": c.replace("_", " "), "type": "string"} for c in COLUMNS
            ],
            "access": Access.PUBLIC,
            "kind": Kind.METRICS,
            "area": area,
            "created_by": user,
        },
    )
    MetricValue.objects.filter(dataset=dataset).delete()
    MetricValue.objects.bulk_create(
        (
            MetricValue(
                dataset=dataset,
                metric_id=row["metric_id"],
                metric_title=row["metric_title"],
                area_code=row["area_code"],
                period=row["period"],
                value=float(row["value"]) if row["value"] not in (None, "", "NA", "-") else None,
                unit=row["unit"] or "",
            )
            for row in frame.iter_rows(named=True)
        ),
        batch_size=2000,
    )
    fulltext.index_dataset(dataset)
    record(
        user=user,
        action="metrics-imported",
        target_type="dataset",
        target_id=dataset.slug,
        area=area.county_id if area is not None else None,
        rows=frame.height,
        file=file_name[:120],
    )
    return ImportResult(dataset=dataset, rows=frame.height, report=report)

"""Reading a stored file back as the validator read it: the layout its report recorded
(format, compression, encoding, delimiter, the standard's dialect, sheet), every column as
text, exactly as submitted."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from lgrshare.domain.standards.dialect import Dialect, parse_dialect
from lgrshare.domain.validation.compressed import unpacked
from lgrshare.domain.validation.csv_exact import exact_batches
from lgrshare.domain.validation.csv_layout import read_layout
from lgrshare.domain.validation.encoding import TextDecoder
from lgrshare.domain.validation.frame import column


def read_as_submitted(raw: bytes, file_format: str, file: Mapping[str, Any]) -> pl.DataFrame:
    """Return the table in ``raw`` (CSV or XLSX, as ``file_format`` says, perhaps compressed)
    with text columns; ``file`` is the report's ``file`` section (encoding, delimiter, sheet)."""
    if file.get("compression"):
        with unpacked(Path("stored"), io.BytesIO(raw), len(raw)) as (_, handle, _, _):
            raw = handle.read()
        file_format = str(file.get("format") or file_format)
    if file_format == "xlsx":
        # The header is where the validator found it (below any title text), 0-based.
        corner = str(file.get("first_cell") or "A1")
        header_row = int(corner.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) - 1
        frame = pl.read_excel(
            io.BytesIO(raw),
            sheet_name=file.get("sheet") or None,
            read_options={"header_row": header_row},
        )
        return frame.select(pl.all().cast(pl.String))
    encoding = str(file.get("encoding") or "utf-8")
    dialect = parse_dialect(file["dialect"]) if file.get("dialect") else Dialect()
    if not dialect.plain:
        return _in_dialect(raw, encoding, dialect, tuple(file.get("columns") or ()))
    text = raw.decode("utf-8-sig" if encoding.lower().startswith("utf") else encoding)
    return pl.read_csv(
        io.StringIO(text),
        separator=str(file.get("delimiter") or ","),
        infer_schema=False,
        truncate_ragged_lines=True,
    )


def _in_dialect(
    raw: bytes, encoding: str, dialect: Dialect, names: tuple[str, ...]
) -> pl.DataFrame:
    """Return a CSV file in a dialect that is not plain, read by the validator's exact reader
    (comment and header rows left out)."""
    handle = io.BytesIO(raw)
    decoder = TextDecoder(None if encoding.lower().startswith("utf") else encoding)
    layout = read_layout(handle, size=len(raw), decoder=decoder, dialect=dialect, names=names)
    labels: list[str] = []
    for label in layout.labels:
        name, n = label, 1
        while name in labels:
            n += 1
            name = f"{label}_{n}"
        labels.append(name)
    frames = [
        batch.select(column(j) for j in range(len(labels)))
        for batch in exact_batches(handle, layout=layout, decoder=decoder, size=len(raw))
    ]
    if not frames:
        return pl.DataFrame(schema=dict.fromkeys(labels, pl.String))
    return pl.concat(frames).rename({column(j): label for j, label in enumerate(labels)})

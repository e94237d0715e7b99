"""Reading a stored file back as the validator read it: the layout its report recorded
(format, encoding, delimiter, sheet), every column as text, exactly as submitted."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import polars as pl


def read_as_submitted(raw: bytes, file_format: str, file: Mapping[str, Any]) -> pl.DataFrame:
    """Return the table in ``raw`` (CSV or XLSX, as ``file_format`` says) with text columns;
    ``file`` is the report's ``file`` section (encoding, delimiter, sheet)."""
    if file_format == "xlsx":
        frame = pl.read_excel(io.BytesIO(raw), sheet_name=file.get("sheet") or None)
        return frame.select(pl.all().cast(pl.String))
    encoding = str(file.get("encoding") or "utf-8")
    text = raw.decode("utf-8-sig" if encoding.lower().startswith("utf") else encoding)
    return pl.read_csv(
        io.StringIO(text),
        separator=str(file.get("delimiter") or ","),
        infer_schema=False,
        truncate_ragged_lines=True,
    )

"""Shared test standard and file helpers for the validator's tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from validation_helpers import SCHEMA

from lgrshare.domain.standards.model import Standard, parse_standard
from lgrshare.domain.validation import Report, validate


@pytest.fixture
def standard() -> Standard:
    return parse_standard(SCHEMA, default_name="test-lines")


@pytest.fixture
def check(tmp_path: Path, standard: Standard) -> Callable[..., Report]:
    """Write ``text`` (or bytes) to a file and validate it against the test standard."""

    def run(content: str | bytes, *, name: str = "data.csv", **options: Any) -> Report:
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)
        return validate(path, options.pop("against", standard), **options)

    return run

"""The one exception readers raise: the file cannot be read as a table at all.

The engine turns it into a report holding that single error (``format-error``,
``encoding-error`` or ``compression-error``); it never leaves the validation package.
"""

from __future__ import annotations

from lgrshare.domain.validation.errors import ValidationError


class Unreadable(Exception):
    """Reading stopped; ``error`` says why, for the report."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(error.message)
        self.error = error


def format_error(message: str, *, row: int | None = None) -> Unreadable:
    """Return an ``Unreadable`` carrying a ``format-error``."""
    return Unreadable(ValidationError(code="format-error", message=message, row=row))


def encoding_error(message: str, *, row: int | None = None) -> Unreadable:
    """Return an ``Unreadable`` carrying an ``encoding-error``."""
    return Unreadable(ValidationError(code="encoding-error", message=message, row=row))


def compression_error(message: str) -> Unreadable:
    """Return an ``Unreadable`` carrying a ``compression-error``."""
    return Unreadable(ValidationError(code="compression-error", message=message))


# A row may have this many cells more than the header before the file is refused: a row of
# millions of cells (a few MB of commas) would otherwise become millions of ``extra-cell``
# errors and gigabytes of memory.
MAX_EXTRA_CELLS = 1_000


def too_wide(row: int, cells: int, *, width: int) -> Unreadable:
    """Return the error for row ``row``, which has ``cells`` cells against a header of
    ``width`` (more than ``MAX_EXTRA_CELLS`` over it)."""
    return format_error(
        f"Row {row:,} has {cells:,} cells, but the header has {width:,}: a row may have at most "
        f"{MAX_EXTRA_CELLS:,} cells more than the header, so the file was not read further. "
        "Check the delimiter, and that the file is one table.",
        row=row,
    )

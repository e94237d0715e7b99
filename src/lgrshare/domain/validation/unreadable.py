"""The one exception readers raise: the file cannot be read as a table at all.

The engine turns it into a report holding that single error (``format-error`` or
``encoding-error``); it never leaves the validation package.
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

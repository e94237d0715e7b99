"""Formatting of published figures: thousands separators, fixed decimal places."""

from __future__ import annotations

from decimal import Decimal

from django import template

from lgrshare.domain.validation import CAVEAT_KINDS
from lgrshare.domain.validation.errors import ERROR_TYPES
from lgrshare.domain.validation.report import read_as

register = template.Library()


@register.filter
def thousands(value: int | float | Decimal | None, places: int = 0) -> str:
    """Return ``value`` with comma thousands separators and ``places`` decimals; "" for None."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.{int(places)}f}"


@register.filter
def error_title(code: str) -> str:
    """A validation error code in words (``constraint-error`` -> its title), for people."""
    return ERROR_TYPES.get(code, (code, ""))[0]


@register.filter
def file_read_as(file: dict[str, object] | None) -> str:
    """How a validated file was read, in words (format, encoding and whether it was guessed,
    dialect, compression), from a report's ``file``."""
    return read_as(file or {})


@register.filter
def caveat_kind(kind: str) -> str:
    """A caveat kind in words."""
    return CAVEAT_KINDS.get(kind, kind)

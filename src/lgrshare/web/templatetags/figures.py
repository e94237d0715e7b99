"""Formatting of published figures: thousands separators, fixed decimal places."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def thousands(value: int | float | Decimal | None, places: int = 0) -> str:
    """Return ``value`` with comma thousands separators and ``places`` decimals; "" for None."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.{int(places)}f}"

"""Dates entered one way everywhere: the GOV.UK date input (day, month and year boxes).

``GovukDateField`` is a form field whose widget renders as three inputs named ``<name>_day``,
``<name>_month`` and ``<name>_year`` (see ``includes/field.html``), and whose errors say what is
wrong in GOV.UK's words ("Delete by must include a year", "Delete by must be a real date").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year as three text inputs (numeric keypad on phones)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        numeric = {"inputmode": "numeric"}
        super().__init__(
            widgets={
                "day": forms.TextInput(attrs=numeric),
                "month": forms.TextInput(attrs=numeric),
                "year": forms.TextInput(attrs=numeric),
            },
            attrs=attrs,
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value:
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
            return [parsed.day, parsed.month, parsed.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date from the GOV.UK date input; ``None`` when all three boxes are empty."""

    widget = GovukDateWidget

    def __init__(self, *, label: str, required: bool = True, **kwargs: Any) -> None:
        parts = tuple(forms.CharField(required=False) for _ in range(3))
        super().__init__(
            fields=parts,
            require_all_fields=False,
            required=required,
            label=label,
            error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
            **kwargs,
        )

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(str(part or "").strip() for part in data_list):
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        for part, name in ((day, "day"), (month, "month"), (year, "year")):
            if not part:
                raise forms.ValidationError(f"{self.label} must include a {name}", code="partial")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(f"{self.label} must be a real date", code="invalid")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(
                f"{self.label} must be a real date", code="invalid"
            ) from None

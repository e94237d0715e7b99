"""Template helpers that render Django form widgets with GOV.UK Frontend classes."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_CLASSES = {
    "select": ("govuk-select", "govuk-select--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "clearablefile": ("govuk-file-upload", "govuk-file-upload--error"),
}


@register.filter
def govuk_widget(field: BoundField) -> SafeString:
    """Return the field's widget HTML with GOV.UK classes, error state and hint/error links."""
    base, error = _CLASSES.get(field.widget_type, ("govuk-input", "govuk-input--error"))
    # The form's own classes (a width, such as ``govuk-input--width-3``) are kept.
    own = str(field.field.widget.attrs.get("class", "")).split()
    classes = list(dict.fromkeys([base, *own, *([error] if field.errors else [])]))
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {"class": " ".join(classes)}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)

"""The form a data lead drafts an area standard with."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from lgrshare.standards.services import standard_list

_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class DraftForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Give the standard a title"}
    )
    name = forms.CharField(
        label="Short name",
        max_length=80,
        help_text="Lower-case words joined by hyphens, for example surrey-leasehold-register. "
        "Files and agreements refer to the standard by it.",
        error_messages={"required": "Give the standard a short name"},
    )
    description = forms.CharField(
        label="What the data is", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    source = forms.ChoiceField(
        label="Start from",
        widget=forms.RadioSelect,
        choices=[
            ("example", "A filled-in example file (CSV or Excel): we propose the fields"),
            ("schema", "A Table Schema or standard (JSON)"),
            ("copy", "A copy of a built-in standard"),
        ],
        error_messages={"required": "Choose what to start from"},
    )
    file = forms.FileField(label="File", required=False)
    copy_from = forms.ChoiceField(label="Built-in standard to copy", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].choices = [("", "Choose a standard")] + [  # type: ignore[attr-defined]
            (standard.name, standard.title) for standard in standard_list()
        ]

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip().lower()
        if not _NAME.match(name):
            raise forms.ValidationError(
                "Use lower-case letters and numbers, with hyphens between words"
            )
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source = data.get("source")
        if source in ("example", "schema") and not data.get("file"):
            self.add_error("file", "Choose the file to start from")
        if source == "copy" and not data.get("copy_from"):
            self.add_error("copy_from", "Choose the standard to copy")
        return data

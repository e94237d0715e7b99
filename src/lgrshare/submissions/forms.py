"""Forms for submitting a file and declaring caveats."""

from __future__ import annotations

from typing import Any

from django import forms

from lgrshare.domain.validation import CAVEAT_KINDS
from lgrshare.domain.validation.errors import ERROR_TYPES


class SubmitForm(forms.Form):
    standard = forms.ChoiceField(label="Which data is this?")
    period = forms.CharField(
        label="Period the data covers",
        max_length=60,
        help_text="For example 2025-26",
        error_messages={"required": "Say what period the data covers"},
    )
    # An empty file is the service's to refuse (``file-empty``), as the API and ``validate`` do.
    file = forms.FileField(
        allow_empty_file=True,
        label="The file",
        help_text="CSV or Excel (.xlsx) in the agreed layout",
        error_messages={"required": "Choose the file to submit"},
    )
    drop_unagreed = forms.BooleanField(
        label="Remove any column the agreement does not share before the file is stored",
        required=False,
        help_text="Otherwise a file with such columns is refused, so you can remove them yourself",
    )

    def __init__(self, *args: Any, standards: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["standard"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = standards


class CaveatForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of caveat",
        choices=list(CAVEAT_KINDS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of caveat"},
    )
    field = forms.CharField(
        label="Field it is about",
        required=False,
        max_length=80,
        help_text="Leave empty if it is about the whole dataset",
    )
    explains = forms.ChoiceField(label="Error code it explains", required=False)
    text = forms.CharField(
        label="What users of the data should know",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Describe the caveat"},
    )

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["explains"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "None"), *[(c, ERROR_TYPES.get(c, (c, ""))[0]) for c in codes]]


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that the file is destroyed and cannot be recovered, and that the "
        "council must submit it again to share it",
        error_messages={"required": "Confirm that you understand the file will be destroyed"},
    )

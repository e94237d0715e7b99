"""Forms for finding data first, raising a request, answering it, and the thread."""

from __future__ import annotations

from typing import Any

from django import forms

from lgrshare.catalogue.models import GeographyLevel
from lgrshare.councils.models import Area
from lgrshare.domain.request_flow import Answer, StopReason
from lgrshare.standards.services import standard_list
from lgrshare.web.dates import GovukDateField


def _standards() -> list[tuple[str, str]]:

    return [("", "Not sure, or none fits"), *[(s.name, s.title) for s in standard_list()]]


class FindForm(forms.Form):
    question = forms.CharField(
        label="What question do you need to answer?",
        help_text="One clear question, such as 'What will the new councils spend on contracts "
        "that end after vesting day?'",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Enter the question the data will answer"},
    )
    standard = forms.ChoiceField(label="What kind of data is it?", required=False)
    geography_level = forms.ChoiceField(
        label="At what geography?",
        required=False,
        choices=[("", "Not sure"), *GeographyLevel.choices],
    )
    period = forms.CharField(
        label="For what period?",
        required=False,
        max_length=100,
        help_text="For example 2024-25, or March 2026",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard"].choices = _standards()  # type: ignore[attr-defined]


class RequestForm(FindForm):
    not_enough = forms.CharField(
        label="Why is what you found not enough?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": "Say why the public data and agreements found do not answer it"
        },
    )
    purpose = forms.CharField(
        label="What will the data be used for?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say what the data will be used for"},
    )
    legal_power = forms.CharField(
        label="Which legal power or duty lets your council use this data?",
        help_text="For example: Local Government Act 1972 s.111; Local Government and Public "
        "Involvement in Health Act 2007 (reorganisation proposals)",
        max_length=300,
        required=False,
    )
    holders = forms.MultipleChoiceField(
        label="Which councils hold the data?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one council that holds the data"},
    )
    fields_wanted = forms.MultipleChoiceField(
        label="Which fields do you need?",
        help_text="Ask only for the fields your question needs",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    items = forms.CharField(
        label="Describe the data items you need",
        help_text="One item per line, if there is no standard or it lacks what you need",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    needed_by = GovukDateField(label="When do you need it by?", required=False)
    personal_data = forms.BooleanField(label="It includes personal data", required=False)
    special_category = forms.BooleanField(
        label="It includes special category data (such as health or ethnicity)", required=False
    )
    children_or_vulnerable = forms.BooleanField(
        label="It is about children or vulnerable people", required=False
    )
    data_matching = forms.BooleanField(
        label="It will be matched or combined with other data about people", required=False
    )
    contractor_access = forms.BooleanField(label="Contractors will see it", required=False)

    def __init__(
        self, *args: Any, area: Area, own_council: str, fields: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holders"].choices = [  # type: ignore[attr-defined]
            (c.gss_code, c.official_name) for c in area.councils() if c.gss_code != own_council
        ]
        self.fields["fields_wanted"].choices = [(f, f) for f in fields]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("fields_wanted") and not (data.get("items") or "").strip():
            self.add_error("items", "Choose the fields you need or describe the data items")
        return data


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Your council's answer",
        choices=[(a.value, a.label) for a in Answer if a is not Answer.PENDING],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose your council's answer"},
    )
    reason = forms.CharField(
        label="Reason or next steps",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Write a comment"},
    )
    attachment = forms.FileField(
        label="Attach a file",
        required=False,
        help_text=(
            "A specification or template: CSV, Excel, Word, PDF, Markdown or text, up to 5 MB. "
            "Files that look like data about people are refused: share those under an agreement."
        ),
    )

    def __init__(self, *args: Any, attach: bool = True, **kwargs: Any) -> None:
        """``attach`` False (the policy's ``attach-to-request`` refused) leaves the file out."""
        super().__init__(*args, **kwargs)
        if not attach:
            del self.fields["attachment"]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the request stopping?",
        choices=[(r.value, r.label) for r in StopReason],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the request is stopping"},
    )
    note = forms.CharField(
        label="Explain",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Explain why the request is stopping"},
    )

"""Catalogue search and 'we hold this' forms."""

from __future__ import annotations

from typing import Any

from django import forms

from lgrshare.catalogue.models import Access, GeographyLevel
from lgrshare.councils.models import Area
from lgrshare.standards.services import standard_list


def _standard_choices() -> list[tuple[str, str]]:

    return [(s.name, s.title) for s in standard_list()]


class SearchForm(forms.Form):
    # Every search filter is optional, so the labels don't say so.
    no_optional_marks = True

    q = forms.CharField(label="Search the catalogue", required=False, max_length=200)
    geography_level = forms.ChoiceField(
        label="Geography", required=False, choices=[("", "Any geography"), *GeographyLevel.choices]
    )
    access = forms.ChoiceField(
        label="Access", required=False, choices=[("", "Any access"), *Access.choices]
    )
    standard = forms.ChoiceField(label="Data standard", required=False)
    council = forms.ChoiceField(label="Published or held by", required=False)

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        councils = [(c.gss_code, c.official_name) for a in areas for c in a.councils()]
        self.fields["council"].choices = [("", "Any council"), *councils]  # type: ignore[attr-defined]
        self.fields["standard"].choices = [("", "Any standard"), *_standard_choices()]  # type: ignore[attr-defined]


class HeldForm(forms.Form):
    title = forms.CharField(
        label="What is the dataset called?",
        max_length=200,
        error_messages={"required": "Enter the name of the dataset"},
    )
    description = forms.CharField(
        label="Describe what it contains",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What each row is, what period it covers, how often it is updated",
        error_messages={"required": "Describe what the dataset contains"},
    )
    standard_name = forms.ChoiceField(label="Which data standard does it follow?", required=False)
    geography_level = forms.ChoiceField(
        label="Geography",
        choices=GeographyLevel.choices,
        error_messages={"required": "Choose the geography of the data"},
    )
    vintage = forms.CharField(label="Period or date of the data", max_length=60, required=False)
    contact = forms.CharField(
        label="Who should people contact about it?",
        max_length=200,
        help_text="A team mailbox is better than a person's address",
        error_messages={"required": "Enter a contact for the dataset"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard_name"].choices = [("", "No agreed standard"), *_standard_choices()]  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="File of published metrics",
        help_text="CSV, Excel or JSON with the columns metric_id, metric_title, area_code, "
        "period, value and unit: the long shape of LG Inform's data",
        error_messages={"required": "Choose a file to import"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Give the dataset a title"}
    )
    publisher = forms.CharField(
        label="Published by",
        max_length=200,
        help_text="For example LG Inform, or the ONS",
        error_messages={"required": "Say who published the figures"},
    )
    source = forms.CharField(label="Source", max_length=500, required=False)
    vintage = forms.CharField(label="Period or date of the figures", max_length=60, required=False)

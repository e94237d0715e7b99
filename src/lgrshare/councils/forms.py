"""Forms for people and areas."""

from __future__ import annotations

from typing import Any

from django import forms

from lgrshare.councils.models import Area, Contractor, Council, Role


class PersonAddForm(forms.Form):
    """An area administrator adds a person to one of the area's councils or contractors."""

    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name"}
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter their work email address",
            "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
        },
    )
    username = forms.RegexField(
        label="Username",
        regex=r"^[a-z0-9][a-z0-9.\-]{2,40}$",
        help_text="Lower case letters, numbers, full stops and hyphens, such as jo.smith",
        error_messages={
            "required": "Enter a username",
            "invalid": "Enter a username of lower case letters, numbers, full stops and hyphens",
        },
    )
    job_title = forms.CharField(label="Job title", max_length=120, required=False)
    organisation = forms.ChoiceField(
        label="Organisation",
        error_messages={"required": "Choose the council or contractor they work for"},
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one role"},
    )

    def __init__(self, *args: Any, area: Area, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        councils = [(f"council:{c.gss_code}", str(c)) for c in area.councils()]
        contractors = [
            (f"contractor:{c.pk}", f"{c.name} (contractor for {c.works_for.name})")
            for c in Contractor.objects.filter(works_for__in=area.councils()).select_related(
                "works_for"
            )
        ]
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ChoiceField)
        organisation.choices = [
            ("", "Choose an organisation"),
            *councils,
            *contractors,
        ]

    def chosen_organisation(self) -> tuple[Council | None, Contractor | None]:
        """Return ``(council, None)`` or ``(None, contractor)`` for the chosen organisation."""
        kind, _, key = self.cleaned_data["organisation"].partition(":")
        if kind == "council":
            return Council.objects.get(pk=key), None
        return None, Contractor.objects.get(pk=key)

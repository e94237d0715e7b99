"""The option form: a name, one proposed council a line, and what changed."""

from __future__ import annotations

from django import forms


class OptionForm(forms.Form):
    name = forms.CharField(
        label="Name of the option",
        max_length=120,
        error_messages={"required": "Enter a name for the option"},
    )
    councils = forms.CharField(
        label="Proposed councils",
        help_text="One council a line: its name, a colon, then its districts by name or code, "
        "separated by commas. Where a district is split, list its ward or LSOA codes instead. "
        "For example: East Surrey: Epsom and Ewell, Mole Valley, Reigate and Banstead",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=200_000,
        error_messages={"required": "Enter the proposed councils, one a line"},
    )
    note = forms.CharField(
        label="What this version changes",
        max_length=500,
        required=False,
    )

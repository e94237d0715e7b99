"""Forms for granting a role and adding a contractor organisation."""

from __future__ import annotations

from typing import Any

from django import forms


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(
        label="Role to grant",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the role to grant"},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = choices


class ContractorAddForm(forms.Form):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages={"required": "Enter the contractor's name"},
    )
    companies_house_number = forms.CharField(
        label="Companies House number",
        max_length=8,
        required=False,
        help_text="8 letters or digits, such as 01234567",
    )

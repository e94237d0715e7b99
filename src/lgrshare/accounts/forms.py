"""Sign-in and token forms with GOV.UK error messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import (
    AuthenticationForm,
)
from django.contrib.auth.forms import (
    PasswordChangeForm as DjangoPasswordChangeForm,
)


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password",
        "inactive": "This account has been switched off. Ask your area administrator.",
        "account-pending": "Your account is waiting for your council's administrator or data "
        "protection officer to confirm it. You can sign in once they have.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.fields["username"].widget.attrs["spellcheck"] = "false"

    def clean(self) -> dict[str, Any]:
        """Sign in; a person invited but not yet confirmed by their own council, who gives the
        right password, is told their account awaits confirmation rather than that the password
        is wrong (the right password shows it is them, so nothing leaks to anyone else)."""
        try:
            return super().clean()
        except forms.ValidationError as refused:
            if refused.code == "invalid_login" and self._awaiting_confirmation():
                raise forms.ValidationError(
                    self.error_messages["account-pending"], code="account-pending"
                ) from None
            raise

    def _awaiting_confirmation(self) -> bool:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return False
        found = get_user_model()._default_manager.filter(username=username).first()
        return (
            found is not None
            and not found.is_active
            and getattr(found, "confirmed_at", True) is None
            and found.check_password(password)
        )


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=80,
        help_text="What the token is for, such as 'nightly upload script'",
        error_messages={"required": "Enter a name for the token"},
    )
    days = forms.IntegerField(
        label="How many days should it last?",
        min_value=1,
        max_value=365,
        initial=90,
        required=False,
        # GOV.UK asks for numbers in a text box: a number box changes the value when scrolled
        # over and lets browsers refuse input in their own words.
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocomplete": "off",
                "class": "govuk-input--width-3",
            }
        ),
        help_text="From 1 to 365 days. It stops working then, or earlier if you revoke it or "
        "change your password.",
        error_messages={
            "invalid": "Enter the number of days as a whole number, like 90",
            "min_value": "A token must last at least 1 day",
            "max_value": "A token can last at most 365 days",
        },
    )


class PasswordChangeForm(DjangoPasswordChangeForm):
    error_messages = {
        **DjangoPasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not right: enter it again",
        "password_mismatch": "The two new passwords do not match",
    }

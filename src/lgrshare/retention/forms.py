"""Forms of retention: the attestation, an early deletion, the event data is kept until."""

from __future__ import annotations

from django import forms

from lgrshare.web.dates import GovukDateField

DECLARATION = (
    "I declare that, to the best of my knowledge, every copy of this data held by my council "
    "(downloads, exports and anything made from them) has been deleted securely, and that the "
    "statement above is true."
)


class AttestationForm(forms.Form):
    statement = forms.CharField(
        label="How and where were your council's copies deleted?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: the two downloaded files were deleted from the analysts' "
        "laptops and the team drive, and the recycle bins emptied",
        error_messages={"required": "Say how and where your council's copies were deleted"},
    )
    declaration = forms.BooleanField(
        label=DECLARATION,
        error_messages={"required": "Confirm the declaration to attest the deletion"},
    )


class EarlyDeletionForm(forms.Form):
    reason = forms.CharField(
        label="Why should this submission be deleted now?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the submission is to be deleted"},
    )


class RetentionEventForm(forms.Form):
    occurred_on = GovukDateField(label="When did the event happen?")

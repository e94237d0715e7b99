"""The filter of an area's audit trail: by person, target (type and id) and event."""

from __future__ import annotations

from django import forms

from lgrshare.domain.audit import EVENT_NAMES, RETIRED_EVENT_NAMES

# The kinds of thing the trail records events about, for people.
TARGET_TYPES = (
    ("agreement", "Agreement"),
    ("request", "Data request"),
    ("submission", "Submission"),
    ("dataset", "Dataset"),
    ("contractor", "Contractor"),
    ("area", "Area"),
    ("person", "Person"),
    ("blob", "Stored file"),
    ("audit-trail", "Audit trail"),
)


def _events() -> list[tuple[str, str]]:
    current = [(c, label) for c, label in EVENT_NAMES.items() if c not in RETIRED_EVENT_NAMES]
    earlier = [
        (c, f"{label} (earlier records: {c})")
        for c, label in EVENT_NAMES.items()
        if c in RETIRED_EVENT_NAMES
    ]
    return [("", "Any event"), *current, *earlier]


class TrailFilterForm(forms.Form):
    """Every field is optional: an empty one does not narrow the trail."""

    no_optional_marks = True

    person = forms.CharField(
        label="Person",
        help_text="Their username, as the trail shows it",
        required=False,
        max_length=200,
    )
    target_type = forms.ChoiceField(
        label="Type of target",
        required=False,
        choices=[("", "Any type"), *TARGET_TYPES],
    )
    target_id = forms.CharField(
        label="Target reference",
        help_text="For example DSA-00002, REQ-00001 or a submission number",
        required=False,
        max_length=200,
    )
    event = forms.ChoiceField(label="Event", required=False, choices=_events)

"""The agreement form: parties, purposes, data, legal basis, access, security, retention."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from lgrshare.agreements.flows import check_flows, default_flows
from lgrshare.agreements.models import Classification, PersonalData
from lgrshare.councils.models import Area, Contractor, User
from lgrshare.domain.agreement_terms import TermsInvalid
from lgrshare.domain.contractors import article_28_obligations
from lgrshare.domain.screening import conditions, lawful_bases
from lgrshare.standards.services import (
    area_standard_list,
    area_standard_versions,
    standard_get,
    standard_list,
)
from lgrshare.web.dates import GovukDateField

READER_ROLES = [
    ("analyst", "Analysts"),
    ("data-lead", "Data leads"),
    ("programme-lead", "Programme leads"),
    ("ig-officer", "Information governance officers"),
]


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _standards(area: Area) -> list[tuple[str, str]]:
    """The built-in standards, then the area's own (their current version's title)."""
    own = [(v.name, f"{v.title} ({area.name}'s own standard)") for v in area_standard_list(area)]
    return [("", "None"), *[(s.name, s.title) for s in standard_list()], *own]


def _versions(area: Area) -> list[tuple[str, str]]:
    """Each version of each standard as ``name@version``: built-ins at the version the code
    ships, the area's own at every version saved, newest first."""
    builtin = [
        (f"{s.name}@{s.version}", f"{s.title}, version {s.version}") for s in standard_list()
    ]
    own = [
        (
            f"{v.name}@{v.version}",
            f"{v.title}, version {v.version} ({v.get_state_display().lower()})",
        )
        for current in area_standard_list(area)
        for v in area_standard_versions(current.name)
    ]
    return builtin + own


class AgreementForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Give the agreement a title"}
    )
    parties = forms.MultipleChoiceField(
        label="Parties",
        widget=forms.CheckboxSelectMultiple,
        help_text="Every council that provides or receives the data",
        error_messages={"required": "Choose the councils that are party to the agreement"},
    )
    providers = forms.MultipleChoiceField(
        label="Which parties provide the data?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the councils that provide the data"},
    )
    recipients = forms.MultipleChoiceField(
        label="Which parties receive the data?",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Each providing council's data goes only to these parties, with the fields "
        "named below; a council always sees its own. Leave empty for every party that does "
        "not provide data.",
    )
    purposes = forms.CharField(
        label="Purposes",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The question the data answers and what it may be used for: nothing else",
        error_messages={"required": "State the purposes"},
    )
    standard = forms.ChoiceField(label="Data standard", required=False)
    standard_version = forms.ChoiceField(
        label="Version of the standard",
        required=False,
        help_text="The agreement uses this version, as it is now, even after the standard "
        "changes. Leave it for the version in use now.",
    )
    standard_fields = forms.CharField(
        label="Fields of the standard",
        required=False,
        help_text="Field names separated by commas; leave empty for every field",
    )
    other_standards = forms.MultipleChoiceField(
        label="Other standards the agreement shares",
        help_text="Every field of each, at the version ticked",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    items = forms.CharField(
        label="Data items with no standard yet, one per line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Each is saved as a draft standard of the area, with the agreement, filled in "
        "from what you write: the data team confirms its fields before the agreement is signed.",
    )
    second_person_acceptance = forms.BooleanField(
        label="A second person accepts each file: nobody accepts a file they submitted",
        required=False,
    )
    disclosure_threshold = forms.IntegerField(
        label="Smallest count shown in outputs derived from personal data",
        help_text="Counts below it are withheld, with any count that would give one back; "
        "other counts are rounded to the nearest 5. Left blank: 10.",
        min_value=2,
        max_value=100,
        initial=10,
        required=False,
        error_messages={
            "min_value": "The smallest count shown must be 2 or more",
            "max_value": "The smallest count shown must be 100 or less",
            "invalid": "Enter the smallest count shown as a whole number, like 10",
        },
    )
    legal_power = forms.CharField(
        label="Legal power or duty relied on",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "State the legal power or duty"},
    )
    personal_data = forms.ChoiceField(
        label="Personal data",
        choices=PersonalData.choices,
        widget=forms.RadioSelect,
        initial="none",
    )
    lawful_basis = forms.ChoiceField(label="UK GDPR Article 6 lawful basis", required=False)
    article_9_condition = forms.ChoiceField(label="Article 9 condition", required=False)
    schedule_1_conditions = forms.MultipleChoiceField(
        label="DPA 2018 Schedule 1 conditions",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    criminal_offence_data = forms.BooleanField(
        label="Includes criminal offence data", required=False
    )
    children_or_vulnerable = forms.BooleanField(
        label="About children or vulnerable people", required=False
    )
    data_matching = forms.BooleanField(label="Data will be matched or combined", required=False)
    large_scale = forms.BooleanField(label="Large scale (many thousands of people)", required=False)
    reader_roles = forms.MultipleChoiceField(
        label="Roles that may see and download the data",
        choices=READER_ROLES,
        widget=forms.CheckboxSelectMultiple,
        initial=["analyst", "data-lead"],
        error_messages={"required": "Choose at least one role"},
    )
    named_people = forms.MultipleChoiceField(
        label="Only these people", required=False, widget=forms.CheckboxSelectMultiple
    )
    contractors = forms.MultipleChoiceField(
        label="Contractors who may see the data",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only a contractor whose contractor agreement its council's DPO has signed "
        "off can be named",
    )
    classification = forms.ChoiceField(
        label="Security classification",
        choices=Classification.choices,
        widget=forms.RadioSelect,
        initial="OFFICIAL",
    )
    onward_sharing = forms.CharField(
        label="Onward sharing", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    starts_on = GovukDateField(label="Access starts on", required=False)
    delete_by = GovukDateField(label="Delete by", required=False)
    retention_event = forms.CharField(
        label="Or keep until this event",
        required=False,
        max_length=200,
        help_text="For example: the Secretary of State's decision on the proposals",
    )
    retention_months_after_event = forms.IntegerField(
        label="Months after that event", required=False, min_value=0, max_value=120
    )
    termination_grace_days = forms.IntegerField(
        label="Days after a termination before the data is deleted",
        required=False,
        min_value=0,
        max_value=365,
        initial=30,
        help_text="Left empty: 30 days",
    )
    superseded_keep_days = forms.IntegerField(
        label="Days to keep a version once a later one is accepted",
        required=False,
        min_value=0,
        max_value=3650,
        help_text="Left empty: earlier versions are kept until the data is deleted",
    )
    deletion_method = forms.CharField(
        label="Deletion method", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rights_and_breaches = forms.CharField(
        label="Individuals' rights and breaches",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    review_date = GovukDateField(label="Review by", required=False)
    other_legal_requirements = forms.CharField(
        label="Other legal requirements", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, area: Area, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        councils = [(c.gss_code, c.official_name) for c in area.councils()]
        _choices(self, "parties", councils)
        _choices(self, "providers", councils)
        _choices(self, "recipients", councils)
        _choices(self, "standard", _standards(area))
        versions = _versions(area)
        _choices(self, "standard_version", [("", "The version in use now"), *versions])
        _choices(self, "other_standards", versions)
        _choices(
            self,
            "lawful_basis",
            [("", "None: no personal data")]
            + [(b.code, f"({b.code}) {b.title}") for b in lawful_bases() if b.code != "f"],
        )
        rules = conditions()
        _choices(
            self,
            "article_9_condition",
            [("", "None")] + [(c.code, f"({c.code}) {c.title}") for c in rules.article_9],
        )
        _choices(
            self,
            "schedule_1_conditions",
            [(c.code, f"{c.part}: {c.title}") for c in rules.schedule_1],
        )
        people = User.objects.filter(area_memberships__area=area, is_active=True).order_by(
            "last_name"
        )
        _choices(
            self,
            "named_people",
            [
                (str(p.pk), f"{p.get_full_name() or p.username}, {p.organisation_name}")
                for p in people
            ],
        )
        _choices(
            self,
            "contractors",
            [
                (str(c.pk), f"{c.name} (for {c.works_for.name})")
                for c in Contractor.objects.filter(works_for__in=area.councils()).select_related(
                    "works_for"
                )
            ],
        )

        self._add_recipient_fields(councils)

    def _add_recipient_fields(self, councils: list[tuple[str, str]]) -> None:
        """A field list for each council that may receive the data, placed after the agreed
        fields: the drafter gives one recipient fewer fields than another."""
        recipient_fields = {
            recipient_field(code): forms.CharField(
                label=f"Fields {name} receives",
                required=False,
                help_text="Field names separated by commas, from those above; leave empty for "
                "all of them. Ignored for a council that does not receive the data.",
            )
            for code, name in councils
        }
        ordered: dict[str, forms.Field] = {}
        for name, field in self.fields.items():
            ordered[name] = field
            if name == "standard_fields":
                ordered |= recipient_fields
        self.fields = ordered

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parties = set(data.get("parties") or [])
        if set(data.get("providers") or []) - parties:
            self.add_error("providers", "A council that provides data must be a party")
        if set(data.get("recipients") or []) - parties:
            self.add_error("recipients", "A council that receives data must be a party")
        delete_by = data.get("delete_by")
        if delete_by is not None and delete_by <= timezone.localdate():
            # The policy refuses access from the delete-by date on: such a version could
            # never be used, only stuck in review (readiness rule delete-by-date-passed).
            self.add_error(
                "delete_by",
                forms.ValidationError(
                    "The delete-by date must be in the future", code="delete-by-in-past"
                ),
            )
        chosen = data.get("standard_version") or ""
        if chosen and chosen.partition("@")[0] != data.get("standard"):
            self.add_error(
                "standard_version", "Choose a version of the standard chosen above, or leave it"
            )
        if not self.errors and data.get("standard"):
            self._check_recipient_fields(data)
        return data

    def _check_recipient_fields(self, data: dict[str, Any]) -> None:
        """Each recipient's fields are checked as flows are (``flows.check_flows``), and a
        problem is shown next to that recipient's field list."""
        items = self._items(data)
        agreed = {
            item["standard"]: set(item["fields"] or _all_fields(item["standard"], item["version"]))
            for item in items
            if "standard" in item
        }
        parties = self.parties_map()
        for flow in self._flows(data, items):
            try:
                check_flows(parties, agreed, [flow])
            except TermsInvalid as refused:
                for problem in refused.problems:
                    self.add_error(recipient_field(flow["recipient"]), problem.message)

    def _items(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        if data["standard"]:
            version = (data.get("standard_version") or "").partition("@")[2]
            fields = _names(data["standard_fields"])
            items.append({"standard": data["standard"], "version": version, "fields": fields})
        for choice in data.get("other_standards") or []:
            name, _, version = choice.partition("@")
            if name != data["standard"]:
                items.append({"standard": name, "version": version, "fields": []})
        items += [{"item": line.strip()} for line in data["items"].splitlines() if line.strip()]
        return items

    def _flows(self, data: dict[str, Any], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The default flows (each provider to each recipient, the agreed fields), with each
        recipient's own field list where the drafter gave one."""
        flows = default_flows(self.parties_map(), items, list(data["recipients"]) or None)
        for flow in flows:
            own = _names(data.get(recipient_field(flow["recipient"])) or "")
            if own:
                flow["fields"] = own
        return flows

    def parties_map(self) -> dict[str, bool]:
        providers = set(self.cleaned_data["providers"])
        return {code: code in providers for code in self.cleaned_data["parties"]}

    def terms(self) -> dict[str, Any]:
        data = self.cleaned_data
        items = self._items(data)
        readers = list(data["reader_roles"])
        return {
            "purposes": data["purposes"],
            "data_items": items,
            "flows": self._flows(data, items),
            "second_person_acceptance": data["second_person_acceptance"],
            "disclosure_threshold": data["disclosure_threshold"] or 10,
            "legal_power": data["legal_power"],
            "personal_data": data["personal_data"],
            "criminal_offence_data": data["criminal_offence_data"],
            "children_or_vulnerable": data["children_or_vulnerable"],
            "data_matching": data["data_matching"],
            "large_scale": data["large_scale"],
            "lawful_basis": data["lawful_basis"],
            "article_9_condition": data["article_9_condition"],
            "schedule_1_conditions": list(data["schedule_1_conditions"]),
            "permitted_roles": {a: readers for a in ("view-data", "download", "export", "compile")},
            "classification": data["classification"],
            "onward_sharing": data["onward_sharing"],
            "starts_on": data["starts_on"],
            "delete_by": data["delete_by"],
            "retention_event": data["retention_event"],
            "retention_months_after_event": data["retention_months_after_event"],
            "termination_grace_days": 30
            if data["termination_grace_days"] is None
            else data["termination_grace_days"],
            "superseded_keep_days": data["superseded_keep_days"],
            "deletion_method": data["deletion_method"],
            "rights_and_breaches": data["rights_and_breaches"],
            "review_date": data["review_date"],
            "other_legal_requirements": data["other_legal_requirements"],
        }


def initial_from(title: str, parties: dict[str, bool], terms: dict[str, Any]) -> dict[str, Any]:
    """Initial form values from a title, parties and terms (a request's, or a version's)."""
    standard_items = [i for i in terms.get("data_items", []) if "standard" in i]
    readers = (terms.get("permitted_roles") or {}).get("view-data") or ["analyst", "data-lead"]
    return {
        **{k: v for k, v in terms.items() if k not in {"data_items", "flows", "permitted_roles"}},
        "title": title,
        "parties": list(parties),
        "providers": [code for code, provides in parties.items() if provides],
        "recipients": sorted({f["recipient"] for f in terms.get("flows") or []}),
        "standard": standard_items[0]["standard"] if standard_items else "",
        "standard_fields": ", ".join(standard_items[0].get("fields", [])) if standard_items else "",
        "standard_version": _version_choice(standard_items[0]) if standard_items else "",
        "other_standards": [_version_choice(item) for item in standard_items[1:]],
        "items": "\n".join(i["item"] for i in terms.get("data_items", []) if "item" in i),
        "reader_roles": readers,
        **_recipient_initial(terms, standard_items),
    }


def _recipient_initial(
    terms: dict[str, Any], standard_items: list[dict[str, Any]]
) -> dict[str, str]:
    """Each recipient's own field list, where its flows carry fewer fields than agreed."""
    if not standard_items:
        return {}
    first = standard_items[0]
    agreed = list(first.get("fields") or _all_fields(first["standard"], first.get("version") or ""))
    initial: dict[str, str] = {}
    for flow in terms.get("flows") or []:
        if flow["standard"] == standard_items[0]["standard"] and list(flow["fields"]) != agreed:
            initial[recipient_field(flow["recipient"])] = ", ".join(flow["fields"])
    return initial


def recipient_field(code: str) -> str:
    """The form field holding the fields council ``code`` receives."""
    return f"fields_for_{code}"


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _all_fields(standard: str, version: str = "") -> list[str]:
    return [f.name for f in standard_get(name=standard, version=version).fields]


def _version_choice(item: dict[str, Any]) -> str:
    return f"{item['standard']}@{item['version']}" if item.get("version") else ""


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason"},
    )


class AcceptTermsForm(forms.Form):
    declaration = forms.BooleanField(
        label="I have read the terms of this version and will use the data only as they allow",
        error_messages={"required": "Confirm you have read the terms and will keep to them"},
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[("approve", "Approve this version"), ("return", "Return it with comments")],
        error_messages={"required": "Choose approve or return"},
    )
    comments = forms.CharField(
        label="Comments", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExpertReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Your review",
        widget=forms.RadioSelect,
        choices=[
            ("reviewed", "I have reviewed it: it can be signed as far as I am concerned"),
            ("changes-needed", "Changes are needed before it is signed"),
        ],
        error_messages={"required": "Choose whether you reviewed it or it needs changes"},
    )
    comments = forms.CharField(
        label="Comments",
        required=False,
        help_text="Say what needs to change (needed when you ask for changes), or anything the "
        "signatory should know",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DpiaForm(forms.Form):
    status = forms.ChoiceField(
        label="DPIA status",
        widget=forms.RadioSelect,
        choices=[
            ("not-started", "Not started"),
            ("in-progress", "In progress"),
            ("complete", "Complete"),
            ("not-needed", "Not needed"),
        ],
    )
    outcome = forms.CharField(
        label="Outcome and reasons", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    residual_risk = forms.ChoiceField(
        label="Residual risk after the measures in the DPIA",
        widget=forms.RadioSelect,
        required=False,
        choices=[
            ("low", "Low"),
            ("medium", "Medium"),
            ("high", "High: the ICO must be consulted before sharing starts"),
        ],
    )
    ico_consultation = forms.CharField(
        label="Prior consultation with the ICO",
        help_text="When the residual risk is high (UK GDPR Article 36): when the ICO was "
        "consulted and what it advised",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    appropriate_policy_document = forms.CharField(
        label="Appropriate policy documents",
        help_text="Where the condition relied on needs one (DPA 2018 Schedule 1 Part 4): where "
        "each party's appropriate policy document is held",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    document = forms.FileField(
        label="The DPIA document", required=False, help_text="PDF or Word, up to 5 MB"
    )


class ContractorAgreementForm(forms.Form):
    """A contractor agreement's Article 28(3) particulars and the signed contract."""

    contractor = forms.ChoiceField(
        label="Contractor", error_messages={"required": "Choose the contractor"}
    )
    scope = forms.CharField(
        label="Subject matter: what the contractor does for the council",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the contractor does"},
    )
    nature_and_purpose = forms.CharField(
        label="Nature and purpose of the processing",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say the nature and purpose"},
    )
    personal_data_types = forms.CharField(
        label="Types of personal data",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Write 'none' if it sees only aggregate figures",
        error_messages={"required": "Say which types of personal data"},
    )
    data_subject_categories = forms.CharField(
        label="Categories of data subjects",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Whose data it is, such as council tax payers; or 'none'",
        error_messages={"required": "Say whose data it is"},
    )
    obligations = forms.MultipleChoiceField(
        label="The contract binds the contractor to",
        widget=forms.CheckboxSelectMultiple,
        help_text="UK GDPR Article 28(3): a contract must include every one",
        error_messages={"required": "Confirm the contract includes every Article 28(3) obligation"},
    )
    starts_on = forms.DateField(
        label="Starts on",
        help_text="For example 2026-04-01",
        error_messages={"required": "Give the start date", "invalid": "Enter a real date"},
    )
    ends_on = forms.DateField(
        label="Ends on",
        help_text="For example 2027-03-31: the contractor's access ends that day",
        error_messages={"required": "Give the end date", "invalid": "Enter a real date"},
    )
    document = forms.FileField(
        label="The signed contract",
        help_text="PDF or Word, up to 5 MB. It is stored encrypted.",
        error_messages={"required": "Attach the signed contract"},
    )

    def __init__(self, *args: Any, contractors: list[Contractor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "contractor", [(str(c.pk), c.name) for c in contractors])
        _choices(
            self,
            "obligations",
            [(o.code, f"{o.title} ({o.reference})") for o in article_28_obligations()],
        )

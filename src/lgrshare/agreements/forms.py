"""The agreement form: parties, purposes, data, legal basis, access, security, retention.

The form reads into the typed ``Terms`` (``AgreementForm.terms``), and the whole draft is
checked at once (``agreements.services.draft_problems``): one error summary lists every problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import QueryDict

from lgrshare.agreements.models import Classification, PersonalData
from lgrshare.councils.models import Area, Contractor, User
from lgrshare.domain.agreement_terms import (
    RECIPIENT_FIELDS,
    AccessTerms,
    DataItem,
    LawfulBasis,
    LegalRequirements,
    Retention,
    RiskFlags,
    Security,
    Terms,
    TermsProblem,
    plan_flows,
    recipient_field,
    recipient_problems,
)
from lgrshare.domain.contractors import article_28_obligations
from lgrshare.domain.screening import conditions, lawful_bases
from lgrshare.domain.standards.model import FieldSpec, StandardNotFound
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


def _version_choice(item: DataItem) -> str:
    return f"{item.standard}@{item.version}" if item.version else ""


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
    standard = forms.ChoiceField(
        label="Data standard",
        required=False,
        help_text="After choosing the standard or changing the councils, select 'Show the fields' "
        "to choose which fields are shared and which each council receives",
    )
    standard_version = forms.ChoiceField(
        label="Version of the standard",
        required=False,
        help_text="The agreement uses this version, as it is now, even after the standard "
        "changes. Leave it for the version in use now.",
    )
    standard_fields = forms.MultipleChoiceField(
        label="Fields the agreement shares",
        widget=forms.CheckboxSelectMultiple,
        help_text="Share only the fields the purposes need: untick the rest. An agreement "
        "drafted from a request starts with the fields it asked for.",
        error_messages={
            "invalid_choice": "%(value)s is not a field of this standard",
            "required": "Choose at least one field the agreement shares",
        },
    )
    # What the last page showed: "standard|recipient,recipient". A field list shown for the
    # first time starts with its defaults; one shown before keeps what the drafter ticked.
    shown = forms.CharField(required=False, widget=forms.HiddenInput)
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
        self._field_lists(dict(councils))

    # -- the field lists: the standard's fields, and those each recipient in a flow gets -----

    def _chosen(self, name: str) -> list[str]:
        """What the drafter chose for ``name``: posted (a bound form) or the initial value."""
        if self.is_bound:
            getlist = getattr(self.data, "getlist", None)
            raw = getlist(name) if getlist else self.data.get(name)
        else:
            raw = self.initial.get(name)
        if raw is None:
            return []
        return [str(v) for v in ([raw] if isinstance(raw, str) else raw) if str(v)]

    def recipients_in_flows(self) -> list[str]:
        """The parties that would receive the data, as chosen so far: the chosen recipients
        (by default the parties that do not provide, or all where every party provides), each
        only where another party provides to it."""
        parties = self._chosen("parties")
        providers = [code for code in self._chosen("providers") if code in parties]
        recipients = self._chosen("recipients") or (
            [code for code in parties if code not in providers] or parties
        )
        return [code for code in recipients if any(p != code for p in providers)]

    def _field_lists(self, names: dict[str, str]) -> None:
        """Give the standard's fields as checkboxes, then a list for each recipient in a flow,
        placed after the agreed fields; a list shown for the first time starts ticked with the
        agreed fields (those the request asked for)."""
        standard = (self._chosen("standard") or [""])[0]
        version = (self._chosen("standard_version") or [""])[0].partition("@")[2]
        fields = _fields_of(standard, version)
        self.recipient_names: dict[str, str] = {}
        if not fields:
            del self.fields["standard_fields"]
            self.standard_title = ""
            return
        self.standard_title = standard_get(name=standard).title
        labelled = [(f.name, f.title or f.name) for f in fields]
        _choices(self, "standard_fields", labelled)
        recipients = self.recipients_in_flows()
        self.recipient_names = {code: names.get(code, code) for code in recipients}
        lists = {
            recipient_field(code): forms.MultipleChoiceField(
                label=f"Fields {names.get(code, code)} receives",
                widget=forms.CheckboxSelectMultiple,
                choices=labelled,
                help_text=f"{names.get(code, code)} sees only these fields of "
                f"'{self.standard_title}' from the other councils.",
                error_messages={
                    "invalid_choice": "%(value)s is not a field of this standard",
                    "required": f"Choose at least one field for {names.get(code, code)}, or "
                    "do not make it a recipient",
                },
            )
            for code in recipients
        }
        ordered: dict[str, forms.Field] = {}
        for name, field in self.fields.items():
            ordered[name] = field
            if name == "standard_fields":
                ordered |= lists
        self.fields = ordered
        shown = f"{standard}|{','.join(recipients)}"
        if self.is_bound:
            self.data = self._with_defaults(standard, recipients, [f.name for f in fields])
            self.data["shown"] = shown
        else:
            self.initial["shown"] = shown
            agreed = self.initial.get("standard_fields") or [f.name for f in fields]
            self.initial["standard_fields"] = list(agreed)
            for code in recipients:
                self.initial.setdefault(recipient_field(code), list(agreed))

    def _with_defaults(self, standard: str, recipients: list[str], every: list[str]) -> QueryDict:
        """The posted data, with a field list shown for the first time (or for another
        standard) ticked with its defaults."""
        before = str(self.data.get("shown") or "")
        shown_standard, _, shown_recipients = before.partition("|")
        changed = bool(before) and shown_standard != standard
        data = QueryDict(mutable=True)
        for key in self.data:
            getlist = getattr(self.data, "getlist", None)
            value = getlist(key) if getlist else self.data[key]
            data.setlist(key, list(value) if isinstance(value, list | tuple) else [value])
        for name in ["standard_fields", *map(recipient_field, recipients)]:
            data.setlist(name, [v for v in data.getlist(name) if v])
        if changed or not data.getlist("standard_fields"):
            data.setlist("standard_fields", every)
        agreed = data.getlist("standard_fields")
        for code in recipients:
            name = recipient_field(code)
            if changed or (code not in shown_recipients.split(",") and not data.getlist(name)):
                data.setlist(name, agreed)
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parties = set(data.get("parties") or [])
        if set(data.get("providers") or []) - parties:
            self.add_error("providers", "A council that provides data must be a party")
        if set(data.get("recipients") or []) - parties:
            self.add_error("recipients", "A council that receives data must be a party")
        chosen = data.get("standard_version") or ""
        if chosen and chosen.partition("@")[0] != data.get("standard"):
            self.add_error(
                "standard_version", "Choose a version of the standard chosen above, or leave it"
            )
        return data

    def _items(self, data: dict[str, Any]) -> tuple[DataItem, ...]:
        items: list[DataItem] = []
        if data.get("standard"):
            version = (data.get("standard_version") or "").partition("@")[2]
            fields = tuple(data.get("standard_fields") or ())
            items.append(DataItem(standard=data["standard"], fields=fields, version=version))
        for choice in data.get("other_standards") or []:
            name, _, version = choice.partition("@")
            if name != data.get("standard"):
                items.append(DataItem(standard=name, version=version))
        items += [
            DataItem(text=line.strip())
            for line in (data.get("items") or "").splitlines()
            if line.strip()
        ]
        return tuple(items)

    def parties_map(self) -> dict[str, bool]:
        data = getattr(self, "cleaned_data", {})
        providers = set(data.get("providers") or [])
        return {code: code in providers for code in data.get("parties") or []}

    def terms(self) -> Terms:
        """The terms as far as the form could read them: every value that did not clean takes
        its default, so the whole draft can be checked at once (``draft_problems``)."""
        data = getattr(self, "cleaned_data", {})
        items = self._items(data)
        known = {
            item.standard: [f.name for f in _fields_of(item.standard, item.version)]
            for item in items
            if item.standard
        }
        fields_for = {
            name.removeprefix(RECIPIENT_FIELDS): list(data[name])
            for name in self.fields
            if name.startswith(RECIPIENT_FIELDS) and data.get(name)
        }
        recipients = list(data.get("recipients") or []) or None
        readers = tuple(sorted(data.get("reader_roles") or ()))
        grace = data.get("termination_grace_days")
        return Terms(
            purposes=data.get("purposes") or "",
            data_items=items,
            flows=plan_flows(self.parties_map(), items, known, recipients, fields_for),
            lawful=LawfulBasis(
                legal_power=data.get("legal_power") or "",
                personal_data=data.get("personal_data") or "none",
                lawful_basis=data.get("lawful_basis") or "",
                article_9_condition=data.get("article_9_condition") or "",
                schedule_1_conditions=tuple(sorted(set(data.get("schedule_1_conditions") or ()))),
                criminal_offence_data=bool(data.get("criminal_offence_data")),
            ),
            risks=RiskFlags(
                children_or_vulnerable=bool(data.get("children_or_vulnerable")),
                data_matching=bool(data.get("data_matching")),
                large_scale=bool(data.get("large_scale")),
            ),
            access=AccessTerms(
                permitted_roles=tuple((action, readers) for action in sorted(READER_ACTIONS)),
                second_person_acceptance=bool(data.get("second_person_acceptance")),
            ),
            security=Security(
                classification=data.get("classification") or "OFFICIAL",
                onward_sharing=data.get("onward_sharing") or "",
            ),
            retention=Retention(
                starts_on=data.get("starts_on"),
                delete_by=data.get("delete_by"),
                retention_event=data.get("retention_event") or "",
                retention_months_after_event=data.get("retention_months_after_event"),
                deletion_method=data.get("deletion_method") or "",
                termination_grace_days=30 if grace is None else grace,
                superseded_keep_days=data.get("superseded_keep_days"),
            ),
            legal=LegalRequirements(
                rights_and_breaches=data.get("rights_and_breaches") or "",
                other_legal_requirements=data.get("other_legal_requirements") or "",
            ),
            review_date=data.get("review_date"),
            disclosure_threshold=data.get("disclosure_threshold") or 10,
        )

    def recipient_problems(self) -> list[TermsProblem]:
        """The problems of the recipients chosen that no flow would show: without a standard
        the choice is refused, never silently dropped (``recipient_problems``)."""
        data = getattr(self, "cleaned_data", {})
        return recipient_problems(
            self.parties_map(),
            data.get("recipients") or [],
            standard_shared=bool(data.get("standard")),
        )

    def show_problems(self, problems: Iterable[TermsProblem]) -> None:
        """Put each problem with the draft next to its field, unless the field already has one
        (the error summary lists them in the form's order; one the form has no field for goes
        first, as the form's own)."""
        for problem in problems:
            where = problem.field if problem.field in self.fields else None
            if where is not None and (where in self.errors or _COVERED.get(where) in self.errors):
                continue
            self.add_error(where, self._in_words(problem))

    def _in_words(self, problem: TermsProblem) -> str:
        """The problem's message for the page: a recipient's field list naming fields the
        agreement does not share (``flow-fields-invalid``) is said with the council's name
        and the fields' titles (the API keeps the code and its message)."""
        if problem.code != "flow-fields-invalid" or not problem.field.startswith(RECIPIENT_FIELDS):
            return problem.message
        data = getattr(self, "cleaned_data", {})
        titles = {f.name: f.title or f.name for f in _fields_of(data.get("standard") or "")}
        agreed = set(data.get("standard_fields") or ())
        beyond = [titles.get(n, n) for n in data.get(problem.field) or () if n not in agreed]
        code = problem.field.removeprefix(RECIPIENT_FIELDS)
        council = getattr(self, "recipient_names", {}).get(code, code)
        if not beyond:
            return f"Choose the fields {council} receives from those the agreement shares."
        named = " and ".join(f"'{title}'" for title in beyond)
        it = "them" if len(beyond) > 1 else "it"
        return (
            f"{council} cannot receive {named}: the agreement does not share {it}. Tick "
            f"{it} under 'Fields the agreement shares' or untick {it} for {council}."
        )


# A problem of the key's field that an error of the value's field already explains (a delete-by
# date that is not a real date is not also "missing"; providers need the parties first).
_COVERED = {"retention_event": "delete_by", "providers": "parties", "recipients": "parties"}


# The actions the form's reader roles apply to (the rest take the policy's default).
READER_ACTIONS = ("view-data", "download", "export", "compile")


def initial_from(title: str, parties: dict[str, bool], terms: Terms) -> dict[str, Any]:
    """Initial form values from a title, parties and terms (a request's, or a version's)."""
    standard_items = [i for i in terms.data_items if i.standard]
    readers = terms.access.roles().get("view-data") or ["analyst", "data-lead"]
    lawful, retention = terms.lawful, terms.retention
    initial: dict[str, Any] = {
        "title": title,
        "parties": list(parties),
        "providers": [code for code, provides in parties.items() if provides],
        "recipients": sorted({f.recipient for f in terms.flows}),
        "purposes": terms.purposes,
        "items": "\n".join(i.text for i in terms.data_items if not i.standard),
        "second_person_acceptance": terms.access.second_person_acceptance,
        "disclosure_threshold": terms.disclosure_threshold,
        "legal_power": lawful.legal_power,
        "personal_data": lawful.personal_data,
        "lawful_basis": lawful.lawful_basis,
        "article_9_condition": lawful.article_9_condition,
        "schedule_1_conditions": list(lawful.schedule_1_conditions),
        "criminal_offence_data": lawful.criminal_offence_data,
        "children_or_vulnerable": terms.risks.children_or_vulnerable,
        "data_matching": terms.risks.data_matching,
        "large_scale": terms.risks.large_scale,
        "reader_roles": readers,
        "classification": terms.security.classification,
        "onward_sharing": terms.security.onward_sharing,
        "starts_on": retention.starts_on,
        "delete_by": retention.delete_by,
        "retention_event": retention.retention_event,
        "retention_months_after_event": retention.retention_months_after_event,
        "termination_grace_days": retention.termination_grace_days,
        "superseded_keep_days": retention.superseded_keep_days,
        "deletion_method": retention.deletion_method,
        "rights_and_breaches": terms.legal.rights_and_breaches,
        "review_date": terms.review_date,
        "other_legal_requirements": terms.legal.other_legal_requirements,
    }
    if standard_items:
        first = standard_items[0]
        agreed = list(first.fields) or [f.name for f in _fields_of(first.standard, first.version)]
        initial["standard"] = first.standard
        initial["standard_version"] = _version_choice(first)
        initial["other_standards"] = [_version_choice(item) for item in standard_items[1:]]
        initial["standard_fields"] = agreed
        for flow in terms.flows:
            if flow.standard == first.standard:
                initial[recipient_field(flow.recipient)] = list(flow.fields)
    return initial


def _fields_of(standard: str, version: str = "") -> tuple[FieldSpec, ...]:
    """The fields of ``standard`` (at ``version``), or none for a name that is not a standard."""
    if not standard:
        return ()
    try:
        return tuple(standard_get(name=standard, version=version).fields)
    except StandardNotFound:
        return ()


def _standards_of(items: Iterable[DataItem]) -> list[str]:
    return [item.standard for item in items if item.standard]


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
    starts_on = GovukDateField(label="Starts on", help_text="For example, 1 4 2026")
    ends_on = GovukDateField(
        label="Ends on",
        help_text="For example, 31 3 2027. The contractor's access ends that day.",
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

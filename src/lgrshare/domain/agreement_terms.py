"""An agreement's terms as one frozen, typed value, and their checks, all at once.

``Terms`` holds what a version of a data sharing agreement says: purposes, data items and flows,
the legal basis, who may access the data, security, retention and deletion, other legal
requirements and the review date. The parties (with who provides) and the named people and
contractors are records of their own and are not part of it.

``Terms.from_dict`` reads the flat mapping the version's columns, forms, the API and the demo
use; ``Terms.to_dict`` writes it back in one stable order (lists that are sets are sorted, flows
in (standard, provider, recipient) order), so a version's text does not depend on the order
someone ticked boxes in, and a signed version reads the same byte for byte.

``terms_problems`` checks terms against the parties and the standards' fields and returns every
problem, each with a stable code, the form field it belongs to and a sentence, in the order the
fields appear on the form. ``TermsInvalid`` carries them all.

Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lgrshare.domain.errors import InvalidInput

PERSONAL_DATA = ("none", "aggregate", "personal", "special-category")
CLASSIFICATIONS = ("OFFICIAL", "OFFICIAL-SENSITIVE")
PUBLIC_TASK_BASES = frozenset({"a", "b", "c", "d", "e"})  # (f) is not for public tasks


@dataclass(frozen=True, slots=True)
class DataItem:
    """One item of data shared: fields of a standard (``standard`` set; no fields: every field)
    at the ``version`` the agreement names, or, in a version written before every item named a
    standard, an item described in words (``text``; the services now draft a standard for it)."""

    standard: str = ""
    fields: tuple[str, ...] = ()
    text: str = ""
    version: str = ""

    def to_dict(self) -> dict[str, Any]:
        if self.standard:
            named: dict[str, Any] = {"standard": self.standard}
            if self.version:
                named["version"] = self.version
            return {**named, "fields": list(self.fields)}
        return {"item": self.text}


@dataclass(frozen=True, slots=True)
class FlowTerm:
    """``provider`` gives ``recipient`` these ``fields`` of ``standard`` (GSS codes, names)."""

    standard: str
    provider: str
    recipient: str
    fields: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "provider": self.provider,
            "recipient": self.recipient,
            "fields": list(self.fields),
        }


@dataclass(frozen=True, slots=True)
class LawfulBasis:
    """The legal power relied on and, for personal data, the UK GDPR and DPA 2018 bases."""

    legal_power: str = ""
    personal_data: str = "none"
    lawful_basis: str = ""
    article_9_condition: str = ""
    schedule_1_conditions: tuple[str, ...] = ()
    criminal_offence_data: bool = False


@dataclass(frozen=True, slots=True)
class RiskFlags:
    """What DPIA screening weighs beyond the kind of data."""

    children_or_vulnerable: bool = False
    data_matching: bool = False
    large_scale: bool = False


@dataclass(frozen=True, slots=True)
class AccessTerms:
    """Which roles may take each action on the data (an action left out takes the policy's
    default), and whether a second person accepts each file."""

    permitted_roles: tuple[tuple[str, tuple[str, ...]], ...] = ()
    second_person_acceptance: bool = False

    def roles(self) -> dict[str, list[str]]:
        return {action: list(roles) for action, roles in self.permitted_roles}


@dataclass(frozen=True, slots=True)
class Security:
    classification: str = "OFFICIAL"
    onward_sharing: str = ""


@dataclass(frozen=True, slots=True)
class Retention:
    """When access starts and ends, or the event data is kept until, and how it is deleted."""

    starts_on: date | None = None
    delete_by: date | None = None
    retention_event: str = ""
    retention_months_after_event: int | None = None
    deletion_method: str = ""
    # Days after a termination before the data is deleted; days a superseded file is kept
    # once a later version is accepted (None: until the data is deleted).
    termination_grace_days: int = 30
    superseded_keep_days: int | None = None


@dataclass(frozen=True, slots=True)
class LegalRequirements:
    rights_and_breaches: str = ""
    other_legal_requirements: str = ""


@dataclass(frozen=True, slots=True)
class Terms:
    """What one version of an agreement says (see the module docstring)."""

    purposes: str = ""
    data_items: tuple[DataItem, ...] = ()
    flows: tuple[FlowTerm, ...] = ()
    lawful: LawfulBasis = field(default_factory=LawfulBasis)
    risks: RiskFlags = field(default_factory=RiskFlags)
    access: AccessTerms = field(default_factory=AccessTerms)
    security: Security = field(default_factory=Security)
    retention: Retention = field(default_factory=Retention)
    legal: LegalRequirements = field(default_factory=LegalRequirements)
    review_date: date | None = None
    # The smallest count shown in outputs derived from personal data (domain.disclosure).
    disclosure_threshold: int = 10

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Terms:
        """Return the terms of a flat mapping (a version's columns, a form's or the API's
        values); a key left out takes its default. Raises ``InvalidInput``
        (``terms-malformed``) for a value of the wrong shape or a date that is not one."""
        try:
            roles = data.get("permitted_roles") or {}
            return cls(
                purposes=_text(data.get("purposes")),
                data_items=tuple(_item(item) for item in data.get("data_items") or ()),
                flows=tuple(
                    sorted(
                        (
                            FlowTerm(
                                standard=str(flow["standard"]),
                                provider=str(flow["provider"]),
                                recipient=str(flow["recipient"]),
                                fields=_unique(flow.get("fields") or ()),
                            )
                            for flow in data.get("flows") or ()
                        ),
                        key=lambda f: (f.standard, f.provider, f.recipient),
                    )
                ),
                lawful=LawfulBasis(
                    legal_power=_text(data.get("legal_power")),
                    personal_data=_text(data.get("personal_data")) or "none",
                    lawful_basis=_text(data.get("lawful_basis")),
                    article_9_condition=_text(data.get("article_9_condition")),
                    schedule_1_conditions=tuple(
                        sorted(set(map(str, data.get("schedule_1_conditions") or ())))
                    ),
                    criminal_offence_data=bool(data.get("criminal_offence_data")),
                ),
                risks=RiskFlags(
                    children_or_vulnerable=bool(data.get("children_or_vulnerable")),
                    data_matching=bool(data.get("data_matching")),
                    large_scale=bool(data.get("large_scale")),
                ),
                access=AccessTerms(
                    permitted_roles=tuple(
                        (str(action), tuple(sorted(set(map(str, roles[action])))))
                        for action in sorted(roles)
                    ),
                    second_person_acceptance=bool(data.get("second_person_acceptance")),
                ),
                security=Security(
                    classification=_text(data.get("classification")) or "OFFICIAL",
                    onward_sharing=_text(data.get("onward_sharing")),
                ),
                retention=Retention(
                    starts_on=_date(data.get("starts_on")),
                    delete_by=_date(data.get("delete_by")),
                    retention_event=_text(data.get("retention_event")),
                    retention_months_after_event=_months(data.get("retention_months_after_event")),
                    deletion_method=_text(data.get("deletion_method")),
                    termination_grace_days=_days(data.get("termination_grace_days"), 30) or 0,
                    superseded_keep_days=_days(data.get("superseded_keep_days"), None),
                ),
                legal=LegalRequirements(
                    rights_and_breaches=_text(data.get("rights_and_breaches")),
                    other_legal_requirements=_text(data.get("other_legal_requirements")),
                ),
                review_date=_date(data.get("review_date")),
                disclosure_threshold=int(data.get("disclosure_threshold") or 10),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InvalidInput(
                f"The agreement's terms are not in the expected form: {exc}",
                code="terms-malformed",
            ) from None

    def to_dict(self) -> dict[str, Any]:
        """Return the flat mapping of a version's columns, in one stable order."""
        return {
            "purposes": self.purposes,
            "data_items": [item.to_dict() for item in self.data_items],
            "flows": [flow.to_dict() for flow in self.flows],
            "second_person_acceptance": self.access.second_person_acceptance,
            "disclosure_threshold": self.disclosure_threshold,
            "legal_power": self.lawful.legal_power,
            "personal_data": self.lawful.personal_data,
            "criminal_offence_data": self.lawful.criminal_offence_data,
            "children_or_vulnerable": self.risks.children_or_vulnerable,
            "data_matching": self.risks.data_matching,
            "large_scale": self.risks.large_scale,
            "lawful_basis": self.lawful.lawful_basis,
            "article_9_condition": self.lawful.article_9_condition,
            "schedule_1_conditions": list(self.lawful.schedule_1_conditions),
            "permitted_roles": self.access.roles(),
            "classification": self.security.classification,
            "onward_sharing": self.security.onward_sharing,
            "starts_on": self.retention.starts_on,
            "delete_by": self.retention.delete_by,
            "retention_event": self.retention.retention_event,
            "retention_months_after_event": self.retention.retention_months_after_event,
            "termination_grace_days": self.retention.termination_grace_days,
            "superseded_keep_days": self.retention.superseded_keep_days,
            "deletion_method": self.retention.deletion_method,
            "rights_and_breaches": self.legal.rights_and_breaches,
            "review_date": self.review_date,
            "other_legal_requirements": self.legal.other_legal_requirements,
        }

    @property
    def standards(self) -> tuple[str, ...]:
        """The standards the terms share, in the order they are named."""
        return tuple(item.standard for item in self.data_items if item.standard)


@dataclass(frozen=True, slots=True)
class TermsProblem:
    """One thing wrong with terms: a stable ``code``, the form ``field`` it belongs to and a
    sentence for the person drafting."""

    code: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "message": self.message}


class TermsInvalid(InvalidInput):
    """Terms that cannot be saved; ``problems`` lists every one, in the form's field order.
    Its ``code`` is the first problem's, so a caller that expects one problem still sees it."""

    title = "The agreement's terms have problems"

    def __init__(self, problems: Sequence[TermsProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        listed = " ".join(f"{problem.message}." for problem in self.problems)
        super().__init__(
            f"The terms have {count} problem{'s' if count != 1 else ''}: {listed}",
            code=self.problems[0].code if self.problems else "terms-invalid",
        )


# The order of the agreement form's fields: problems are listed in it. A recipient's own field
# list (``fields_for_<GSS code>``) sits where "recipient_fields" does.
FIELD_ORDER = (
    "title",
    "parties",
    "providers",
    "recipients",
    "purposes",
    "standard",
    "standard_fields",
    "recipient_fields",
    "flows",
    "items",
    "disclosure_threshold",
    "legal_power",
    "personal_data",
    "lawful_basis",
    "article_9_condition",
    "contractors",
    "classification",
    "starts_on",
    "delete_by",
    "retention_event",
    "review_date",
)
RECIPIENT_FIELDS = "fields_for_"


def recipient_field(code: str) -> str:
    """The form field holding the fields council ``code`` receives."""
    return f"{RECIPIENT_FIELDS}{code}"


def field_rank(name: str) -> int:
    """Where a problem with form field ``name`` is listed (one the form lacks comes last)."""
    if name.startswith(RECIPIENT_FIELDS):
        name = "recipient_fields"
    return FIELD_ORDER.index(name) if name in FIELD_ORDER else len(FIELD_ORDER)


def plan_flows(
    parties: Mapping[str, bool],
    items: Iterable[DataItem],
    standard_fields: Mapping[str, Sequence[str]],
    recipients: Sequence[str] | None = None,
    fields_for: Mapping[str, Sequence[str]] | None = None,
) -> tuple[FlowTerm, ...]:
    """Return the flows of ``items`` between ``parties`` (GSS code -> provides data): each
    providing party gives each of ``recipients`` (by default the parties that do not provide,
    or every party where all provide) the fields the item names (every field of the standard,
    from ``standard_fields``, when it names none), or the recipient's own list in
    ``fields_for`` when one is given. A party never flows to itself: where the only recipients
    are the only providers there is no flow, and ``terms_problems`` says so."""
    providers = [code for code, provides in parties.items() if provides]
    if recipients is None:
        recipients = [code for code, provides in parties.items() if not provides] or list(parties)
    own = fields_for or {}
    flows = [
        FlowTerm(
            standard=item.standard,
            provider=provider,
            recipient=recipient,
            fields=_unique(own.get(recipient) or item.fields or standard_fields[item.standard]),
        )
        for item in items
        if item.standard and item.standard in standard_fields
        for provider in providers
        for recipient in recipients
        if recipient != provider
    ]
    return tuple(sorted(flows, key=lambda f: (f.standard, f.provider, f.recipient)))


def terms_problems(
    terms: Terms,
    *,
    parties: Mapping[str, bool],
    area_councils: Iterable[str],
    standard_fields: Mapping[str, Sequence[str]],
    today: date | None = None,
) -> list[TermsProblem]:
    """Return every problem with ``terms`` between ``parties`` (GSS code -> provides data) of
    an area whose councils are ``area_councils``; ``standard_fields`` gives each known
    standard's field names; ``today``, when given, refuses a delete-by date not after it. An
    empty list: the terms can be saved."""
    problems: list[TermsProblem] = []

    def problem(code: str, where: str, message: str) -> None:
        problems.append(TermsProblem(code, where, message))

    if len(parties) < 2 or not set(parties) <= set(area_councils):
        problem(
            "parties-invalid", "parties", "An agreement needs at least two councils of the area"
        )
    if not any(parties.values()):
        problem("parties-invalid", "providers", "Say which councils provide the data")
    if not terms.purposes.strip():
        problem("purposes-required", "purposes", "State the purposes the data may be used for")
    if not terms.data_items:
        problem(
            "no-data-items",
            "standard",
            "Choose a data standard, or list the data shared under 'Other data items'",
        )
    if not 2 <= terms.disclosure_threshold <= 100:
        problem(
            "disclosure-threshold-invalid",
            "disclosure_threshold",
            "The smallest count shown must be from 2 to 100",
        )
    items: dict[str, set[str]] = {}
    for item in terms.data_items:
        if not item.standard:
            continue
        known = standard_fields.get(item.standard)
        if known is None:
            at = f" version {item.version}" if item.version else ""
            problem("unknown-standard", "standard", f"There is no standard {item.standard}{at}")
            continue
        unknown = [name for name in item.fields if name not in known]
        if unknown:
            problem(
                "unknown-field",
                "standard_fields",
                f"Not in {item.standard}: {', '.join(unknown)}",
            )
        items[item.standard] = set(item.fields or known)
    problems += flow_problems(parties, items, terms.flows, standard_fields)
    carried = {flow.standard for flow in terms.flows}
    for standard in items:
        if standard not in carried and parties and any(parties.values()):
            problem(
                "no-other-recipient",
                "recipients",
                NO_OTHER_RECIPIENT,
            )
    if not terms.lawful.legal_power.strip():
        problem("legal-power-required", "legal_power", "State the legal power or duty relied on")
    if terms.lawful.personal_data not in PERSONAL_DATA:
        problem("personal-data-invalid", "personal_data", "Choose what kind of data is shared")
    personal = terms.lawful.personal_data in {"personal", "special-category"}
    if personal and terms.lawful.lawful_basis not in PUBLIC_TASK_BASES:
        problem(
            "lawful-basis-required",
            "lawful_basis",
            "Personal data needs a UK GDPR Article 6 lawful basis. Councils normally rely on "
            "(e) public task or (c) legal obligation; (f) legitimate interests is not "
            "available to a public authority performing its tasks",
        )
    if terms.lawful.personal_data == "special-category" and not terms.lawful.article_9_condition:
        problem(
            "article-9-condition-required",
            "article_9_condition",
            "Special category data needs an Article 9 condition",
        )
    if terms.security.classification not in CLASSIFICATIONS:
        problem("classification-invalid", "classification", "Choose the security classification")
    starts, ends = terms.retention.starts_on, terms.retention.delete_by
    if starts and ends and ends <= starts:
        problem("dates-invalid", "delete_by", "The delete-by date must be after the start date")
    if ends and today and ends <= today:
        # Access stops on the delete-by date: a version drafted with it passed could only be
        # stuck in review (the readiness rule delete-by-date-passed), so refuse it now.
        problem("delete-by-in-past", "delete_by", "The delete-by date must be in the future")
    if not ends and not terms.retention.retention_event:
        problem(
            "retention-required",
            "retention_event",
            "Give a delete-by date, or a period after an event",
        )
    return sorted(problems, key=lambda p: field_rank(p.field))


NO_OTHER_RECIPIENT = (
    "The only councils chosen to receive the data are the ones that provide it, "
    "and a council always sees its own data. Choose another party to receive it"
)


def recipient_problems(
    parties: Mapping[str, bool], recipients: Iterable[str], *, standard_shared: bool
) -> list[TermsProblem]:
    """The problems of the ``recipients`` chosen (empty: the default) for a draft that shares a
    standard or not (``standard_shared``). With a standard the flows planned for them are
    judged by ``terms_problems``; without one no flow holds the choice, so it is refused here
    rather than dropped: a recipient that is only ever a provider (``no-other-recipient``,
    as with a standard) or any choice at all (``recipients-need-standard``)."""
    chosen = set(recipients)
    if standard_shared or not chosen:
        return []
    providers = [code for code, provides in parties.items() if provides]
    if providers and not any(r != p for r in chosen for p in providers):
        return [TermsProblem("no-other-recipient", "recipients", NO_OTHER_RECIPIENT)]
    return [
        TermsProblem(
            "recipients-need-standard",
            "recipients",
            "The parties that receive the data are chosen for a data standard's fields. Choose "
            "a data standard, or leave 'Which parties receive the data?' empty",
        )
    ]


def flow_problems(
    parties: Mapping[str, bool],
    items: Mapping[str, set[str]],
    flows: Iterable[FlowTerm],
    standard_fields: Mapping[str, Sequence[str]] | None = None,
) -> list[TermsProblem]:
    """Every problem with ``flows``: each goes from a providing party to another party, for a
    standard the agreement shares (``items``: standard -> its agreed fields), with some of
    those fields; no recipient gets the same standard from the same provider twice. A field
    name that is not in the standard at all (``standard_fields``) is ``unknown-field``,
    shown against the recipient's own field list."""
    problems: list[TermsProblem] = []
    seen: set[tuple[str, str, str]] = set()
    for flow in flows:
        if flow.standard not in items:
            problems.append(
                TermsProblem(
                    "flow-standard-not-shared",
                    "flows",
                    f"The agreement does not share {flow.standard}",
                )
            )
            continue
        if (
            not parties.get(flow.provider)
            or flow.recipient not in parties
            or (flow.recipient == flow.provider)
        ):
            problems.append(
                TermsProblem(
                    "flow-parties-invalid",
                    "flows",
                    "Data flows from a council that provides it to another party",
                )
            )
            continue
        key = (flow.standard, flow.provider, flow.recipient)
        if key in seen:
            problems.append(
                TermsProblem(
                    "flow-repeated",
                    "flows",
                    f"{flow.recipient} gets {flow.standard} from {flow.provider} more than once",
                )
            )
        seen.add(key)
        known = (standard_fields or {}).get(flow.standard)
        unknown = [name for name in flow.fields if known is not None and name not in known]
        if unknown:
            problems.append(
                TermsProblem(
                    "unknown-field",
                    recipient_field(flow.recipient),
                    f"Not in {flow.standard}: {', '.join(unknown)}",
                )
            )
            continue
        beyond = [name for name in flow.fields if name not in items[flow.standard]]
        if beyond or not flow.fields:
            problems.append(
                TermsProblem(
                    "flow-fields-invalid",
                    recipient_field(flow.recipient),
                    f"A flow of {flow.standard} may only carry fields the agreement names"
                    + (f"; not {', '.join(beyond)}" if beyond else ""),
                )
            )
    return problems


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _unique(names: Iterable[Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(name) for name in names))


def _item(raw: Mapping[str, Any]) -> DataItem:
    if "standard" in raw:
        return DataItem(
            standard=str(raw["standard"]),
            fields=_unique(raw.get("fields") or ()),
            version=_text(raw.get("version")),
        )
    return DataItem(text=str(raw["item"]))


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _months(value: Any) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def _days(value: Any, default: int | None) -> int | None:
    if value is None or value == "":
        return default
    return int(value)

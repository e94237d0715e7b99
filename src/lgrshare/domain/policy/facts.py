"""What the policy decides from: frozen facts the Django layer fills from its models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from lgrshare.domain.errors import InvalidInput, PermissionDenied
from lgrshare.domain.policy.access_policy import access_policy
from lgrshare.domain.policy.codes import Action, DecisionReason
from lgrshare.domain.validation.header import normal_label


class PolicyInputError(InvalidInput):
    code = "policy-input-invalid"
    title = "The access check was asked a question it cannot answer"


class AccessDenied(PermissionDenied):
    """Raised by ``Decision.require``; its ``code`` is the decision's reason."""


@dataclass(frozen=True, slots=True)
class Contractor:
    """The contractor a person works for. ``works_for`` is the council's GSS code;
    ``agreement_ends`` is the last day of its contractor agreement, None when none is recorded."""

    contractor_id: str
    works_for: str
    agreement_ends: date | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """A person asking. ``council`` is their council's GSS code (None for contractor staff);
    ``areas`` the area codes they belong to; ``terms_accepted`` the (agreement id, version) pairs
    whose terms they have accepted."""

    user_id: str
    council: str | None
    areas: frozenset[str]
    roles: frozenset[str] = frozenset()
    contractor: Contractor | None = None
    terms_accepted: frozenset[tuple[str, int]] = frozenset()


@dataclass(frozen=True, slots=True)
class Resource:
    """A dataset: its ``Access`` kind, holder council and area (None: national reference data),
    the standard its data follows (None when it follows none), that standard's personal-data
    class (``domain.standards.model.PERSONAL_DATA_CLASSES``), and whether its data was deleted
    under the retention rules (``deleted``: every read and submission is ``data-deleted``)."""

    dataset_id: str
    access: str
    holder: str | None
    area: str | None
    standard: str | None = None
    personal_data: str = "none"
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class SubmissionFacts:
    """A file submitted for a dataset: the ``holder`` council (GSS code), who submitted it
    (user id), its state, and whether its agreement asks a second person to accept it."""

    holder: str | None
    submitter: str | None
    state: str
    second_person: bool = False


@dataclass(frozen=True, slots=True)
class Flow:
    """One direction of an agreement: ``provider`` shares these ``fields`` of ``standard`` with
    ``recipient`` (councils by GSS code, fields by name). A provider always sees its own data;
    another party sees it only through a flow, and only the flow's fields."""

    standard: str
    provider: str
    recipient: str
    fields: frozenset[str]


def _default_permitted_roles() -> Mapping[str, frozenset[str]]:
    return access_policy().default_permitted_roles


@dataclass(frozen=True, slots=True)
class AgreementFacts:
    """One version of a data sharing agreement.

    ``state`` is an ``AgreementState`` value; ``parties`` and ``area`` are GSS codes.
    ``permitted_roles`` maps a reading or submitting action to the roles allowed; an action it
    leaves out takes the default of ``rules/access-policy.json``. ``named_people`` (user ids),
    when not empty, limits reading to those people. ``contractors`` are the contractor ids the
    agreement names. ``starts_on`` is the first day of access; ``delete_by`` is the day access
    ends and by which the data must be deleted. ``drafters`` are the user ids of who drafted
    the agreement and its current version: none of them gives a DPO review of it.
    """

    agreement_id: str
    version: int
    state: str
    parties: frozenset[str]
    area: str | None = None
    permitted_roles: Mapping[str, frozenset[str]] = field(default_factory=_default_permitted_roles)
    named_people: frozenset[str] = frozenset()
    contractors: frozenset[str] = frozenset()
    starts_on: date | None = None
    delete_by: date | None = None
    flows: tuple[Flow, ...] = ()
    drafters: frozenset[str] = frozenset()

    def fields_for(
        self, *, standard: str | None, provider: str | None, recipient: str
    ) -> frozenset[str]:
        """Return the fields of ``provider``'s ``standard`` data that ``recipient`` receives
        (empty when no flow gives it any)."""
        fields: frozenset[str] = frozenset()
        for flow in self.flows:
            if (flow.standard, flow.provider, flow.recipient) == (standard, provider, recipient):
                fields |= flow.fields
        return fields

    def roles_for(self, action: Action) -> frozenset[str]:
        """Return the roles permitted to do ``action`` (a reading or submitting action)."""
        if action in self.permitted_roles:
            return frozenset(self.permitted_roles[action])
        return access_policy().default_permitted_roles.get(action, frozenset())


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer: ``allowed`` and the ``reason`` code (a ``DecisionReason``, so a ``str``).

    ``fields``, for an allowed read of data shared under an agreement by another council, are
    the only fields the reader may see; None means the whole table (public data, or a council
    reading its own)."""

    allowed: bool
    reason: DecisionReason
    fields: frozenset[str] | None = None

    @property
    def message(self) -> str:
        return self.reason.message

    def shown(self, columns: Sequence[str]) -> list[str]:
        """Return the ``columns`` of a table (its labels) this decision lets the reader see, in
        order: all of them when ``fields`` is None, else those labelled with one of ``fields``
        (a label matches a field as the validator matches it, ignoring case and separators)."""
        if self.fields is None:
            return list(columns)
        wanted = {normal_label(name) for name in self.fields}
        return [column for column in columns if normal_label(column) in wanted]

    def require(self) -> Decision:
        """Return this decision when allowed; raises ``AccessDenied`` (code = reason) if not."""
        if not self.allowed:
            raise AccessDenied(self.reason.message, code=self.reason.value)
        return self

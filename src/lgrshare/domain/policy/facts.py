"""What the policy decides from: frozen facts the Django layer fills from its models."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from lgrshare.domain.errors import InvalidInput, PermissionDenied
from lgrshare.domain.policy.access_policy import access_policy
from lgrshare.domain.policy.codes import Action, DecisionReason


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
    """A dataset: its ``Access`` kind, holder council and area (None: national reference data)."""

    dataset_id: str
    access: str
    holder: str | None
    area: str | None


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
    ends and by which the data must be deleted.
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

    def roles_for(self, action: Action) -> frozenset[str]:
        """Return the roles permitted to do ``action`` (a reading or submitting action)."""
        if action in self.permitted_roles:
            return frozenset(self.permitted_roles[action])
        return access_policy().default_permitted_roles.get(action, frozenset())


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer: ``allowed`` and the ``reason`` code (a ``DecisionReason``, so a ``str``)."""

    allowed: bool
    reason: DecisionReason

    @property
    def message(self) -> str:
        return self.reason.message

    def require(self) -> Decision:
        """Return this decision when allowed; raises ``AccessDenied`` (code = reason) if not."""
        if not self.allowed:
            raise AccessDenied(self.reason.message, code=self.reason.value)
        return self

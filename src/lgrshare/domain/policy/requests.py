"""Who may read, raise, edit, open, answer, comment on, attach to, join, fulfil and close a
data request.

``decide_request(subject=, action=, request=, area=)`` returns a ``Decision`` like ``decide``
does, from the rules in ``rules/request-policy.json``; the caller audits a refusal. The checks
run in this order and the first that fails is the reason:

1. **Area**: the request's area (``area`` when raising one) must be one of the subject's
   areas, else ``other-area``.
2. **Contractor staff** may only read: ``contractor-read-only`` for anything else.
3. **Unshared**: a request never opened (a draft, or a draft closed before it was opened) is
   its author's alone for the actions that say so: ``request-draft``.
4. **Who**: ``holder`` actions need the subject's council among the councils asked for the
   data (``not-a-holder``); ``requester`` actions need the author, or staff of the requesting
   council with a ``requester_roles`` role (``not-the-requester``).
5. **Role**: one of the action's roles, where it lists any (``role-not-permitted``).
6. **State**: the request's state must be one the action allows (``request-state-invalid``).
7. Otherwise ``allowed``.

Pure Python: the Django layer fills ``RequestFacts`` from its models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from lgrshare.domain.policy.codes import DecisionReason, Role
from lgrshare.domain.policy.facts import Decision, PolicyInputError, Subject
from lgrshare.domain.rules import RulesInvalid, read_rules_file


class RequestAction(StrEnum):
    READ = "read-request"
    RAISE = "raise-request"
    EDIT = "edit-request"
    OPEN = "open-request"
    ANSWER = "answer-request"
    COMMENT = "comment-on-request"
    ATTACH = "attach-to-request"
    JOIN = "join-request"
    FULFIL = "fulfil-request"
    CLOSE = "close-request"


REQUEST_STATES = frozenset({"draft", "open", "fulfilled", "closed"})


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """A data request: its area, state, author (user id), requesting council and the councils
    asked for the data (GSS codes); ``opened`` is whether it was ever opened to the holders."""

    area: str
    state: str
    author: str | None
    requesting_council: str | None
    holders: frozenset[str]
    opened: bool


@dataclass(frozen=True, slots=True)
class RequestRule:
    who: str  # "area-member", "holder" or "requester"
    roles: frozenset[str]
    contractors: bool
    author_only_unshared: bool
    states: frozenset[str]


@dataclass(frozen=True, slots=True)
class RequestPolicy:
    rules: Mapping[RequestAction, RequestRule]
    requester_roles: frozenset[str]


@cache
def request_policy() -> RequestPolicy:
    """Return ``rules/request-policy.json``, checked; raises ``RulesInvalid``."""
    data = read_rules_file("request-policy")
    try:
        rules = {
            RequestAction(act): RequestRule(
                who=str(rule["who"]),
                roles=frozenset(Role(r).value for r in rule["roles"]),
                contractors=bool(rule["contractors"]),
                author_only_unshared=rule.get("unshared") == "author-only",
                states=frozenset(str(s) for s in rule["states"]),
            )
            for act, rule in data["actions"].items()
        }
        requester_roles = frozenset(Role(r).value for r in data["requester_roles"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesInvalid(f"request-policy.json: {exc}") from exc
    if set(rules) != set(RequestAction):
        raise RulesInvalid("request-policy.json: 'actions' must cover every request action.")
    for act, rule in rules.items():
        if rule.who not in {"area-member", "holder", "requester"}:
            raise RulesInvalid(f"request-policy.json: {act}: unknown 'who' {rule.who!r}.")
        if not rule.states <= REQUEST_STATES or (act is not RequestAction.RAISE) != bool(
            rule.states
        ):
            raise RulesInvalid(f"request-policy.json: {act}: 'states' are not request states.")
    return RequestPolicy(rules=MappingProxyType(rules), requester_roles=requester_roles)


def decide_request(
    *,
    subject: Subject,
    action: RequestAction | str,
    request: RequestFacts | None = None,
    area: str | None = None,
) -> Decision:
    """Return whether ``subject`` may do ``action`` to ``request`` (for ``raise-request``, in
    ``area``). Raises ``PolicyInputError`` for an unknown action or state, or a missing request
    or area."""
    try:
        act = RequestAction(action)
    except ValueError:
        raise PolicyInputError(f"Unknown request action {action!r}.") from None
    policy = request_policy()
    rule = policy.rules[act]
    if act is RequestAction.RAISE:
        if area is None:
            raise PolicyInputError("Raising a request needs the area it is raised in.")
        where = area
    elif request is None:
        raise PolicyInputError(f"The {act} action needs a request.")
    else:
        if request.state not in REQUEST_STATES:
            raise PolicyInputError(f"Unknown request state {request.state!r}.")
        where = request.area
    reason = _refusal(subject, act, rule, policy, request, where)
    return Decision(False, reason) if reason else Decision(True, DecisionReason.ALLOWED)


def _refusal(
    subject: Subject,
    act: RequestAction,
    rule: RequestRule,
    policy: RequestPolicy,
    request: RequestFacts | None,
    where: str,
) -> DecisionReason | None:
    if where not in subject.areas:
        return DecisionReason.OTHER_AREA
    if (subject.contractor is not None or subject.council is None) and not rule.contractors:
        return DecisionReason.CONTRACTOR_READ_ONLY
    if request is not None:
        is_author = request.author is not None and request.author == subject.user_id
        if rule.author_only_unshared and not request.opened and not is_author:
            return DecisionReason.REQUEST_DRAFT
        if rule.who == "holder" and subject.council not in request.holders:
            return DecisionReason.NOT_A_HOLDER
        requesting_staff = (
            subject.council is not None
            and subject.council == request.requesting_council
            and bool(subject.roles & policy.requester_roles)
        )
        if rule.who == "requester" and not (is_author or requesting_staff):
            return DecisionReason.NOT_THE_REQUESTER
    if rule.roles and not subject.roles & rule.roles:
        return DecisionReason.ROLE_NOT_PERMITTED
    if request is not None and request.state not in rule.states:
        return DecisionReason.REQUEST_STATE_INVALID
    return None

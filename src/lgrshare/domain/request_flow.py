"""The life of a data request: its states, the holders' answers, and who may do what.

Pure rules, no Django. A request is a draft until its author opens it; while open each holder
council's data lead answers (will provide / needs an agreement / not held / declined with a
reason); the requesting side then marks it fulfilled or closes it with an explicit stop reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lgrshare.domain.errors import InvalidInput, PermissionDenied


class State(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    FULFILLED = "fulfilled"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Answer(StrEnum):
    PENDING = "pending"
    WILL_PROVIDE = "will-provide"
    NEEDS_AGREEMENT = "needs-agreement"
    NOT_HELD = "not-held"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {
            "pending": "Waiting for an answer",
            "will-provide": "Will provide",
            "needs-agreement": "Needs a data sharing agreement",
            "not-held": "Not held",
            "declined": "Declined",
        }[self.value]


class StopReason(StrEnum):
    NO_POWER_TO_SHARE = "no-power-to-share"
    REFUSED = "refused"
    UNACCEPTABLE_RISK = "unacceptable-risk"
    DATA_NOT_PROVIDED = "data-not-provided"
    NO_LONGER_NEEDED = "no-longer-needed"

    @property
    def label(self) -> str:
        return {
            "no-power-to-share": "There is no legal power to share the data",
            "refused": "A holder refused",
            "unacceptable-risk": "The risk of sharing is unacceptable",
            "data-not-provided": "The data was not provided",
            "no-longer-needed": "The data is no longer needed",
        }[self.value]


class Verb(StrEnum):
    READ = "read"
    RAISE = "raise"
    EDIT = "edit"
    OPEN = "open"
    ANSWER = "answer"
    COMMENT = "comment"
    JOIN = "join"
    FULFIL = "fulfil"
    CLOSE = "close"


# Roles that raise requests, and roles that answer for a holder council.
RAISING_ROLES = frozenset({"analyst", "data-lead"})
ANSWERING_ROLES = frozenset({"data-lead"})


@dataclass(frozen=True)
class Actor:
    """Who is acting: their council (None for a contractor), roles, and areas."""

    user_id: int
    council: str | None
    roles: frozenset[str]
    areas: frozenset[str]


@dataclass(frozen=True)
class RequestFacts:
    area: str
    state: State
    author_id: int | None
    requesting_council: str | None
    holders: frozenset[str]


def check(actor: Actor, verb: Verb, request: RequestFacts | None = None, *, area: str = "") -> None:
    """Raise ``PermissionDenied`` (with a reason code) unless ``actor`` may ``verb`` the request.

    For ``Verb.RAISE`` give ``area`` instead of a request.
    """
    where = request.area if request is not None else area
    if where not in actor.areas:
        raise PermissionDenied("That request is not in one of your areas", code="other-area")
    if verb is Verb.READ:
        return
    if actor.council is None:
        raise PermissionDenied(
            "Contractors can read the area's requests but not raise, answer or change them",
            code="contractor-read-only",
        )
    if verb is Verb.RAISE:
        _need_role(actor, RAISING_ROLES, "raise requests")
        return
    assert request is not None
    if verb in {Verb.COMMENT, Verb.JOIN}:
        if request.state is State.DRAFT and request.author_id != actor.user_id:
            raise PermissionDenied("That request is still a draft", code="request-draft")
        return
    if verb is Verb.ANSWER:
        if actor.council not in request.holders:
            raise PermissionDenied(
                "Only a council asked for the data can answer", code="not-a-holder"
            )
        _need_role(actor, ANSWERING_ROLES, "answer requests")
        _need_state(request, {State.OPEN}, "answered")
        return
    # Edit, open, fulfil and close belong to the requesting side.
    is_author = request.author_id == actor.user_id
    is_requesting_lead = actor.council == request.requesting_council and "data-lead" in actor.roles
    if not (is_author or is_requesting_lead):
        raise PermissionDenied(
            "Only the person who raised the request, or their council's data lead, can do that",
            code="not-the-requester",
        )
    allowed_states = {
        Verb.EDIT: {State.DRAFT},
        Verb.OPEN: {State.DRAFT},
        Verb.FULFIL: {State.OPEN},
        Verb.CLOSE: {State.DRAFT, State.OPEN},
    }[verb]
    _need_state(
        request,
        allowed_states,
        {Verb.EDIT: "edited", Verb.OPEN: "opened", Verb.FULFIL: "fulfilled", Verb.CLOSE: "closed"}[
            verb
        ],
    )


def _need_role(actor: Actor, roles: frozenset[str], what: str) -> None:
    if not actor.roles & roles:
        names = " or ".join(sorted(roles))
        raise PermissionDenied(f"Only a {names} can {what}", code="role-not-permitted")


def _need_state(request: RequestFacts, states: set[State], what: str) -> None:
    if request.state not in states:
        raise InvalidInput(
            f"A {request.state.value} request cannot be {what}", code="request-state-invalid"
        )


def stop_reason(raw: str, note: str) -> StopReason:
    """Return the stop reason; raises ``InvalidInput`` if it is unknown or has no explanation."""
    try:
        reason = StopReason(raw)
    except ValueError:
        known = ", ".join(r.value for r in StopReason)
        raise InvalidInput(
            f"Give a stop reason: one of {known}", code="stop-reason-required"
        ) from None
    if not note.strip():
        raise InvalidInput("Explain why the request is being closed", code="stop-note-required")
    return reason


def answer_of(raw: str, reason: str) -> Answer:
    """Return a holder's answer; raises ``InvalidInput`` for pending, unknown or unexplained."""
    try:
        answer = Answer(raw)
    except ValueError:
        answer = Answer.PENDING
    if answer is Answer.PENDING:
        known = ", ".join(a.value for a in Answer if a is not Answer.PENDING)
        raise InvalidInput(f"Choose an answer: one of {known}", code="answer-invalid")
    if answer is Answer.DECLINED and not reason.strip():
        raise InvalidInput("Give the reason for declining", code="decline-reason-required")
    return answer

"""The life of a data request: its states, the holders' answers, and the stop reasons.

Pure rules, no Django. A request is a draft until its author opens it; while open each holder
council's data lead answers (will provide / needs an agreement / not held / declined with a
reason); the requesting side then marks it fulfilled or closes it with an explicit stop reason.
Who may do each of these is the one policy's: ``lgrshare.domain.policy.requests``.
"""

from __future__ import annotations

from enum import StrEnum

from lgrshare.domain.errors import InvalidInput


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

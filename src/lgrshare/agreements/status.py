"""An agreement's status as people read it, and the day its data falls due for deletion.

The stored state changes only by a person's act (sign, suspend, terminate) or when retention
closes the agreement. Time needs no act: from the day the data is due for deletion an active or
suspended agreement is shown "Expired: data due for deletion" everywhere (page, registers, API,
PDF), and the policy refuses every action on it (``agreement-expired``), so nothing is offered
that would be refused.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from lgrshare.agreements.document import STATUS_LABELS
from lgrshare.agreements.models import Agreement, AgreementVersion, State

__all__ = ["RetentionDue", "add_months", "retention_due", "status_label", "status_of"]


def add_months(day: date, months: int) -> date:
    """Return ``day`` moved ``months`` calendar months on (the 31st becomes the month's end)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class RetentionDue:
    """When an agreement's data falls due for deletion, and under which rule (a stable code:
    ``delete-by-date``, ``event-period``, ``terminated``), with the rule in words."""

    on: date
    rule: str
    explanation: str


def retention_due(
    agreement: Agreement, version: AgreementVersion | None = None
) -> RetentionDue | None:
    """Return the earliest day the agreement's terms make its data due for deletion, or None
    while nothing has set one (no delete-by date, no event recorded, not terminated)."""
    version = version or agreement.current()
    found: list[RetentionDue] = []
    if version.delete_by is not None:
        found.append(
            RetentionDue(
                version.delete_by,
                "delete-by-date",
                f"The agreement's delete-by date, {version.delete_by:%-d %B %Y}",
            )
        )
    if agreement.retention_event_on is not None:
        months = version.retention_months_after_event or 0
        found.append(
            RetentionDue(
                add_months(agreement.retention_event_on, months),
                "event-period",
                f"{_sentence(after_event(months, version.retention_event))}, recorded as "
                f"{agreement.retention_event_on:%-d %B %Y}",
            )
        )
    if agreement.state == State.TERMINATED and agreement.state_changed_at is not None:
        ended = timezone.localdate(agreement.state_changed_at)
        grace = version.termination_grace_days
        found.append(
            RetentionDue(
                ended + timedelta(days=grace),
                "terminated",
                f"{grace} days after the agreement was terminated on {ended:%-d %B %Y}",
            )
        )
    return min(found, key=lambda due: due.on) if found else None


def status_of(agreement: Agreement, *, today: date | None = None) -> str:
    """Return the agreement's status code (a ``STATUS_LABELS`` key): its stored state, but
    ``expired`` for an active or suspended agreement whose data is due for deletion, or was
    deleted under its retention rules."""
    if agreement.state not in {State.ACTIVE, State.SUSPENDED}:
        return str(agreement.state)
    due = retention_due(agreement)
    if due is not None and due.rule != "terminated" and due.on <= (today or timezone.localdate()):
        return "expired"
    if agreement.datasets.filter(deleted_at__isnull=False).exists():
        return "expired"
    return str(agreement.state)


def status_label(status: str) -> str:
    """Return the words for a status code."""
    return STATUS_LABELS.get(status, status)


def after_event(months: int | None, event: str | None) -> str:
    """Return the agreed retention after an event in words, mid-sentence: "3 months after the
    end of the early options appraisal", "1 month after …", "at …" (no months).

    The event is written as a heading in the agreement ("The end of …"); its first letter is
    made small unless its first word is an acronym ("LGR vesting day")."""
    text = (event or "the event the agreement names").strip()
    first = text.split(maxsplit=1)[0] if text else ""
    if first[:1].isupper() and not first.isupper():
        text = text[0].lower() + text[1:]
    count = months or 0
    if count == 0:
        return f"at {text}"
    return f"{count} month{'s' if count != 1 else ''} after {text}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]

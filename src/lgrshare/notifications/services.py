"""Telling people what happened and what waits for them: in the service, and by email.

``notify`` is the one way any capability tells someone something. It sits below the
capabilities (it never imports agreements, requests or submissions): they decide who is told
and what the words are; this stores the notification, audits it, and sends the email.

Email goes out only after the caller's transaction commits, so a rolled-back action tells
nobody. The backend comes from ``LGRSHARE_EMAIL_BACKEND`` (the console by default, so the
embedded set-up needs no mail server). A mail server that is down does not undo the action: the
in-service notification stands and the failure is logged, without the addresses.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lgrshare.councils.models import User
from lgrshare.domain.errors import NotFound
from lgrshare.notifications.kinds import KINDS
from lgrshare.notifications.models import Notification, NotificationQuerySet
from lgrshare.trail import record

logger = logging.getLogger(__name__)

TEXT_MAX = 300


def _one_line(text: str) -> str:
    """The text on one line (email subjects cannot hold line breaks), cut to fit the column."""
    flat = " ".join(text.split())
    return flat if len(flat) <= TEXT_MAX else flat[: TEXT_MAX - 1] + "…"


def _deliverable(address: str) -> bool:
    # Addresses at .invalid (RFC 2606), such as the demo people's, can never be delivered.
    return bool(address) and not address.lower().endswith(".invalid")


def notify(
    *, users: Iterable[User], text: str, link: str, kind: str, once_key: str = ""
) -> list[Notification]:
    """Tell each of ``users`` ``text`` about ``link`` (a path in the service); return the
    notifications stored.

    Each person is told once per call however often they appear, and inactive people not at
    all. With ``once_key`` a person already told under that key is not told again (reminders
    from a command that may run twice). One ``notification-sent`` audit record names who was
    told. Raises ``ValueError`` for a ``kind`` not in ``notifications.kinds.KINDS`` (a
    programming error).
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}")
    people = {user.pk: user for user in users if user.is_active}
    line = _one_line(text)
    with transaction.atomic():
        if once_key:
            stored = []
            for user in people.values():
                note, created = Notification.objects.get_or_create(
                    user=user,
                    once_key=once_key,
                    defaults={"kind": kind, "text": line, "link": link},
                )
                if created:
                    stored.append(note)
        else:
            stored = Notification.objects.bulk_create(
                Notification(user=user, kind=kind, text=line, link=link) for user in people.values()
            )
        if stored:
            record(
                user=None,
                action="notification-sent",
                target_type="notification",
                target_id=kind,
                link=link,
                recipients=",".join(sorted(note.user.username for note in stored)),
            )
            _email_after_commit(stored)
    return stored


def _email_after_commit(stored: list[Notification]) -> None:
    site = settings.SITE_URL.rstrip("/")
    tasks = site + reverse("tasks")
    messages = [
        EmailMessage(
            subject=f"LGR Share: {note.text}",
            body=f"{note.text}\n\nOpen it in LGR Share: {site}{note.link}\n\n"
            f"Everything waiting for you: {tasks}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[note.user.email],
        )
        for note in stored
        if _deliverable(note.user.email)
    ]
    if messages:
        transaction.on_commit(lambda: _send(messages))


def _send(messages: list[EmailMessage]) -> None:
    try:
        get_connection().send_messages(messages)
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning(
            "%d notification emails could not be sent (%s); they stay in the service",
            len(messages),
            type(exc).__name__,
        )


def notifications_for(*, user: User) -> NotificationQuerySet:
    """The person's notifications, newest first."""
    return Notification.objects.filter(user=user)


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user).unread().count()


@transaction.atomic
def notifications_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of the person's notifications, or all of them, as read; return how many changed.

    Raises ``NotFound`` (``notification-not-found``) for a notification that is not theirs,
    exactly as for one that does not exist.
    """
    mine = Notification.objects.filter(user=user)
    if notification_id is not None:
        mine = mine.filter(pk=notification_id)
        if not mine.exists():
            raise NotFound("There is no such notification of yours", code="notification-not-found")
    changed = mine.unread().update(read_at=timezone.now())
    if changed:
        record(
            user=user,
            action="notifications-read",
            target_type="notification",
            target_id=notification_id if notification_id is not None else "all",
            count=changed,
        )
    return changed

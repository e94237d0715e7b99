"""Commands that tell people what waits for them (issue 12): review-date reminders from cron."""

from __future__ import annotations

import click

from lgrshare.cli.base import setup_django


@click.group()
def notify() -> None:
    """Notifications sent on a schedule."""


@notify.command("reminders")
def notify_reminders() -> None:
    """Remind the parties of each active agreement whose review date is 30 days away or less,
    of data to be deleted in 30, 7 or 1 days, and councils whose attestation is awaited.

    Safe to run from cron as often as liked (daily is enough): nobody is reminded twice of the
    same review date.
    """
    setup_django()
    from django.utils import timezone

    from lgrshare.agreements.notices import review_reminders_send
    from lgrshare.retention.notices import attestation_reminders_send, deletion_reminders_send

    today = timezone.localdate()
    told = review_reminders_send(today=today)
    click.echo(f"Sent {told} review-date reminder(s).")
    deletions = deletion_reminders_send(today=today)
    click.echo(f"Sent {deletions} deletion reminder(s) (30, 7 and 1 days before).")
    attestations = attestation_reminders_send(today=today)
    click.echo(f"Sent {attestations} reminder(s) of attestations awaited.")


def register(main: click.Group) -> None:
    """Add the notify commands to ``main``."""
    main.add_command(notify)

"""``lgrshare retention``: delete data that is due, with certificates, and verify them.

``run`` is safe from cron every few minutes: it is idempotent, two runs at once delete each
dataset once, and a run killed at any point is completed by the next. ``verify`` exits 1 when
a certificate no longer holds (monitoring can alert on it).
"""

from __future__ import annotations

from datetime import date, datetime, time

import click

from lgrshare.cli.base import setup_django
from lgrshare.cli.trust import cli_actor


@click.group()
def retention() -> None:
    """Retention and secure deletion: run what is due, verify certificates."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="List what would be deleted and why; change nothing.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="With --dry-run: what will be due by this date (YYYY-MM-DD).",
)
def retention_run_command(dry_run: bool, as_of: datetime | None) -> None:
    """Delete every dataset whose agreement's data is due, issuing a deletion certificate for
    each; complete any earlier run that was stopped."""
    if as_of is not None and not dry_run:
        raise click.UsageError("--as-of is for dry runs only: deletion happens on its due date")
    setup_django()
    from django.utils import timezone

    from lgrshare.domain.policy import UK
    from lgrshare.retention.services import retention_run

    now = timezone.now()
    if as_of is not None:
        now = datetime.combine(as_of.date(), time(12), tzinfo=UK)
    report = retention_run(now=now, run_by=cli_actor(), dry_run=dry_run)
    if dry_run:
        for item in report.would_delete:
            deletion = item.deletion
            click.echo(
                f"Would delete {deletion.dataset.slug} ({deletion.agreement.reference}): "
                f"{item.due.explanation}, due {_day(item.due.on)}"
            )
        click.echo(f"{len(report.would_delete)} dataset(s) due by {_day(now.date())}.")
        return
    for certificate in report.issued:
        click.echo(
            f"Deleted {certificate.dataset.slug} ({certificate.agreement.reference}): "
            f"certificate {certificate.reference}"
        )
    for agreement in report.closed:
        click.echo(f"Closed {agreement.reference}: data deleted and every attestation in")
    if report.completed:
        click.echo(f"Completed {report.completed} deletion(s) an earlier run left unfinished.")
    click.echo(
        f"{len(report.issued)} dataset(s) deleted, {report.already_done} already deleted "
        "by another run."
    )


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@retention.command("verify")
def retention_verify_command() -> None:
    """Check every deletion certificate: keys destroyed, files gone, nothing derived left,
    its audit record intact. Exits 1 on any problem."""
    setup_django()
    from lgrshare.retention.verify import retention_verify

    report = retention_verify()
    for finding in report.findings:
        click.echo(f"[{finding.code}] {finding.certificate}: {finding.message}")
    problems = len(report.findings)
    click.echo(
        f"{report.verified} certificate{'' if report.verified == 1 else 's'} verified, "
        f"{problems} problem{'' if problems == 1 else 's'}"
    )
    if report.findings:
        raise SystemExit(1)


def register(main: click.Group) -> None:
    """Add the retention commands to ``main``."""
    main.add_command(retention)

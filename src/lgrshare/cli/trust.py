"""Commands for the encrypted vault and the audit trail (issue 6).

``vault check`` and ``audit verify`` exit 0 when all is well and 1 when they find a problem, so
cron and monitoring can alert on them; errors that stop a command (a bad KEK file) exit 2.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from lgrshare.cli.base import setup_django


def cli_actor() -> str:
    """Return the audit actor for the command line: ``cli:<login name>``."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        login = "unknown"
    return f"cli:{login}"


@click.group()
def vault() -> None:
    """The encrypted vault: integrity checks and key rotation."""


@vault.command("check")
@click.option(
    "--repair",
    is_flag=True,
    help="Delete orphan and temporary files; mark lost rows (recorded in the audit trail).",
)
def vault_check_command(repair: bool) -> None:
    """Verify every stored blob and find orphans; exit 1 when a problem remains."""
    setup_django()
    from lgrshare.vault.integrity import vault_check

    report = vault_check(repair=repair, actor=cli_actor())
    for finding in report.findings:
        state = "repaired" if finding.repaired else "problem"
        click.echo(f"{state} [{finding.code}] {finding.name}: {finding.message}")
    click.echo(
        f"Verified {report.verified} blob(s), {report.verified_bytes:,} bytes; "
        f"{report.destroyed} destroyed, {report.lost} recorded lost, "
        f"{report.in_flight} file(s) being written."
    )
    remaining = len(report.remaining)
    repaired = len(report.findings) - remaining
    click.echo(f"{remaining} problem(s) remain, {repaired} repaired.")
    if remaining:
        raise click.exceptions.Exit(1)


@vault.command("rotate-kek")
@click.option(
    "--new-kek-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Re-wrap to this KEK file (created if missing) instead of LGRSHARE_KEK_FILE.",
)
def vault_rotate_kek_command(new_kek_file: Path | None) -> None:
    """Re-wrap every data key with the current (or a new) KEK; data is not re-encrypted."""
    setup_django()
    from lgrshare.vault.rotation import vault_rotate_kek

    report = vault_rotate_kek(actor=cli_actor(), new_kek_file=new_kek_file)
    if report.created:
        click.echo(f"Created a new KEK file {new_kek_file} (mode 0600).")
    click.echo(
        f"Re-wrapped {report.rewrapped} data key(s) with KEK {report.kek_id}; "
        f"{report.already_current} already were."
    )
    for blob_id, code in report.failed:
        click.echo(f"problem [{code}] {blob_id}: its data key could not be re-wrapped")
    if new_kek_file is not None:
        click.echo(
            f"Now set LGRSHARE_KEK_FILE={new_kek_file}, list the old file in "
            "LGRSHARE_KEK_PREVIOUS_FILES, restart, and run `lgrshare vault rotate-kek` again."
        )
    if report.failed:
        raise click.exceptions.Exit(1)


@click.group()
def audit() -> None:
    """The audit trail: verification and export."""


@audit.command("verify")
@click.option("--anchor", "anchor_text", help="A head recorded elsewhere earlier, as SEQ:HASH.")
def audit_verify_command(anchor_text: str | None) -> None:
    """Recompute the hash chain; name the first altered, missing or reordered row (exit 1)."""
    setup_django()
    from lgrshare.audit.anchor import anchor_path, parse_head
    from lgrshare.audit.verification import audit_verify

    verdict = audit_verify(anchor=parse_head(anchor_text) if anchor_text else None)
    if verdict.intact:
        click.echo(f"Intact: {verdict.message}.")
        if verdict.head is not None:
            click.echo(f"Head: {verdict.head.seq}:{verdict.head.hash}")
        return
    if verdict.problem == "anchor-missing":
        click.echo(f"Not verified [anchor-missing]: {verdict.message}.")
        raise click.exceptions.Exit(1)
    click.echo(f"Broken [{verdict.problem}] at row {verdict.first_bad_seq}: {verdict.message}.")
    click.echo(f"{verdict.checked} record(s) verified before it.", err=True)
    if verdict.problem == "record-missing" and anchor_text is None:
        click.echo(f"(Checked against the head anchor {anchor_path()}.)", err=True)
    raise click.exceptions.Exit(1)


@audit.command("export")
@click.option("--dataset", default="", help="Only entries about this dataset (its id).")
@click.option("--actor", default="", help="Only entries made by this username.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The CSV file to write.",
)
def audit_export_command(dataset: str, actor: str, output: Path) -> None:
    """Write the audit trail (or part of it) as CSV, with formula-like cells neutralised."""
    setup_django()
    from lgrshare.audit.export import audit_export

    with output.open("w", encoding="utf-8", newline="") as out:
        count = audit_export(out=out, exporter=cli_actor(), dataset=dataset, actor=actor)
    click.echo(f"Wrote {count} audit entr{'y' if count == 1 else 'ies'} to {output}.")


def register(main: click.Group) -> None:
    """Add the vault and audit commands to ``main``."""
    main.add_command(vault)
    main.add_command(audit)

"""``lgrshare backup OUT`` and ``lgrshare restore IN`` (see ``retention.backup``)."""

from __future__ import annotations

from pathlib import Path

import click

from lgrshare.cli.base import setup_django


@click.command("backup")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
def backup_command(out: Path) -> None:
    """Write a consistent copy of the database and the vault to the directory OUT. The
    key-encryption key stays outside: the manifest names it by id."""
    setup_django()
    from lgrshare.retention.backup import backup_write

    result = backup_write(out=out)
    click.echo(f"Backed up {result.records} records and {result.files} files to {out}.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(source: Path) -> None:
    """Restore the backup in SOURCE into this fresh instance, then re-apply every deletion
    certificate issued since, so deleted data stays deleted."""
    setup_django()
    from lgrshare.retention.backup import backup_restore

    result = backup_restore(source=source)
    click.echo(f"Restored {result.records} records and {result.files} files.")
    for reference in result.reapplied:
        click.echo(f"Re-applied deletion certificate {reference}.")


def register(main: click.Group) -> None:
    """Add the backup and restore commands to ``main``."""
    main.add_command(backup_command)
    main.add_command(restore_command)

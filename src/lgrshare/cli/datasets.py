"""Commands that read data through the one read path: export a dataset, compile a standard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lgrshare.cli.base import setup_django

if TYPE_CHECKING:
    from lgrshare.councils.models import User

FORMATS = click.Choice(["csv", "xlsx", "zip"])


def _user(username: str) -> User:
    from lgrshare.councils.models import User
    from lgrshare.domain.errors import InvalidInput

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise InvalidInput(f"There is no active user {username!r}", code="user-not-found")
    return user


def _write(content: bytes, out: Path) -> None:
    out.write_bytes(content)
    click.echo(f"Wrote {out} ({len(content):,} bytes).")


@click.group()
def dataset() -> None:
    """A dataset's data, as one person may have it."""


@dataset.command("export")
@click.argument("slug")
@click.option("--user", "username", required=True, help="Whose access to use (audited).")
@click.option("--format", "fmt", type=FORMATS, default="zip", show_default=True)
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def dataset_export(slug: str, username: str, fmt: str, out: Path) -> None:
    """Download a dataset with its context (every period, caveats, reports), as USER may."""
    setup_django()
    from lgrshare.catalogue.services import dataset_get_for_user
    from lgrshare.datasets.downloads import dataset_download

    user = _user(username)
    found = dataset_get_for_user(slug=slug, user=user)
    _write(dataset_download(user=user, dataset=found, fmt=fmt).content, out)


@click.command("compile")
@click.option("--agreement", "agreement_id", required=True, type=int, help="Agreement number.")
@click.option("--standard", required=True, help="The standard to compile, e.g. council-tax-base.")
@click.option("--user", "username", required=True, help="Whose access to use (audited).")
@click.option("--format", "fmt", type=FORMATS, default="zip", show_default=True)
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the coverage as JSON.")
def compile_command(
    agreement_id: int, standard: str, username: str, fmt: str, out: Path | None, as_json: bool
) -> None:
    """Compile every council's accepted submissions of a standard under an agreement: print the
    coverage, and with -o write the compiled data with its coverage and caveats."""
    setup_django()
    from lgrshare.agreements.services import agreement_get_for_user
    from lgrshare.datasets.bundle import export
    from lgrshare.datasets.compile import compile_standard, compiled_bundle

    user = _user(username)
    agreement = agreement_get_for_user(pk=agreement_id, user=user)
    result = compile_standard(user=user, agreement=agreement, standard_name=standard)
    if as_json:
        click.echo(json.dumps(result.coverage.to_json(), indent=2))
    else:
        click.echo(
            f"{result.standard.title} under {agreement.reference}: {result.frame.height:,} rows "
            f"from {sum(1 for c in result.coverage.councils if c.periods)} councils."
        )
        for council in result.coverage.councils:
            state = council.refused or ", ".join(council.periods) or "nothing submitted"
            flagged = f" ({council.flagged} rows name another council)" if council.flagged else ""
            click.echo(f"  {council.name}: {state}{flagged}")
        for name, period in result.coverage.missing:
            click.echo(f"  Missing: {name}, {period}")
        for line in result.coverage.differences:
            click.echo(f"  Difference: {line}")
        if result.disclosure is not None:
            for line in result.disclosure.lines:
                click.echo(f"  {line}")
    if out is not None:
        _write(export(compiled_bundle(result), fmt=fmt).content, out)


def register(main: click.Group) -> None:
    main.add_command(dataset)
    main.add_command(compile_command)

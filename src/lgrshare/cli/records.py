"""Commands for the catalogue and the area forum: import published metrics, list requests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from lgrshare.cli.base import setup_django


@click.group()
def catalogue() -> None:
    """The catalogue of datasets."""


@catalogue.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", required=True, help="Title of the dataset in the catalogue.")
@click.option("--publisher", required=True, help="Who published the figures, e.g. 'LG Inform'.")
@click.option("--source", default="", help="Where the figures came from (address or citation).")
@click.option("--licence", default="Open Government Licence v3.0", show_default=True)
@click.option("--vintage", default="", help="Period or date of the figures.")
@click.option("--area", "area_gss", default="", help="Show it to one area only (county GSS).")
def catalogue_import(
    file: Path,
    title: str,
    publisher: str,
    source: str,
    licence: str,
    vintage: str,
    area_gss: str,
) -> None:
    """Import published metrics in long form (CSV, XLSX or JSON) as public data."""
    setup_django()
    from lgrshare.catalogue.imports import ImportInvalid, metrics_import
    from lgrshare.councils.services import area_get

    area = None
    if area_gss:
        area = area_get(county_gss=area_gss)
    try:
        result = metrics_import(
            content=file.read_bytes(),
            file_name=file.name,
            title=title,
            publisher=publisher,
            source=source,
            licence=licence,
            vintage=vintage,
            area=area,
        )
    except ImportInvalid as exc:
        for error in exc.report.errors[:20]:
            click.echo(
                f"  row {error.row} {error.field or ''}: [{error.code}] {error.message}", err=True
            )
        raise
    click.echo(
        f"Imported {result.rows} figures as '{result.dataset.title}' ({result.dataset.slug})."
    )


@click.group()
def requests() -> None:
    """Data requests in an area's forum."""


@requests.command("list")
@click.option("--area", "area_gss", required=True, help="County GSS code of the area.")
def requests_list(area_gss: str) -> None:
    """List an area's requests (drafts excluded) with their status, age and answers."""
    setup_django()
    from django.utils import timezone
    from django.utils.timesince import timesince

    from lgrshare.councils.services import area_get
    from lgrshare.requests.models import DataRequest

    area = area_get(county_gss=area_gss)
    found = (
        DataRequest.objects.filter(area=area)
        .exclude(state="draft")
        .select_related("requesting_council")
        .prefetch_related("responses__council")
    )
    now = timezone.now()
    click.echo(f"{area.name}: {found.count()} request(s)")
    for r in found:
        answers = ", ".join(f"{x.council.name}: {x.answer}" for x in r.responses.all())
        age = timesince(r.opened_at or r.created_at, now)
        who = r.requesting_council.name
        click.echo(f"{r.reference}  {r.state:<9}  {age:<14}  {who}  {r.question[:70]}")
        click.echo(f"    {answers}")


class AgreementReference(click.ParamType):
    """An agreement as people write it, ``DSA-00002`` (any case), or its number, ``2``."""

    name = "agreement"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = re.fullmatch(r"\s*(?:DSA-?)?0*([0-9]+)\s*", str(value), re.IGNORECASE)
        if match is None:
            self.fail(f"{value!r} is not an agreement reference like DSA-00002", param, ctx)
        return int(match.group(1))


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--agreement",
    "agreement_id",
    required=True,
    type=AgreementReference(),
    metavar="DSA-NNNNN",
    help="The agreement: its reference (DSA-00002) or number (2).",
)
@click.option("--standard", required=True, help="The standard the file follows.")
@click.option("--council", required=True, help="GSS code of the council providing it.")
@click.option("--period", required=True, help="The period the data covers, e.g. 2025-26.")
@click.option("--user", "username", required=True, help="Who submits it (a data lead or analyst).")
@click.option(
    "--drop-unagreed",
    is_flag=True,
    help="Remove columns the agreement does not share before storing (else they are refused).",
)
def submit(
    file: Path,
    agreement_id: int,
    standard: str,
    council: str,
    period: str,
    username: str,
    drop_unagreed: bool,
) -> None:
    """Submit FILE under an agreement: checked, encrypted, stored, awaiting the data lead."""
    setup_django()
    from lgrshare.agreements.services import agreement_get_for_user
    from lgrshare.councils.models import User
    from lgrshare.domain.errors import InvalidInput
    from lgrshare.submissions import services

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise InvalidInput(f"There is no active user {username!r}", code="user-not-found")
    dataset = services.dataset_for(
        agreement=agreement_get_for_user(pk=agreement_id, user=user),
        standard=standard,
        council=council.strip().upper(),
    )
    with file.open("rb") as source:
        created = services.submission_create(
            user=user,
            dataset=dataset,
            source=source,
            file_name=file.name,
            size=file.stat().st_size,
            period=period,
            drop_unagreed=drop_unagreed,
        )
    counts = created.report.get("stats", {}).get("counts", {})
    state = (
        "valid" if created.valid else "invalid: " + ", ".join(f"{n} {c}" for c, n in counts.items())
    )
    click.echo(
        f"{created.reference}: {created.file_name} stored encrypted ({state}); "
        "waiting for the data lead to accept it."
    )
    if not created.valid:
        raise SystemExit(1)


def register(main: click.Group) -> None:
    main.add_command(catalogue)
    main.add_command(requests)
    main.add_command(submit)

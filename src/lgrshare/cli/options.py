"""``lgrshare options appraise --area GSS --option FILE [--json]``: appraise a unitary option.

Runs offline on the shipped public reference data (no database). FILE is JSON
``{"name": ..., "councils": {"East Surrey": ["E07000207", ...]}}``; a council's list may hold
district, ward (2024) or LSOA (2021) codes. Exit status: 0 appraised, 1 the option has
problems (each one listed), 2 the file or area cannot be used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from lgrshare.domain.appraisal import (
    LSOA_SPLIT_NOTE,
    appraise,
    format_difference,
    format_value,
)
from lgrshare.domain.options import (
    OptionInvalid,
    option_check,
    option_from_json,
    two_tier_area,
)

SHOWN = (
    "population",
    "age_0_17",
    "age_18_64",
    "age_65_plus",
    "land_area_ha",
    "density",
    "guideline_gap",
    "imd_score",
    "imd_most_deprived_10",
    "imd_most_deprived_20",
    "tax_base",
    "band_d_weighted",
    "net_revenue_expenditure",
    "earmarked_share",
    "unallocated_share",
    "dsg_deficit",
    "debt_service_share",
)


def register(main: click.Group) -> None:
    """Add the ``options`` group to ``main``."""
    main.add_command(options)


@click.group()
def options() -> None:
    """Unitary options: appraise proposed councils on published figures."""


def read_option_file(path: Path) -> object:
    """Return the parsed JSON of ``path``; raises ``OptionInvalid`` when it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise OptionInvalid(f"Cannot read {path}: {exc.__class__.__name__}.") from None
    except ValueError as exc:
        raise OptionInvalid(f"{path} is not JSON: {exc}.") from None


@options.command("appraise")
@click.option("--area", "area", required=True, metavar="GSS", help="The county, e.g. E10000030.")
@click.option(
    "--option",
    "option_file",
    required=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help='The option as JSON: {"name": ..., "councils": {name: [codes]}}.',
)
@click.option("--json", "as_json", is_flag=True, help="Print the appraisal (or problems) as JSON.")
@click.pass_context
def appraise_command(ctx: click.Context, area: str, option_file: Path, as_json: bool) -> None:
    """Check an option covers the area once, then appraise each proposed council."""
    area_name = two_tier_area(area)
    option = option_from_json(read_option_file(option_file))
    report = option_check(option=option, area=area.strip().upper())
    if not report.valid:
        if as_json:
            click.echo(json.dumps(report.as_dict(), indent=2))
        else:
            click.echo(f"{option.name}: {len(report.problems)} problem(s) in {area_name}", err=True)
            for problem in report.problems:
                click.echo(f"  [{problem.code}] {problem.message}", err=True)
        ctx.exit(1)
    appraisal = appraise(report=report, area_name=area_name)
    if as_json:
        click.echo(json.dumps(appraisal.as_dict(), indent=2))
        return
    click.echo(f"{appraisal.option_name} ({area_name}, {len(appraisal.councils)} councils)")
    for council in appraisal.councils:
        click.echo(f"\n{council.name}: " + ", ".join(p.name for p in council.predecessors))
        if council.figure("population").note == LSOA_SPLIT_NOTE:
            click.echo(f"  {LSOA_SPLIT_NOTE}")
        for key in SHOWN:
            figure = council.figure(key)
            click.echo(f"  {figure.label:<62} {format_value(figure.value, figure.unit):>16}")
        if council.no_outturn_return:
            click.echo("  No 2023-24 outturn return: " + ", ".join(council.no_outturn_return))
        click.echo("  Most like: " + ", ".join(n.name for n in council.neighbours))
    if appraisal.spread:
        click.echo("\nSpread between the councils (largest minus smallest):")
        for spread in appraisal.spread:
            click.echo(
                f"  {spread.label:<62} {format_difference(spread.difference, spread.unit):>16}"
                f"  ({spread.smallest_council} to {spread.largest_council})"
            )
    _sources(appraisal.as_dict())


def _sources(body: dict[str, Any]) -> None:
    click.echo("\nSources (Open Government Licence v3.0):")
    for source in body["sources"].values():
        click.echo(f"  {source['publisher']}: {source['title']} ({source['vintage']})")

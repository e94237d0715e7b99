"""``lgrshare standards``: list the built-in data standards, show one, write a blank template.

Runs offline: no database, no settings. Errors come from the domain as ``LgrShareError`` and the
``LgrShareGroup`` at the top prints them as ``Error [code]: message`` with exit status 2.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import click

from lgrshare.domain.errors import LgrShareError
from lgrshare.domain.standards.model import Standard, builtin_standards, load_standard
from lgrshare.domain.standards.templates import (
    TEMPLATE_FORMATS,
    TemplateFormat,
    constraint_summary,
    template_bytes,
    template_filename,
    write_template,
)


class TemplateExists(LgrShareError):
    code = "output-exists"
    title = "The output file already exists"
    status = 409


class TemplateFormatMismatch(LgrShareError):
    code = "template-format-mismatch"
    title = "The output file name does not match the template format"
    status = 400


def register(main: click.Group) -> None:
    """Add the ``standards`` group to ``main``."""
    main.add_command(standards)


@click.group()
def standards() -> None:
    """The built-in LGR data standards: list them, read one, get a blank template."""


@standards.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_standards(*, as_json: bool) -> None:
    """List the built-in standards."""
    items = builtin_standards()
    if as_json:
        rows = [_summary(standard) for standard in items]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    width = max(len(standard.name) for standard in items)
    for standard in items:
        click.echo(
            f"{standard.name:<{width}}  {standard.version:<7}  "
            f"{standard.sensitivity:<18}  {standard.title}"
        )


@standards.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the standard's JSON descriptor.")
def show_standard(name: str, *, as_json: bool) -> None:
    """Describe the standard NAME (a built-in name or a path to a standard JSON file)."""
    standard = load_standard(name)
    if as_json:
        click.echo(json.dumps(standard.to_json(), indent=2, ensure_ascii=False))
        return
    click.echo("\n".join(_describe(standard)))


@standards.command("template")
@click.argument("name")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(TEMPLATE_FORMATS),
    help="csv (header row only) or xlsx (drop-downs and a guidance sheet). "
    "Default: from the output file's extension, else csv.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="File to write, or - for standard output. Default: NAME.FORMAT in the current folder.",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def template(name: str, *, fmt: TemplateFormat | None, output: Path | None, force: bool) -> None:
    """Write a blank template for the standard NAME."""
    standard = load_standard(name)
    if output == Path("-"):
        click.echo(template_bytes(standard, fmt=fmt or "csv"), nl=False)
        return
    fmt = fmt or _format_from_suffix(output) or "csv"
    path = output or Path(template_filename(standard, fmt=fmt))
    suffix = path.suffix.lower().lstrip(".")
    if suffix in TEMPLATE_FORMATS and suffix != fmt:
        raise TemplateFormatMismatch(
            f"{path.name} ends in .{suffix} but the template format is {fmt}: "
            f"change one so Excel opens the file."
        )
    if path.exists() and not force:
        raise TemplateExists(f"{path} already exists: choose another name or add --force.")
    write_template(standard, fmt=fmt, path=path)
    click.echo(f"Wrote {fmt} template for {standard.name} to {path}")


def _format_from_suffix(path: Path | None) -> TemplateFormat | None:
    if path is None:
        return None
    suffix = path.suffix.lower().lstrip(".")
    for fmt in TEMPLATE_FORMATS:
        if suffix == fmt:
            return fmt
    return None


def _summary(standard: Standard) -> dict[str, Any]:
    return {
        "name": standard.name,
        "title": standard.title,
        "version": standard.version,
        "geography_level": standard.geography_level,
        "personal_data": standard.personal_data,
        "sensitivity": standard.sensitivity,
        "fields": len(standard.fields),
    }


def _describe(standard: Standard) -> list[str]:
    wrap = textwrap.TextWrapper(width=96)
    indent = textwrap.TextWrapper(width=96, initial_indent="      ", subsequent_indent="      ")
    blanks = ", ".join(f'"{value}"' for value in standard.missing_values)
    lines = [
        f"{standard.title} ({standard.name}, version {standard.version})",
        f"Geography: {standard.geography_level}   Personal data: {standard.personal_data}   "
        f"Sensitivity: {standard.sensitivity}",
        f"Primary key: {', '.join(standard.primary_key) or 'none'}   Read as blank: {blanks}",
        "",
        *wrap.wrap(standard.description),
        "",
        f"Fields ({len(standard.fields)}):",
    ]
    for field in standard.fields:
        kind = field.type if field.format == "default" else f"{field.type} ({field.format})"
        unit = f", {field.unit}" if field.unit else ""
        lines.append(f"  {field.name}  [{kind}{unit}]  {field.title}".rstrip())
        rules = constraint_summary(field)
        if rules:
            lines.extend(indent.wrap(f"Rules: {rules}"))
        if field.description:
            lines.extend(indent.wrap(field.description))
        if field.example:
            lines.append(f"      Example: {field.example}")
    return lines

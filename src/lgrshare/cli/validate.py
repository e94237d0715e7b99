"""``lgrshare validate FILE --standard NAME_OR_PATH``: check a file before sending it.

Runs offline. Exit status: 0 valid, 1 invalid, 2 could not check (an unknown standard or
sheet, a missing file, a file a submission would refuse unread (its name, kind or emptiness,
with the submission's code), a file that cannot be read as a table at all, or one whose reading
crashed, ``file-unreadable``, or went over a limit on time or memory, ``file-too-complex``):
the file is read in a separate, limited process (``domain.isolation``), so exit 1 always
means the file was read and is not valid. ``--json`` prints only
the report's JSON on stdout (or, when there is no report, ``{"valid": false, "error": {"code",
"message"}}``); otherwise a summary groups the errors by code with the first examples. A
progress bar goes to stderr, only when stderr is a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lgrshare.config import parse_limits
from lgrshare.domain import isolation
from lgrshare.domain.errors import InvalidInput, LgrShareError
from lgrshare.domain.files import TABLE_KINDS, check_file

if TYPE_CHECKING:
    from lgrshare.domain.validation import Report, Subject
    from lgrshare.domain.validation.engine import Progress

EXAMPLES_PER_CODE = 3
# The kinds a submission takes; a file named as one must be one.
SUBMITTED_KINDS = TABLE_KINDS
_PROGRESS_FROM_BYTES = 5 * 1024 * 1024


def register(main: click.Group) -> None:
    """Add the ``validate`` command to ``main``."""
    main.add_command(validate_command)


@click.command("validate")
# Not checked here: ``validate`` says what is wrong with FILE, in JSON too with --json.
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--standard",
    "-s",
    "standard_ref",
    required=True,
    metavar="NAME_OR_PATH",
    help="A built-in standard's name (see `lgrshare standards list`) or a standard JSON file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print only the report, as JSON.")
@click.option(
    "--max-errors",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="List at most this many errors (all are counted).",
)
@click.option("--sheet", help="The XLSX sheet to check (default: the first).")
@click.option(
    "--organisation",
    metavar="GSS_CODE",
    help="The council the file is for: rows naming another are errors (wrong-organisation).",
)
@click.option(
    "--period", help="The period the file is for, e.g. 2023-24: other periods are errors."
)
@click.pass_context
def validate_command(
    ctx: click.Context,
    file: Path,
    standard_ref: str,
    as_json: bool,
    max_errors: int,
    sheet: str | None,
    organisation: str | None,
    period: str | None,
) -> None:
    """Check FILE (CSV or XLSX) against a data standard."""
    # The file is read in a child of a fork server (``domain.isolation``), which imports Polars
    # and the readers as this process does: started first, the two import side by side, and
    # it imports only the reader this file needs. Then this process loads what it uses.
    excel = file.suffix.lower() in (".xlsx", ".xlsm")
    isolation.start_early(
        ["polars", *(["fastexcel"] if excel else []), "lgrshare.domain.validation.isolated"]
    )
    from lgrshare.domain.standards.model import load_standard
    from lgrshare.domain.validation.isolated import validate_isolated

    try:
        subject = _subject(organisation, period)
        standard = load_standard(standard_ref)
        size = file.stat().st_size if file.is_file() else 0
        _check_kind(file, size)
        with _progress_bar(size) as progress:
            report = validate_isolated(
                file,
                standard,
                max_errors=max_errors,
                sheet=sheet,
                progress=progress,
                limits=parse_limits(),
                subject=subject,
            )
    except LgrShareError as exc:
        if as_json:
            # No report: a script reading stdout still gets JSON, saying why.
            failure = {"valid": False, "error": {"code": exc.code, "message": exc.message}}
            click.echo(json.dumps(failure, ensure_ascii=False))
        raise
    if sheet is not None and report.file.get("format") == "csv":
        click.echo(
            f"Note: {file.name} is a CSV file, which has no sheets; --sheet was ignored.", err=True
        )
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, default=str))
    else:
        click.echo(render(report))
    ctx.exit(0 if report.valid else 1 if report.readable else 2)


def _subject(organisation: str | None, period: str | None) -> Subject | None:
    """Return who and what the file is about, from ``--organisation`` and ``--period``."""
    from lgrshare.domain.reference import council_identity
    from lgrshare.domain.validation import Subject

    if organisation is None and period is None:
        return None
    if organisation is None:
        return Subject(name="the organisation", period=period)
    identity = council_identity(organisation.strip().upper())
    if identity is None:
        raise InvalidInput(
            f"{organisation!r} is not a council's GSS code (such as E07000209).",
            code="organisation-not-found",
        )
    return Subject(identity.name, identity.codes, identity.names, period)


def _check_kind(file: Path, size: int) -> None:
    """Refuse what a submission refuses before reading a file, with the same codes, so that
    ``validate`` and ``submit`` agree: a name that is not a plain one (``filename-invalid``), an
    empty file (``file-empty``), a kind a submission does not take (``file-type-not-allowed``), and
    a file named ``.csv`` that is a workbook or ``.xlsx`` that is not (``file-content-mismatch``).
    A path that is not a file is ``validate``'s to refuse (``source-not-found``)."""
    if not file.is_file():
        return
    with file.open("rb") as handle:
        head = handle.read(8192)
    check_file(
        name=file.name, size=size, head=head, max_bytes=max(size, 1), allowed=SUBMITTED_KINDS
    )


@contextmanager
def _progress_bar(size: int) -> Iterator[Progress | None]:
    if size < _PROGRESS_FROM_BYTES or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=size, label="Validating", file=sys.stderr) as bar:

        def progress(done: int) -> None:
            bar.update(done - bar.pos)

        yield progress


def render(report: Report) -> str:
    """Return the report as people read it: verdict, figures, errors grouped by code."""
    from lgrshare.domain.validation import ERROR_TYPES

    stats, file = report.stats, report.file
    verdict = "valid" if report.valid else "NOT VALID"
    lines = [
        f"{file.get('name', 'file')}: {verdict} against {report.standard_name} "
        f"{report.standard_version}",
        f"{stats['rows']:,} rows, {stats['fields']} fields, {_size(stats['bytes'])}, "
        f"checked in {stats['seconds']:.2f} s ({_describe(file)})",
    ]
    if not report.readable:
        lines.append("The file could not be read as a table, so nothing else was checked:")
    total = stats.get("error_count", len(report.errors))
    if total:
        lines.append(f"{total:,} error{'s' if total != 1 else ''}:")
    counts = stats.get("counts", {})
    for code, errors in report.errors_by_code().items():
        title = ERROR_TYPES.get(code, (code, ""))[0]
        lines.append(f"  {code} ({counts.get(code, len(errors)):,}): {title}")
        for error in errors[:EXAMPLES_PER_CODE]:
            lines.append(f"    {error.message}")
        more = counts.get(code, len(errors)) - min(len(errors), EXAMPLES_PER_CODE)
        if more > 0:
            lines.append(f"    … and {more:,} more")
    for code, number in counts.items():
        if code not in report.errors_by_code():
            lines.append(f"  {code} ({number:,}): not listed (over --max-errors)")
    if stats.get("errors_capped"):
        lines.append(
            f"Listed the first {len(report.errors):,} of {total:,} errors: use --max-errors to "
            "list more, --json to see every listed error."
        )
    for caveat in report.caveats:
        where = f" ({caveat.field})" if caveat.field else ""
        lines.append(f"Caveat, {caveat.label}{where}: {caveat.text}")
    return "\n".join(lines)


def _size(number: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if number < 1024 or unit == "GB":
            return f"{number:,} {unit}" if unit == "bytes" else f"{number:,.1f} {unit}"
        number /= 1024  # type: ignore[assignment]
    return f"{number} bytes"


def _describe(file: dict[str, object] | object) -> str:
    from lgrshare.domain.validation.report import read_as

    return read_as(dict(file) if isinstance(file, dict) else {})

"""``validate_isolated``: ``validate`` run in a limited child process (``domain.isolation``).

Every file a person sends (an upload, an offline ``lgrshare validate``) is checked this way,
so a file that crashes a reader, or needs more time or memory than allowed, is refused with
``file-unreadable`` or ``file-too-complex`` and the service goes on. The checks themselves are
``validate``'s, unchanged; only where they run differs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from lgrshare.domain.isolation import Handed, Limits, in_memory_copy, run_limited
from lgrshare.domain.standards.model import Standard
from lgrshare.domain.validation.caveats import Caveat
from lgrshare.domain.validation.engine import Progress, validate
from lgrshare.domain.validation.report import Report
from lgrshare.domain.validation.rules import Subject


def validate_isolated(
    source: Path | BinaryIO,
    standard: Standard,
    *,
    limits: Limits,
    max_errors: int = 1000,
    sheet: str | None = None,
    file_name: str | None = None,
    progress: Progress | None = None,
    caveats: Sequence[Caveat] = (),
    subject: Subject | None = None,
) -> Report:
    """Return ``validate``'s report on ``source``, read in a child process within ``limits``
    (``subject``: who and what the file is about, as ``validate`` takes it).

    A stream (an upload) reaches the child as an in-memory file, never a file on disk. Raises
    what ``validate`` raises, and ``FileUnreadable`` or ``FileTooComplex`` (naming the limit)
    when the child crashed or went over a limit.
    """
    options = {
        "max_errors": max_errors,
        "sheet": sheet,
        "caveats": tuple(caveats),
        "subject": subject,
    }
    if isinstance(source, str | Path):
        options["file_name"] = file_name or Path(source).name
        return _run(str(source), standard, options, limits, progress)
    name = file_name or Path(str(getattr(source, "name", None) or "upload")).name
    options["file_name"] = name
    handed = in_memory_copy(source)
    try:
        return _run(handed, standard, options, limits, progress)
    finally:
        handed.close()


def _run(
    source: str | Handed,
    standard: Standard,
    options: dict[str, Any],
    limits: Limits,
    progress: Callable[[int], None] | None,
) -> Report:
    report: Report = run_limited(
        _validate_job,
        source,
        standard,
        options,
        progress is not None,
        limits=limits,
        what="checking the file",
        progress=progress,
    )
    return report


def _validate_job(
    source: str | Handed,
    standard: Standard,
    options: dict[str, Any],
    with_progress: bool,
    *,
    report: Callable[[Any], None],
) -> Report:
    path = Path(source.path if isinstance(source, Handed) else source)
    return validate(path, standard, progress=report if with_progress else None, **options)

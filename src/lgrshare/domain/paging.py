"""Paging of a table through the API: an offset and a limit, read from the query as sent.

Bad paging is refused, never quietly adjusted: a limit of 0 or 100000 answered with 1 or 1,000
rows looks like a short table to a client that never reads the ``limit`` it got back. Each
refusal names the allowed range. Pure Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lgrshare.domain.errors import InvalidInput

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
_WHOLE = re.compile(r"^[0-9]{1,12}$")


class LimitInvalid(InvalidInput):
    code = "page-limit-invalid"
    title = "The page size is not allowed"


class OffsetInvalid(InvalidInput):
    code = "page-offset-invalid"
    title = "The offset is not a row of the table"


@dataclass(frozen=True, slots=True)
class Paging:
    offset: int = 0
    limit: int = DEFAULT_LIMIT


def paging_parse(*, offset: str = "", limit: str = "", maximum: int = MAX_LIMIT) -> Paging:
    """Return the paging asked for by the query values ``offset`` and ``limit`` (empty: the
    defaults, 0 and ``DEFAULT_LIMIT``).

    Raises ``LimitInvalid`` (``page-limit-invalid``) unless ``limit`` is a whole number from 1
    to ``maximum``; ``OffsetInvalid`` (``page-offset-invalid``) unless ``offset`` is a whole
    number from 0."""
    limit, offset = limit.strip(), offset.strip()
    if limit and not (_WHOLE.match(limit) and 1 <= int(limit) <= maximum):
        raise LimitInvalid(
            f"limit must be a whole number from 1 to {maximum:,}, not {limit[:20]!r}: ask for "
            "the next page with offset (the answer's next link) instead"
        )
    if offset and not _WHOLE.match(offset):
        raise OffsetInvalid(
            f"offset must be a whole number from 0 (the first row), not {offset[:20]!r}"
        )
    return Paging(offset=int(offset or 0), limit=int(limit or DEFAULT_LIMIT))


def paging_check(paging: Paging, *, total: int) -> None:
    """Raise ``OffsetInvalid`` when ``paging`` starts past the last of ``total`` rows (an
    empty table has only offset 0)."""
    if paging.offset and paging.offset >= total:
        last = f"0 to {total - 1:,}" if total else "0 (the table is empty)"
        raise OffsetInvalid(
            f"offset {paging.offset:,} is past the last row: this table has {total:,} "
            f"row{'s' if total != 1 else ''}, so offset must be from {last}"
        )

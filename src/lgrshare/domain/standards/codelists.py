"""GSS code lists that a standard's fields can refer to (``"codeList": "gss:lad"``).

Built from the ONS files shipped in ``lgrshare/reference_data`` (see its licences), once per
process. English codes only: LGR Share serves English councils.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources

from lgrshare.domain.errors import LgrShareError

_LAD_PREFIXES = ("E06", "E07", "E08", "E09")


class CodeListUnknown(LgrShareError):
    code = "code-list-unknown"
    title = "No such code list"
    status = 400


def _rows(file_name: str) -> Iterable[dict[str, str]]:
    text = (resources.files("lgrshare") / "reference_data" / file_name).read_text("utf-8-sig")
    return csv.DictReader(io.StringIO(text))


def _lad() -> frozenset[str]:
    lookup = {
        row["ltla23_code"]
        for row in _rows("ons_ltla23_utla23_ew_lookup.csv")
        if row["ltla23_code"].startswith(_LAD_PREFIXES)
    }
    return frozenset(
        lookup | {row["ltla24_code"] for row in _rows("ons_lad24_rgn24_en_lookup.csv")}
    )


def _county() -> frozenset[str]:
    return frozenset(
        row["utla23_code"]
        for row in _rows("ons_ltla23_utla23_ew_lookup.csv")
        if row["utla23_code"].startswith("E10")
    )


def _ward_2024() -> frozenset[str]:
    return frozenset(
        row["areacd"]
        for row in _rows("onsvisual_wd24_names_codes_uk.csv")
        if row["areacd"].startswith("E05")
    )


def _lsoa_2021() -> frozenset[str]:
    return frozenset(
        row["lsoa21_code"]
        for row in _rows("ons_lsoa21_wd24_lad24_ew_lookup.csv")
        if row["lsoa21_code"].startswith("E01")
    )


_BUILDERS: dict[str, Callable[[], frozenset[str]]] = {
    "gss:lad": _lad,
    "gss:county": _county,
    "gss:ward-2024": _ward_2024,
    "gss:lsoa-2021": _lsoa_2021,
}
CODE_LISTS: dict[str, str] = {
    "gss:lad": "English local authority districts (E06, E07, E08, E09), ONS 2023 and 2024",
    "gss:county": "English county councils (E10), ONS April 2023",
    "gss:ward-2024": "English electoral wards (E05), ONS 2024",
    "gss:lsoa-2021": "English lower layer super output areas (E01), ONS 2021",
}


@cache
def code_list(ref: str) -> frozenset[str]:
    """Return the codes of the list ``ref`` (for example ``gss:lad``).

    Raises ``CodeListUnknown`` for a reference that names no list.
    """
    builder = _BUILDERS.get(ref)
    if builder is None:
        raise CodeListUnknown(f"No code list {ref!r}; known: {', '.join(sorted(_BUILDERS))}.")
    return builder()

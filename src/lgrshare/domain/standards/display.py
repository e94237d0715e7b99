"""How a cell of a standard's table reads on a page: plain numbers, proportions as percentages.

A CSV keeps what the council typed (DLUHC's collection rate is ``0.98399999999999999``, a
binary float written out in full); people read ``98.4%``. Downloads and the API keep the cell
as submitted: this is for pages only.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from lgrshare.domain.standards.model import FieldSpec, Standard

# A field whose ``unit`` is this holds a fraction between 0 and 1, shown as a percentage.
PROPORTION = "proportion"
# More significant digits than a double holds faithfully are noise from a float written out.
_SIGNIFICANT = 15


def cell_text(spec: FieldSpec | None, cell: object) -> str:
    """Return ``cell`` as a page shows it: "" for None; "Yes" or "No" for a flag; a number
    field's value without float noise (``0.98399999999999999`` -> ``0.984``) and, where the
    field counts or measures something (it has a ``unit``), with its thousands separated
    (``11,392,760``); a proportion as a percentage (``98.4%``); anything else, or a number that
    does not parse, as it is."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "Yes" if cell else "No"
    text = str(cell)
    if spec is None or spec.type not in ("number", "integer"):
        return text
    try:
        value = Decimal(text.strip().replace(spec.group_char or "\0", ""))
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    if spec.unit == PROPORTION:
        return f"{_trim(f'{_plain(value * 100, places=_SIGNIFICANT - 2):f}')}%"
    if len(value.as_tuple().digits) > _SIGNIFICANT:
        value = Decimal(_trim(f"{_plain(value, places=_SIGNIFICANT):f}"))
    elif not _grouped(spec):
        return text
    if not _grouped(spec):
        return f"{value:f}"
    return f"{value:,f}"


def column_titles(standard: Standard | None, columns: list[str]) -> list[str]:
    """Return the headings of ``columns`` as a page shows them: each field's title; a column
    the standard does not have (lineage such as ``source_submission``) in words."""
    specs = {f.name: f for f in standard.fields} if standard is not None else {}
    return [
        specs[name].title if name in specs and specs[name].title else _words(name)
        for name in columns
    ]


def _grouped(spec: FieldSpec) -> bool:
    """Whether a number field's thousands are separated: it counts or measures something
    (a ``unit``), and is not a coordinate."""
    return bool(spec.unit) and not spec.unit.startswith("degrees")


def _words(name: str) -> str:
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def rows_text(
    standard: Standard | None, columns: list[str], rows: list[tuple[object, ...]]
) -> list[list[str]]:
    """Return ``rows`` of ``columns`` as a page shows them: ``cell_text`` by each field."""
    specs = {f.name: f for f in standard.fields} if standard is not None else {}
    fields = [specs.get(name) for name in columns]
    return [
        [cell_text(spec, cell) for spec, cell in zip(fields, row, strict=False)] for row in rows
    ]


def _plain(value: Decimal, *, places: int) -> Decimal:
    """``value`` to ``places`` significant digits."""
    if value == 0:
        return Decimal(0)
    exponent = value.adjusted() - places + 1
    return value.quantize(Decimal(1).scaleb(exponent)).normalize()


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text

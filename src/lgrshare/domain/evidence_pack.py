"""The evidence pack of an option set: the same tables as XLSX (with "About this data") and as a
Frictionless Data Package (a zip of CSVs and ``datapackage.json`` with schemas and caveats).

``pack_tables(appraisals, compiled)`` returns the tables; ``pack_xlsx`` and ``pack_zip`` the
files' bytes. Every figure row carries its source, vintage and method. The appraisal's figures
are published aggregates (no personal data), so no cell of them is suppressed; indicators from
compiled submissions (``compiled``) carry their own source, vintage, split method and the
disclosure control applied where the standard is derived from personal data. Pure Python.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

from lgrshare.domain.appraisal import Appraisal, rounded, split_rules
from lgrshare.domain.exports import neutralise, neutralise_frame
from lgrshare.domain.geography import METHODS, SOURCES

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(ONS, MHCLG/DLUHC)."
)
CAVEATS = (
    "An LSOA's population is not in the shipped data: it is estimated as an equal share of its "
    "district's mid-2024 population, so a district split by wards or LSOAs is shared by LSOA "
    "count, and its land area is not estimated.",
    "A county council's finance lines are shared between proposed councils by population, or "
    "by an age group as a proxy (0-17 for education, children's social care and the DSG; 65+ "
    "for adult social care): an estimate, not an allocation.",
    "Returns not received by MHCLG (marked [x]) are missing, never zero: the councils without "
    "a return are named, and shares of net revenue expenditure leave them out on both sides.",
    "Outturn is 2023-24, service expenditure 2024-25, council tax 2023-24, dwellings October "
    "2022, population mid-2024, deprivation IMD 2025: figures from different years.",
    "Band D for the new council adds the district's average Band D (without parish precepts) "
    "to the county's; police and fire precepts are left out.",
)
SUPPRESSION = (
    "None applied: every figure is a published aggregate from ONS or MHCLG, not derived from "
    "personal data."
)
PUBLISHED = ("figures", "predecessors", "dwellings", "neighbours", "spread")
PUBLISHED_SUPPRESSION = (
    f"Published figures ({', '.join(PUBLISHED)}): none applied: each is a published aggregate "
    "from ONS or MHCLG, not derived from personal data."
)
# The unit of each number column: a unit, or "@unit" for the row's own unit column. Values are
# rounded to ``PACK_DECIMALS`` of their unit, and the XLSX shows them in ``NUMBER_FORMATS``.
COLUMN_UNITS: dict[str, dict[str, str]] = {
    "figures": {"value": "@unit"},
    "predecessors": {
        "fraction": "share",
        "band_d": "£",
        "tax_base": "Band D equivalents",
        "change_to_harmonise": "£",
    },
    "dwellings": {"dwellings": "dwellings"},
    "neighbours": {
        "population": "people",
        "density": "people per km²",
        "imd_score": "score",
        "distance": "distance",
    },
    "indicators": {"value": "@unit"},
    "spread": {"smallest": "@unit", "largest": "@unit", "difference": "@unit"},
}
NUMBER_FORMATS: dict[str, str] = {
    "£": "£#,##0.00",
    "£ thousand": '£#,##0.00"k"',
    "share": "0.0%",
    "score": "0.000",
    "distance": "0.000",
    "people per km²": "#,##0.0",
    "hectares": "#,##0.00",
    "Band D equivalents": "#,##0.0",
    "Band D equivalent dwellings": "#,##0.0",
}
WHOLE_FORMAT = "#,##0"
OTHER_FORMAT = "#,##0.00"


def _unit(table: str, column: str, row: dict[str, Any]) -> str | None:
    """The unit of ``column`` in ``row`` of ``table`` (None: not a number column)."""
    unit = COLUMN_UNITS.get(table, {}).get(column)
    return str(row.get("unit") or "") if unit == "@unit" else unit


def number_format(unit: str) -> str:
    """The XLSX number format of a figure in ``unit``."""
    if unit in NUMBER_FORMATS:
        return NUMBER_FORMATS[unit]
    return WHOLE_FORMAT if isinstance(rounded(1.5, unit), int) else OTHER_FORMAT


INDICATOR_CAVEAT = (
    "Indicators from compiled submissions add up what councils shared under an agreement: a "
    "proposed council's figure leaves out its districts that have not submitted (named in "
    "the note), so it is not the council's total unless the note is empty."
)


@dataclass(frozen=True, slots=True)
class CompiledFigure:
    """One indicator from compiled submissions for one proposed council."""

    option: str
    council: str
    indicator: str
    measure: str
    unit: str
    value: float | None
    source: str
    vintage: str
    method: str
    disclosure: str
    note: str


@dataclass(frozen=True, slots=True)
class CompiledSource:
    """A standard compiled for the pack (``refused`` says why it is not in it), with the terms
    of the agreement it was shared under: its reference and title, classification (OFFICIAL
    or OFFICIAL-SENSITIVE), purposes and when the data must be deleted."""

    title: str
    source: str = ""
    disclosure: str = ""
    refused: str = ""
    agreement: str = ""  # "DSA-00002"
    agreement_title: str = ""
    classification: str = ""
    purposes: str = ""
    delete_by: str = ""  # the agreement's retention rule in words, or "" when none is set


def agreement_terms(source: CompiledSource) -> str:
    """The terms ``source`` was shared under, in words."""
    return (
        f"Shared under {source.agreement} ({source.agreement_title}), classified "
        f"{source.classification}, for the agreement's purposes only: {source.purposes.strip()} "
        f"Delete by: {source.delete_by or 'not yet set (no date or event recorded)'}. "
        "Not open data: not licensed under the Open Government Licence; share it only as the "
        "agreement allows."
    )


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # a Table Schema type: string, number, integer
    description: str


# The two columns every table of the pack starts with: which option, which proposed council.
OPTION_COUNCIL = (
    Column("option", "string", "The option's name"),
    Column("council", "string", "The proposed council"),
)

TABLES: dict[str, tuple[str, tuple[Column, ...]]] = {
    "figures": (
        "Each proposed council's figures, with source, vintage and method",
        (
            *OPTION_COUNCIL,
            Column("key", "string", "The figure's stable key"),
            Column("label", "string", "What the figure is"),
            Column("value", "number", "The figure (empty when not available)"),
            Column("unit", "string", "Its unit"),
            Column("source", "string", "The published source"),
            Column("vintage", "string", "The source's vintage"),
            Column("method", "string", "How the figure was built"),
            Column("note", "string", "Caveats of this figure"),
        ),
    ),
    "predecessors": (
        "The districts each proposed council is made of, their Band D and the change to harmonise",
        (
            *OPTION_COUNCIL,
            Column("district_code", "string", "GSS code of the predecessor district"),
            Column("district_name", "string", "Its name"),
            Column("fraction", "number", "Share of the district's LSOAs in this council"),
            Column("band_d", "number", "Predecessor Band D 2023-24 for the new council, £"),
            Column("tax_base", "number", "Its tax base taken, Band D equivalents"),
            Column(
                "change_to_harmonise",
                "number",
                "The change to reach the council's weighted average Band D, £: "
                + METHODS["change-to-harmonise"],
            ),
        ),
    ),
    "dwellings": (
        "Dwellings on the valuation list by council tax band (October 2022)",
        (
            *OPTION_COUNCIL,
            Column("band", "string", "Council tax band A to H"),
            Column(
                "dwellings", "integer", "Dwellings in the band (a split district's share rounded)"
            ),
        ),
    ),
    "neighbours": (
        "The existing English unitary councils most like each proposed council",
        (
            *OPTION_COUNCIL,
            Column("rank", "integer", "1 = most alike"),
            Column("code", "string", "GSS code of the existing council"),
            Column("name", "string", "Its name"),
            Column("population", "integer", "Its mid-2024 population"),
            Column("density", "number", "People per square kilometre"),
            Column("imd_score", "number", "IMD 2025 district average score"),
            Column("distance", "number", "Standardised distance (smaller = more alike)"),
        ),
    ),
    "indicators": (
        "Indicators from councils' compiled submissions, with source, vintage, split method "
        "and disclosure control",
        (
            *OPTION_COUNCIL,
            Column("indicator", "string", "What is counted (the measure, or its category)"),
            Column("measure", "string", "The standard's field added up"),
            Column("unit", "string", "Its unit"),
            Column("value", "number", "The figure (empty when no rows reached the council)"),
            Column("source", "string", "The standard, agreement and councils that submitted"),
            Column("vintage", "string", "The period and the submission versions read"),
            Column("method", "string", "How rows reached the council (the split method)"),
            Column("disclosure", "string", "Disclosure control applied"),
            Column("note", "string", "Districts not covered, withheld cells left out"),
        ),
    ),
    "spread": (
        "The spread of key figures between an option's councils",
        (
            Column("option", "string", "The option's name"),
            Column("key", "string", "The figure's key"),
            Column("label", "string", "What the figure is"),
            Column("unit", "string", "Its unit"),
            Column("smallest", "number", "Smallest value"),
            Column("smallest_council", "string", "Council with it"),
            Column("largest", "number", "Largest value"),
            Column("largest_council", "string", "Council with it"),
            Column("difference", "number", "Largest minus smallest, as rounded"),
        ),
    ),
}


def pack_tables(
    appraisals: Sequence[Appraisal], compiled: Sequence[CompiledFigure] = ()
) -> dict[str, pl.DataFrame]:
    """Return the pack's tables (``TABLES``' columns, in order) for ``appraisals`` and the
    indicators ``compiled``."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    rows["indicators"] = [
        {c.name: getattr(figure, c.name) for c in TABLES["indicators"][1]} for figure in compiled
    ]
    for a in appraisals:
        body = a.as_dict()
        for council in body["councils"]:
            base = {"option": a.option_name, "council": council["name"]}
            for f in council["figures"]:
                rows["figures"].append(
                    {
                        **base,
                        **{
                            k: f[k]
                            for k in (
                                "key",
                                "label",
                                "value",
                                "unit",
                                "source",
                                "vintage",
                                "method",
                                "note",
                            )
                        },
                    }
                )
            for p in council["predecessors"]:
                rows["predecessors"].append(
                    {
                        **base,
                        "district_code": p["code"],
                        "district_name": p["name"],
                        **{
                            k: p[k]
                            for k in ("fraction", "band_d", "tax_base", "change_to_harmonise")
                        },
                    }
                )
            for band, count in council["dwellings_by_band"].items():
                rows["dwellings"].append({**base, "band": band, "dwellings": count})
            for rank, n in enumerate(council["nearest_unitaries"], start=1):
                rows["neighbours"].append({**base, "rank": rank, **n})
        for s in body["spread"]:
            rows["spread"].append(
                {
                    "option": a.option_name,
                    **{
                        k: s[k]
                        for k in (
                            "key",
                            "label",
                            "unit",
                            "smallest",
                            "smallest_council",
                            "largest",
                            "largest_council",
                            "difference",
                        )
                    },
                }
            )
    for name, found in rows.items():
        for row in found:
            for column in COLUMN_UNITS[name]:
                unit = _unit(name, column, row)
                if unit is not None and row.get(column) is not None:
                    row[column] = rounded(row[column], unit)
    dtypes = {"string": pl.String, "number": pl.Float64, "integer": pl.Int64}
    return {
        name: pl.DataFrame(
            rows[name],
            schema={c.name: dtypes[c.type] for c in columns},
            orient="row",
        )
        if rows[name]
        else pl.DataFrame(schema={c.name: dtypes[c.type] for c in columns})
        for name, (_, columns) in TABLES.items()
    }


def about_rows(
    appraisals: Sequence[Appraisal], sources: Sequence[CompiledSource] = ()
) -> list[tuple[str, str]]:
    """The "About this data" sheet: (heading, text) rows. When councils' figures shared under
    an agreement are in the pack (the ``indicators`` sheet), it says so first: their
    classification, agreement, purposes, delete-by date, that they are not open data, and
    the suppression applied to them."""
    used = [s for s in sources if not s.refused]
    agreements = sorted({s.agreement for s in used if s.agreement})
    classes = sorted({s.classification for s in used if s.classification})
    rows = [
        ("Evidence pack", "Appraisal of unitary options on published figures, by LGR Share"),
        ("Options", "; ".join(f"{a.option_name} ({a.area_name})" for a in appraisals)),
    ]
    if used:
        rows += [
            (
                "Shared data included",
                "The indicators sheet holds councils' figures shared under "
                f"{', '.join(agreements) or 'an agreement'}, classified "
                f"{' and '.join(classes) or 'OFFICIAL'}: not open data. Use them only for the "
                "agreement's purposes and delete them by the agreement's date.",
            ),
            *[(f"Agreement: {s.title}", agreement_terms(s)) for s in used],
        ]
    rows += [
        (
            "Licence",
            ATTRIBUTION
            + (
                " This covers the published figures only: the indicators sheet is licensed "
                f"by {', '.join(agreements) or 'its agreement'}, not the Open Government Licence."
                if used
                else ""
            ),
        ),
        ("Suppression applied", PUBLISHED_SUPPRESSION if used else SUPPRESSION),
        *[(f"Suppression applied: {s.title}", s.disclosure) for s in used],
        (
            "Agreements",
            "; ".join(s.source for s in used)
            if used
            else "None: the appraisal uses public data only, shared under no agreement.",
        ),
        *[(f"Not included: {s.title}", s.refused) for s in sources if s.refused],
        (
            "Sensitivity",
            f"{' and '.join(classes)}: the indicators sheet holds figures shared under "
            f"{', '.join(agreements)}. The rest are published figures; the options themselves "
            "may be politically sensitive until the area publishes them."
            if used
            else "Official. Published figures; the options themselves may be "
            "politically sensitive until the area publishes them.",
        ),
    ]
    rows += [
        (f"Source: {s.publisher}", f"{s.title}; vintage {s.vintage}; {s.licence}; file {s.file}")
        for s in SOURCES.values()
    ]
    rows += [("Caveat", c) for c in (*CAVEATS, *((INDICATOR_CAVEAT,) if used else ()))]
    rows += [(f"Method: {k}", v) for k, v in METHODS.items()]
    rules = split_rules()
    rows += [(f"County split: {line}", rules.bases[basis]) for line, basis in rules.lines.items()]
    rows.append(("County split: every other line", rules.bases[rules.default]))
    return rows


def pack_xlsx(
    appraisals: Sequence[Appraisal],
    compiled: Sequence[CompiledFigure] = (),
    sources: Sequence[CompiledSource] = (),
) -> bytes:
    """Return the pack as an XLSX workbook: "About this data" first, then each table."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = "About this data"
    about.append(["About this data", ""])
    about["A1"].font = Font(bold=True, size=14)
    for heading, text in about_rows(appraisals, sources):
        about.append([neutralise(heading), neutralise(text)])
    about.column_dimensions["A"].width = 34
    about.column_dimensions["B"].width = 120
    for name, frame in pack_tables(appraisals, compiled).items():
        sheet = book.create_sheet(name)
        sheet.append(frame.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.iter_rows(named=True):
            sheet.append([neutralise(v) if isinstance(v, str) else v for v in row.values()])
            for cell, column in zip(sheet[sheet.max_row], frame.columns, strict=True):
                _format(cell, _unit(name, column, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _format(cell: Cell, unit: str | None) -> None:
    if unit is not None and isinstance(cell.value, int | float):
        cell.number_format = number_format(unit)


def datapackage(
    appraisals: Sequence[Appraisal], sources: Sequence[CompiledSource] = ()
) -> dict[str, Any]:
    """Return ``datapackage.json``'s content: resources with Table Schemas, sources, licence
    and caveats."""
    used = [s for s in sources if not s.refused]
    agreements = sorted({s.agreement for s in used if s.agreement})
    shared = {
        # Councils' figures shared under an agreement: its terms, not the OGL.
        "indicators": {
            "licenses": [
                {
                    "name": s.agreement,
                    "title": f"{s.agreement} {s.agreement_title}: data sharing agreement, "
                    "not open data",
                }
                for s in used
                if s.agreement
            ],
            "classification": " and ".join(sorted({s.classification for s in used})),
            "agreements": [
                {
                    "reference": s.agreement,
                    "title": s.agreement_title,
                    "classification": s.classification,
                    "purposes": s.purposes,
                    "delete_by": s.delete_by,
                    "suppression": s.disclosure,
                }
                for s in used
            ],
        }
        if used
        else {}
    }
    caveats = {
        "indicators": [
            *[agreement_terms(s) for s in used],
            INDICATOR_CAVEAT,
            *[f"{s.title}: {s.disclosure}" for s in used],
            *[f"Not included: {s.title}: {s.refused}" for s in sources if s.refused],
        ]
    }
    return {
        "name": "lgr-option-appraisal",
        "title": "Unitary option appraisal: "
        + "; ".join(f"{a.option_name} ({a.area_name})" for a in appraisals),
        "licenses": [
            {
                "name": "OGL-UK-3.0",
                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
                "title": "Open Government Licence v3.0",
            }
        ],
        "sources": [{"title": f"{s.publisher}: {s.title} ({s.vintage})"} for s in SOURCES.values()]
        + [{"title": s.source} for s in used],
        "description": (
            f"{ATTRIBUTION} The Open Government Licence covers the published figures ("
            f"{', '.join(PUBLISHED)}). The indicators resource is councils' figures shared "
            f"under {', '.join(agreements) or 'an agreement'}, classified "
            f"{shared['indicators']['classification']}: not open data, for the agreement's "
            "purposes only, licensed by the agreement. Suppression applied: "
            f"{PUBLISHED_SUPPRESSION} Indicators: " + " ".join(s.disclosure for s in used)
            if used
            else f"{ATTRIBUTION} Suppression applied: {SUPPRESSION}"
        ),
        "caveats": [*CAVEATS, *((INDICATOR_CAVEAT,) if used else ())],
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "title": title,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                **({"caveats": caveats[name]} if name in caveats else {}),
                **shared.get(name, {}),
                "schema": {
                    "fields": [
                        {"name": c.name, "type": c.type, "description": c.description}
                        for c in columns
                    ],
                    "missingValues": [""],
                },
            }
            for name, (title, columns) in TABLES.items()
        ],
    }


def pack_zip(
    appraisals: Sequence[Appraisal],
    compiled: Sequence[CompiledFigure] = (),
    sources: Sequence[CompiledSource] = (),
) -> bytes:
    """Return the pack as a zip: ``datapackage.json`` and one CSV per table."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json",
            json.dumps(datapackage(appraisals, sources), indent=2, ensure_ascii=False),
        )
        for name, frame in pack_tables(appraisals, compiled).items():
            archive.writestr(f"{name}.csv", neutralise_frame(frame).write_csv())
    return out.getvalue()

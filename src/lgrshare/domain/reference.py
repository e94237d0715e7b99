"""England's councils and the two-tier LGR areas, read from the shipped ONS and mySociety files.

Pure Python: the ``councils`` app turns these records into database rows. Figures are the
published ones, unchanged: names from mySociety, structure from the ONS lower-tier → upper-tier
lookup, regions from the ONS district → region lookup, mid-2024 population from ONS MYE2 and land
area (hectares) from the ONS Standard Area Measurements. A county's land area is the sum of its
districts', as the SAM file lists districts only.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from importlib import resources
from typing import TypeVar

from lgrshare.domain.errors import LgrShareError

T = TypeVar("T")

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(ONS, MHCLG). Local authority names and codes © mySociety, CC BY 4.0."
)


class CouncilKind(StrEnum):
    COUNTY = "county"
    DISTRICT = "district"
    UNITARY = "unitary"
    METROPOLITAN = "metropolitan"
    LONDON_BOROUGH = "london-borough"

    @property
    def label(self) -> str:
        return {
            "county": "County council",
            "district": "District council",
            "unitary": "Unitary authority",
            "metropolitan": "Metropolitan borough",
            "london-borough": "London borough",
        }[self.value]


# The first three characters of an English GSS code name the kind of council.
_KIND_BY_PREFIX = {
    "E10": CouncilKind.COUNTY,
    "E07": CouncilKind.DISTRICT,
    "E06": CouncilKind.UNITARY,
    "E08": CouncilKind.METROPOLITAN,
    "E09": CouncilKind.LONDON_BOROUGH,
}


class ReferenceDataError(LgrShareError):
    code = "reference-data-invalid"
    title = "The shipped reference data is inconsistent"
    status = 500


@dataclass(frozen=True, slots=True)
class CouncilRecord:
    gss_code: str
    name: str
    official_name: str
    kind: CouncilKind
    county_gss: str | None
    region_gss: str
    region_name: str
    population_mid2024: int
    land_area_ha: Decimal


@dataclass(frozen=True, slots=True)
class ReferenceData:
    councils: tuple[CouncilRecord, ...]
    england_population_mid2024: int

    def by_code(self) -> dict[str, CouncilRecord]:
        return {c.gss_code: c for c in self.councils}

    def districts_of(self, county_gss: str) -> list[CouncilRecord]:
        return [c for c in self.councils if c.county_gss == county_gss]

    @property
    def counties(self) -> list[CouncilRecord]:
        return [c for c in self.councils if c.kind is CouncilKind.COUNTY]


def _rows(file_name: str) -> Iterator[dict[str, str]]:
    text = resources.files("lgrshare").joinpath("reference_data", file_name).read_bytes()
    # utf-8-sig: several ONS files start with a byte order mark.
    yield from csv.DictReader(io.StringIO(text.decode("utf-8-sig"), newline=""))


def _get(mapping: dict[str, T], code: str, what: str) -> T:
    try:
        return mapping[code]
    except KeyError:
        raise ReferenceDataError(f"{code} has no {what} in the reference data") from None


def kind_of(gss_code: str) -> CouncilKind:
    """Return the kind of English council a GSS code names; raises ``ReferenceDataError``."""
    try:
        return _KIND_BY_PREFIX[gss_code[:3]]
    except KeyError:
        raise ReferenceDataError(f"{gss_code} is not an English council code") from None


def load_reference_data() -> ReferenceData:
    """Read every English council (296 districts/unitaries + 21 counties) from the shipped files.

    Raises ``ReferenceDataError`` when the files disagree (a code missing from one of them).
    """
    upper_of = {
        r["ltla23_code"]: r["utla23_code"]
        for r in _rows("ons_ltla23_utla23_ew_lookup.csv")
        if r["ltla23_code"].startswith("E")
    }
    region_of = {
        r["ltla24_code"]: (r["region24_code"], r["region24_name"])
        for r in _rows("ons_lad24_rgn24_en_lookup.csv")
    }
    names = {r["gss-code"]: r for r in _rows("mysociety_uk_local_authorities_current.csv")}
    population = {r["Code"]: int(r["All ages"]) for r in _rows("ons_mye24_mye2_persons_ew_lad.csv")}
    land = {r["LAD24CD"]: Decimal(r["AREALHECT"]) for r in _rows("ons_sam_lad_dec2024_uk.csv")}

    lower: list[CouncilRecord] = []
    for code, upper in sorted(upper_of.items()):
        region_code, region_name = _get(region_of, code, "region")
        lower.append(
            CouncilRecord(
                gss_code=code,
                name=_get(names, code, "name")["nice-name"],
                official_name=names[code]["official-name"],
                kind=kind_of(code),
                county_gss=upper if upper != code else None,
                region_gss=region_code,
                region_name=region_name,
                population_mid2024=_get(population, code, "population"),
                land_area_ha=_get(land, code, "land area"),
            )
        )

    counties: list[CouncilRecord] = []
    for county in sorted({c.county_gss for c in lower if c.county_gss}):
        districts = [c for c in lower if c.county_gss == county]
        counties.append(
            CouncilRecord(
                gss_code=county,
                name=_get(names, county, "name")["nice-name"],
                official_name=names[county]["official-name"],
                kind=CouncilKind.COUNTY,
                county_gss=None,
                region_gss=districts[0].region_gss,
                region_name=districts[0].region_name,
                population_mid2024=_get(population, county, "population"),
                land_area_ha=sum((d.land_area_ha for d in districts), Decimal(0)),
            )
        )

    return ReferenceData(
        councils=tuple(counties + lower),
        england_population_mid2024=population["E92000001"],
    )


@dataclass(frozen=True, slots=True)
class CouncilIdentity:
    """How a council may be named in a file: its GSS ``codes`` (current, former, and those of
    the councils it replaced) and its known ``names`` (official, short, alternative, and its
    predecessors')."""

    gss_code: str
    name: str
    codes: frozenset[str]
    names: frozenset[str]


@functools.cache
def _identities() -> dict[str, CouncilIdentity]:
    rows = list(_rows("mysociety_uk_local_authorities_current.csv"))

    def codes_of(row: dict[str, str]) -> set[str]:
        former = {code.strip() for code in row["former-gss-codes"].split(",") if code.strip()}
        return {row["gss-code"], *former} - {""}

    def names_of(row: dict[str, str]) -> set[str]:
        alternatives = {name.strip() for name in row["alt-names"].split(",") if name.strip()}
        return {row["official-name"], row["nice-name"], *alternatives} - {""}

    replaced: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        if row["replaced-by"]:
            replaced.setdefault(row["replaced-by"], []).append(row)
    identities = {}
    for row in rows:
        if not row["gss-code"]:
            continue
        codes, names = codes_of(row), names_of(row)
        for before in replaced.get(row["local-authority-code"], []):
            codes |= codes_of(before)
            names |= names_of(before)
        identities[row["gss-code"]] = CouncilIdentity(
            gss_code=row["gss-code"],
            name=row["nice-name"],
            codes=frozenset(codes),
            names=frozenset(names),
        )
    return identities


def council_identity(gss_code: str) -> CouncilIdentity | None:
    """Return how the council ``gss_code`` may be named in a file, or None if it is unknown."""
    return _identities().get(gss_code)

"""Unitary options: a named set of proposed councils, each made of whole districts or, where a
proposal splits a district, of its wards or LSOAs; and the check that the area is covered once.

``option_from_json(body)`` reads ``{"name": ..., "councils": {"East Surrey": ["E07000207", ...]}}``
and raises ``OptionInvalid`` only when the body cannot be read as an option at all.
``option_check(option=, area=)`` returns an ``OptionReport``: every problem found, each with a
stable code (``PROBLEMS``), and, when valid, each council's LSOAs. Pure Python + Polars.

Problems (all of them named, never only the first):
``too-many-councils``, ``too-many-codes``, ``empty-council``, ``unknown-code``,
``outside-area``, ``county-code``, ``part-of-whole-district``,
``assigned-twice``, ``unassigned``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from lgrshare.domain.errors import InvalidInput, NotFound
from lgrshare.domain.geography import county_frame, district_frame, lsoa_frame

# Far above any real proposal (Surrey's options have 1 to 3 councils; England has 317
# councils), far below what would make the check slow.
MAX_COUNCILS = 50
MAX_NAME = 120
_CODE = re.compile(r"^E(0[1-9]|10)\d{6}$")

PROBLEMS = {
    "too-many-councils": f"An option has at most {MAX_COUNCILS} proposed councils",
    "too-many-codes": "More codes than the area has LSOAs",
    "empty-council": "A proposed council has no districts, wards or LSOAs",
    "unknown-code": "A code is not an English district, ward or LSOA",
    "outside-area": "A code is from another area",
    "county-code": "A county is listed instead of its districts",
    "part-of-whole-district": "A ward or LSOA of a district also listed whole",
    "assigned-twice": "A part of the area is in more than one council, or listed twice",
    "unassigned": "A part of the area is in no council",
}


class OptionInvalid(InvalidInput):
    code = "option-invalid"
    title = "The option cannot be read"


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    councils: Mapping[str, tuple[str, ...]]

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "councils": {k: list(v) for k, v in self.councils.items()}}


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    council: str | None = None
    codes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return PROBLEMS[self.code]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "council": self.council,
            "codes": list(self.codes),
        }


@dataclass(frozen=True, slots=True)
class OptionReport:
    option: Option
    area: str
    problems: tuple[Problem, ...]
    # council name → its LSOA codes (sorted); empty unless valid.
    lsoas: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "area": self.area,
            "problems": [p.as_dict() for p in self.problems],
        }


def two_tier_area(code: str) -> str:
    """Return the name of the two-tier area (county) ``code``; raises ``NotFound``
    (``area-not-found``) for anything else."""
    names = dict(county_frame().select("county_code", "county_name").iter_rows())
    try:
        return str(names[code.strip().upper()])
    except KeyError:
        raise NotFound(
            f"{code!r} is not an English county (a two-tier area being reorganised).",
            code="area-not-found",
        ) from None


def option_from_json(body: object) -> Option:
    """Return the option in ``body`` (a parsed JSON object).

    Raises ``OptionInvalid`` when it is not ``{"name": str, "councils": {str: [str, ...]}}``,
    a name is blank or too long, or there are more than ``MAX_COUNCILS`` councils."""
    if not isinstance(body, dict):
        raise OptionInvalid("An option is a JSON object with a name and councils.")
    name = body.get("name")
    councils = body.get("councils")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise OptionInvalid(f"The option needs a name of 1 to {MAX_NAME} characters.")
    if not isinstance(councils, dict) or not councils:
        raise OptionInvalid("The option needs 'councils': each proposed council and its codes.")
    if len(councils) > MAX_COUNCILS:
        raise OptionInvalid(
            f"The option has {len(councils):,} councils; at most {MAX_COUNCILS} are allowed.",
            code="too-many-councils",
        )
    parsed: dict[str, tuple[str, ...]] = {}
    for council, codes in councils.items():
        if not council.strip() or len(council) > MAX_NAME:
            raise OptionInvalid(f"Each council needs a name of 1 to {MAX_NAME} characters.")
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise OptionInvalid(f'{council!r}: list its codes as text, e.g. ["E07000209"].')
        parsed[council.strip()] = tuple(c.strip().upper() for c in codes)
    return Option(name=name.strip(), councils=parsed)


@dataclass(frozen=True, slots=True)
class _Index:
    lsoas_of: Mapping[str, tuple[str, ...]]  # district or ward → its LSOAs
    county_of: Mapping[str, str]  # LSOA, ward or district → county (a unitary's is itself)
    district_of: Mapping[str, str]  # LSOA, ward or district → district
    lsoas_of_county: Mapping[str, frozenset[str]]
    counties: frozenset[str]
    names: Mapping[str, str]  # district or county code → name


@cache
def _index() -> _Index:
    lsoas_of: dict[str, list[str]] = defaultdict(list)
    county_of: dict[str, str] = {}
    district_of: dict[str, str] = {}
    of_county: dict[str, set[str]] = defaultdict(set)
    rows = lsoa_frame().select("lsoa_code", "ward_code", "district_code", "county_code").rows()
    for lsoa, ward, district, county in rows:
        lsoas_of[ward].append(lsoa)
        lsoas_of[district].append(lsoa)
        county_of[lsoa] = county_of[ward] = county_of[district] = county
        district_of[lsoa] = district_of[ward] = district_of[district] = district
        of_county[county].add(lsoa)
    return _Index(
        lsoas_of={k: tuple(v) for k, v in lsoas_of.items()},
        county_of=county_of,
        district_of=district_of,
        lsoas_of_county={k: frozenset(v) for k, v in of_county.items()},
        counties=frozenset(c for c in of_county if c.startswith("E10")),
        names={
            **dict(district_frame().select("district_code", "district_name").iter_rows()),
            **dict(county_frame().select("county_code", "county_name").iter_rows()),
        },
    )


def _listed(codes: tuple[str, ...], limit: int = 10) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" and {len(codes) - limit:,} more" if len(codes) > limit else "")


def option_check(*, option: Option, area: str) -> OptionReport:
    """Return every problem of ``option`` for the two-tier ``area`` (its county GSS code), and
    each council's LSOAs when there is none."""
    index = _index()
    lsoas_of, county_of, district_of = index.lsoas_of, index.county_of, index.district_of
    area_lsoas = index.lsoas_of_county.get(area, frozenset())
    counties = index.counties
    names = index.names
    area_name = names.get(area, area)

    problems: list[Problem] = []
    total_codes = sum(len(codes) for codes in option.councils.values())
    if total_codes > max(len(area_lsoas), 1) * 2:
        problems.append(
            Problem(
                "too-many-codes",
                f"The option lists {total_codes:,} codes; {area_name} has "
                f"{len(area_lsoas):,} LSOAs.",
            )
        )
        return OptionReport(option=option, area=area, problems=tuple(problems))

    whole_districts = {
        code: council
        for council, codes in option.councils.items()
        for code in codes
        if code in district_of and district_of[code] == code
    }
    owner: dict[str, list[str]] = defaultdict(list)  # LSOA → councils it is given to
    for council, codes in option.councils.items():
        if not codes:
            problems.append(
                Problem("empty-council", f"{council} has no districts, wards or LSOAs.", council)
            )
            continue
        unknown, outside, county, parts = [], [], [], []
        for code in codes:
            if code in counties:
                county.append(code)
            elif not _CODE.match(code) or code not in county_of:
                unknown.append(code)
            elif county_of[code] != area:
                outside.append(code)
            elif district_of[code] != code and district_of[code] in whole_districts:
                parts.append(code)
            else:
                for lsoa in [code] if code in area_lsoas else lsoas_of[code]:
                    owner[lsoa].append(council)
        if unknown:
            wardish = [c for c in unknown if c.startswith("E05")]
            problems.append(
                Problem(
                    "unknown-code",
                    f"{council}: {_listed(tuple(unknown))} "
                    f"{'is' if len(unknown) == 1 else 'are'} not an English district, "
                    "ward (2024) or LSOA (2021)"
                    + (
                        " (a ward with no LSOA in the best-fit lookup is unknown too)"
                        if wardish
                        else ""
                    )
                    + ".",
                    council,
                    tuple(unknown),
                )
            )
        if outside:
            problems.append(
                Problem(
                    "outside-area",
                    f"{council}: {_listed(tuple(outside))} "
                    f"{'is' if len(outside) == 1 else 'are'} not in {area_name}.",
                    council,
                    tuple(outside),
                )
            )
        if county:
            problems.append(
                Problem(
                    "county-code",
                    f"{council}: {_listed(tuple(county))} is a county; list its districts.",
                    council,
                    tuple(county),
                )
            )
        if parts:
            problems.append(
                Problem(
                    "part-of-whole-district",
                    f"{council}: {_listed(tuple(parts))} "
                    f"{'is' if len(parts) == 1 else 'are'} part of a district listed whole "
                    f"({', '.join(sorted({names[district_of[p]] for p in parts}))}).",
                    council,
                    tuple(parts),
                )
            )

    twice = tuple(sorted(lsoa for lsoa, councils in owner.items() if len(councils) > 1))
    if twice:
        given_to = sorted({c for lsoa in twice for c in owner[lsoa]})
        problems.append(
            Problem(
                "assigned-twice",
                f"{len(twice):,} LSOAs are given more than once (in {', '.join(given_to)}): "
                f"{_listed(twice)}.",
                None,
                twice,
            )
        )
    gaps = tuple(sorted(area_lsoas - set(owner)))
    if gaps:
        districts = sorted({names[district_of[g]] for g in gaps})
        problems.append(
            Problem(
                "unassigned",
                f"{len(gaps):,} LSOAs of {area_name} are in no council (in "
                f"{', '.join(districts)}): {_listed(gaps)}.",
                None,
                gaps,
            )
        )
    if problems:
        return OptionReport(option=option, area=area, problems=tuple(problems))
    lsoas: dict[str, list[str]] = defaultdict(list)
    for lsoa, councils in owner.items():
        lsoas[councils[0]].append(lsoa)
    return OptionReport(
        option=option,
        area=area,
        problems=(),
        lsoas={council: tuple(sorted(lsoas[council])) for council in option.councils},
    )


def option_from_lines(*, name: str, text: str, area: str) -> Option:
    """Return the option written one council a line, ``East Surrey: Elmbridge, E07000208``:
    each item a district's name in ``area`` or a district, ward or LSOA code.

    Raises ``OptionInvalid`` when a line has no ``:`` or the option cannot be read."""
    index = _index()
    # Names of the area's districts first; names from elsewhere too, so the check can say
    # "not in this area" rather than "unknown".
    by_name = {
        n.casefold(): code
        for code, n in sorted(
            index.names.items(), key=lambda kv: index.county_of.get(kv[0]) == area
        )
        if code.startswith("E0")
    }
    councils: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        council, colon, items = line.partition(":")
        if not colon:
            raise OptionInvalid(
                f"Line {number} needs the council's name, a colon, then its districts, "
                "e.g. 'East Surrey: Elmbridge, Tandridge'."
            )
        codes = [i.strip() for i in items.split(",") if i.strip()]
        councils[council.strip()] = [by_name.get(c.casefold(), c) for c in codes]
    return option_from_json({"name": name, "councils": councils})


def option_as_lines(option: Option) -> str:
    """Return ``option`` written one council a line, district codes shown by name."""
    names = _index().names
    return "\n".join(
        f"{council}: {', '.join(names.get(c, c) for c in codes)}"
        for council, codes in option.councils.items()
    )

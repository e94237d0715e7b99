"""The data standards the hub offers: the built-in LGR standards, and each area's own.

The web and the API never pass a user's text to ``load_standard`` (which also reads paths): a
name is looked up among the built-in standards, then among the areas' standards in the
database, so nothing outside them can be read.

An area's standard (``AreaStandard``) is drafted in ``lgrshare.standards.drafts``. Each save is
a version; a version is agreed, and frozen, when an agreement naming the standard
is signed by every party (``area_standards_agree``). ``standard_get`` gives the latest agreed
version, or the latest draft while none is agreed; ``standard_get(name=, version=)`` gives the
version an agreement names (``version_in_use`` is the one a new agreement names). A version is
never changed once saved: an edit is a new version, so what an agreement names stays as it was.
A built-in standard ships with the code, one version at a time: its version is recorded in the
agreement, and the standard the code ships is used.
"""

from __future__ import annotations

from functools import cache

from django.utils import timezone

from lgrshare.councils.models import Area, User
from lgrshare.domain.standards.model import (
    Standard,
    StandardNotFound,
    builtin_standards,
    parse_standard,
)
from lgrshare.standards.models import AreaStandard
from lgrshare.trail import record


@cache
def _by_name() -> dict[str, Standard]:
    return {standard.name: standard for standard in builtin_standards()}


def standard_list() -> list[Standard]:
    """Return the built-in standards in title order."""
    return sorted(_by_name().values(), key=lambda s: s.title)


def standard_get(*, name: str, version: str = "") -> Standard:
    """Return the built-in standard ``name``, or the area standard ``name``: its ``version``
    when given (the one an agreement names), else its latest agreed version, else its latest
    draft; raises ``StandardNotFound``."""
    builtin = _by_name().get(name)
    if builtin is not None:
        return builtin
    found = area_standard_version(name, version) if version else _current(name)
    if found is None:
        raise StandardNotFound(
            f"There is no standard called {name!r}"
            + (f" at version {version}" if version and _current(name) else "")
        )
    return parse_standard(found.definition, default_name=name)


def area_standard_version(name: str, version: str) -> AreaStandard | None:
    """Return version ``version`` of area standard ``name``, or None."""
    return AreaStandard.objects.filter(name=name, version=version).first()


def version_in_use(name: str) -> str:
    """Return the version of standard ``name`` an agreement naming it now names: a built-in's
    version, or an area standard's current one (``current_version``); raises
    ``StandardNotFound``."""
    return standard_get(name=name).version


def current_version(name: str) -> AreaStandard | None:
    """Return the version of area standard ``name`` in use: the latest agreed, else the latest
    draft; None when there is no such area standard."""
    return _current(name)


def _current(name: str) -> AreaStandard | None:
    versions = AreaStandard.objects.filter(name=name)
    agreed = versions.filter(state=AreaStandard.State.AGREED).order_by("-agreed_at").first()
    return agreed or versions.order_by("-drafted_at", "-pk").first()


def is_builtin(name: str) -> bool:
    return name in _by_name()


def area_standard_list(area: Area) -> list[AreaStandard]:
    """Return the current version of each of ``area``'s standards, by title."""
    names = AreaStandard.objects.filter(area=area).values_list("name", flat=True).distinct()
    current = [_current(name) for name in sorted(set(names))]
    return sorted((v for v in current if v is not None), key=lambda v: v.title.lower())


def area_standard_versions(name: str) -> list[AreaStandard]:
    return list(AreaStandard.objects.filter(name=name).order_by("-drafted_at", "-pk"))


def area_standards_agree(
    *, pins: list[tuple[str, str]], agreement_reference: str, user: User
) -> None:
    """Agree each area standard version among ``pins`` ((name, version) as the agreement names
    them): called when the agreement ``agreement_reference`` naming them is signed by every
    party. A built-in standard, or a version already agreed, is left as it is."""
    for name, version in sorted(set(pins)):
        latest = area_standard_version(name, version) if version else _current(name)
        if latest is None or latest.state == AreaStandard.State.AGREED:
            continue
        latest.state = AreaStandard.State.AGREED
        latest.agreed_at = timezone.now()
        latest.agreed_under = agreement_reference
        latest.save(update_fields=["state", "agreed_at", "agreed_under"])
        record(
            user=user,
            action="standard-agreed",
            target_type="standard",
            target_id=name,
            version=latest.version,
            agreement=agreement_reference,
            area=latest.area.county_id,
        )

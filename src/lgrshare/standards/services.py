"""The agreed data standards the hub offers: the built-in LGR standards, by name only.

The web and the API never pass a user's text to ``load_standard`` (which also reads paths): a
name is looked up among the built-in standards, so nothing outside them can be read.
"""

from __future__ import annotations

from functools import cache

from lgrshare.domain.standards.model import Standard, StandardNotFound, builtin_standards


@cache
def _by_name() -> dict[str, Standard]:
    return {standard.name: standard for standard in builtin_standards()}


def standard_list() -> list[Standard]:
    """Return the built-in standards in title order."""
    return sorted(_by_name().values(), key=lambda s: s.title)


def standard_get(*, name: str) -> Standard:
    """Return the built-in standard ``name``; raises ``StandardNotFound``."""
    try:
        return _by_name()[name]
    except KeyError:
        raise StandardNotFound(f"There is no standard called {name!r}") from None

"""The person a policy test asks about: a Guildford officer (or contractor staff working for
Guildford) in the Surrey area, with the roles given."""

from __future__ import annotations

from collections.abc import Iterable

from lgrshare.domain.policy import Contractor, Subject

SURREY_AREA, KENT_AREA, GUILDFORD = "E10000030", "E10000016", "E07000209"


def guildford_subject(
    roles: set[str], *, contractor: bool = False, areas: Iterable[str] = (SURREY_AREA,)
) -> Subject:
    return Subject(
        user_id="u",
        council=None if contractor else GUILDFORD,
        areas=frozenset(areas),
        roles=frozenset(roles),
        contractor=Contractor("c", GUILDFORD) if contractor else None,
    )

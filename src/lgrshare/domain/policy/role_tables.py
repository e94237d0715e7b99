"""Policies that are a table of actions and the roles that may take each, read from a rules file.

``rules/<name>.json`` has ``"actions": {"<action>": {"roles": [...]}, ...}``; ``role_table``
returns it checked: every action of the enum covered, every role known.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from lgrshare.domain.policy.codes import Role
from lgrshare.domain.rules import RulesInvalid, read_rules_file

A = TypeVar("A", bound=StrEnum)


def role_table(name: str, actions: type[A]) -> Mapping[A, frozenset[str]]:
    """Return the roles of each of ``actions`` in ``rules/<name>.json``.

    Raises ``RulesInvalid`` when the file is malformed, leaves an action out or names an
    unknown action or role."""
    data = read_rules_file(name)
    try:
        table = {
            actions(action): frozenset(Role(role).value for role in rule["roles"])
            for action, rule in data["actions"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesInvalid(f"{name}.json: {exc}") from exc
    if set(table) != set(actions):
        raise RulesInvalid(f"{name}.json: 'actions' must cover every action.")
    return MappingProxyType(table)

"""The declarative rules files shipped with LGR Share, and the one function that reads them.

Each ``*.json`` here is data checked by an engine: the screening files by
``lgrshare.domain.screening``, ``access-policy.json`` by ``lgrshare.domain.policy``. A malformed
file is a bug in the product, so it raises ``RulesInvalid`` (HTTP 500), never a user error.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from lgrshare.domain.errors import LgrShareError


class RulesInvalid(LgrShareError):
    """A shipped rules file is malformed: a bug in the product, never the user's fault."""

    code = "rules-invalid"
    title = "A rules file shipped with LGR Share is not valid"
    status = 500


def read_rules_file(name: str) -> dict[str, Any]:
    """Return the parsed JSON of ``lgrshare/domain/rules/<name>.json``.

    Raises ``RulesInvalid`` when the file is missing or is not a JSON object.
    """
    entry = resources.files("lgrshare") / "domain" / "rules" / f"{name}.json"
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RulesInvalid(f"Cannot read the rules file {name}.json: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesInvalid(f"The rules file {name}.json must hold a JSON object.")
    return data

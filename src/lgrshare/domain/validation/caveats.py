"""Quality caveats: what the data's provider says about its limits, kept with the data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lgrshare.domain.errors import InvalidInput

CAVEAT_KINDS: Mapping[str, str] = {
    "incomplete": "Incomplete",
    "estimated": "Estimated",
    "provisional": "Provisional",
    "definition-differs": "Definition differs",
    "known-error": "Known error",
}
MAX_CAVEAT_TEXT = 2000


class CaveatInvalid(InvalidInput):
    code = "caveat-invalid"
    title = "The caveat is not valid"


@dataclass(frozen=True, slots=True)
class Caveat:
    """A caveat on the whole dataset (``field`` None) or on one field.

    Raises ``CaveatInvalid`` for an unknown kind, empty or over-long text, or a blank field name.
    """

    kind: str
    text: str
    field: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in CAVEAT_KINDS:
            raise CaveatInvalid(
                f"Caveat kind {self.kind!r} is not one of {', '.join(CAVEAT_KINDS)}."
            )
        if not isinstance(self.text, str) or not self.text.strip():
            raise CaveatInvalid("A caveat needs some text saying what is wrong or different.")
        if len(self.text) > MAX_CAVEAT_TEXT:
            raise CaveatInvalid(f"A caveat's text must be at most {MAX_CAVEAT_TEXT} characters.")
        if self.field is not None and (not isinstance(self.field, str) or not self.field.strip()):
            raise CaveatInvalid("A caveat's field must be a field name, or none for the dataset.")

    @property
    def label(self) -> str:
        """Return the kind as people read it."""
        return CAVEAT_KINDS[self.kind]

    def to_json(self) -> dict[str, Any]:
        """Return ``{"kind", "text", "field"}``."""
        return {"kind": self.kind, "text": self.text, "field": self.field}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Caveat:
        """Return the caveat ``to_json`` gave; raises ``CaveatInvalid`` as the constructor does."""
        return cls(kind=data.get("kind", ""), text=data.get("text", ""), field=data.get("field"))

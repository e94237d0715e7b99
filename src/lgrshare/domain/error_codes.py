"""The catalogue of error codes: every code the service answers with, listed once.

``error-codes.json`` beside this module holds one entry per code: its HTTP status (a list when
the code is answered with more than one), and either a title and a message template, or its
``source`` when its words are kept with the rules that decide it:

- ``"policy"``: a refusal reason of the access policy (``policy.codes.DecisionReason``), whose
  words are the policy's own;
- ``"validation"``: a finding of the validator (``validation.errors.ERROR_TYPES``), reported in a
  validation report; it has a status only where a whole file is refused with it.

The catalogue is served as a page (``/developers/errors``) and in the OpenAPI document;
``tests/errors/test_catalogue.py`` fails when the source raises a code that is not listed here,
or this lists one that nothing raises.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from lgrshare.domain.errors import ConfigurationError
from lgrshare.domain.policy.codes import DecisionReason
from lgrshare.domain.validation.errors import ERROR_TYPES

SOURCES = ("policy", "validation")


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """One code: its statuses (empty for a finding only ever reported), title and message."""

    code: str
    statuses: tuple[int, ...]
    title: str
    message: str
    source: str  # "error", "policy" or "validation"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "status": list(self.statuses),
            "title": self.title,
            "message": self.message,
            "source": self.source,
        }


def _entry(code: str, raw: dict[str, object]) -> ErrorCode:
    status = raw.get("status", [])
    statuses = tuple(status) if isinstance(status, list) else (status,)
    source = raw.get("source")
    if source == "policy":
        words = DecisionReason(code).message
        return ErrorCode(code, statuses, words, words, "policy")
    if source == "validation":
        title, guidance = ERROR_TYPES[code]
        return ErrorCode(code, statuses, title, guidance, "validation")
    if source is not None or not raw.get("title") or not raw.get("message") or not statuses:
        raise ConfigurationError(
            f"error-codes.json: {code} needs a status, a title and a message, or a source "
            f"({' or '.join(SOURCES)})"
        )
    return ErrorCode(code, statuses, str(raw["title"]), str(raw["message"]), "error")


@cache
def error_catalogue() -> tuple[ErrorCode, ...]:
    """Return every code, sorted; raises ``ConfigurationError`` when an entry is malformed."""
    text = resources.files("lgrshare.domain").joinpath("error-codes.json").read_text("utf-8")
    raw = json.loads(text)
    return tuple(_entry(code, raw[code]) for code in sorted(raw))

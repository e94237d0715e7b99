"""Why a standard is refused: each problem with its own stable code, all ``StandardInvalid``."""

from __future__ import annotations

from lgrshare.domain.errors import LgrShareError


class StandardInvalid(LgrShareError):
    code = "standard-invalid"
    title = "The standard is not valid"
    status = 400


class StandardTooLarge(StandardInvalid):
    code = "standard-too-large"
    title = "The standard is too large"


class FieldNameInvalid(StandardInvalid):
    code = "field-name-invalid"
    title = "A field's name is empty or used twice"


class PatternInvalid(StandardInvalid):
    code = "pattern-invalid"
    title = "A pattern cannot be used"


class RuleInvalid(StandardInvalid):
    code = "rule-invalid"
    title = "A rule of the standard cannot be checked"


class RuleCircular(StandardInvalid):
    code = "rule-circular"
    title = "The standard's sum rules go round in a circle"

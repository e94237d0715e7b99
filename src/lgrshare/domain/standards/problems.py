"""Why a standard is refused: each problem with its own stable code, all ``StandardInvalid``."""

from __future__ import annotations

from lgrshare.domain.errors import LgrShareError


class StandardInvalid(LgrShareError):
    code = "standard-invalid"
    title = "The standard is not valid"
    status = 400
    # Every problem found, when a standard is refused for several (``refusal``).
    problems: tuple[str, ...] = ()


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


class ForeignKeyInvalid(StandardInvalid):
    code = "foreign-key-invalid"
    title = "A foreign key of the standard cannot be checked"


def refusal(found: list[StandardInvalid], *, listed: int = 50) -> StandardInvalid:
    """Return the one error refusing a standard with the problems ``found`` (at least one): the
    problem itself when it is alone; else one listing the first ``listed`` (``problems`` has
    them all), with the code of their kind when they are all of one kind."""
    if len(found) == 1:
        return found[0]
    kinds = {type(problem) for problem in found}
    kind = kinds.pop() if len(kinds) == 1 else StandardInvalid
    lines = [f"{i}. {problem.message}" for i, problem in enumerate(found[:listed], start=1)]
    more = f"\n… and {len(found) - listed:,} more." if len(found) > listed else ""
    error = kind(f"The standard has {len(found):,} problems:\n" + "\n".join(lines) + more)
    error.problems = tuple(problem.message for problem in found)
    return error

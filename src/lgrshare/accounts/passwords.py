"""Password rules by NCSC advice: long, not common, not a pattern; no composition rules.

Django's validators give the length (12) and the deny-list of 20,000 common passwords. These add
what the deny-list misses: one short unit repeated (``aaaaaaaaaaaa``, ``abcabcabcabc``), a run
along the digits or the alphabet (``123456789012``, ``abcdefghijkl``), and a common password
padded with digits or symbols (``password1234``, ``Summer2026!``).
"""

from __future__ import annotations

import itertools

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

_PADDING = "0123456789!?.,@#$%^&*_-+= "


def _repeats_a_short_unit(password: str) -> bool:
    for size in range(1, len(password) // 2 + 1):
        unit = password[:size]
        if len(password) % size == 0 and unit * (len(password) // size) == password:
            return size <= 4
    return False


def _is_a_run(password: str) -> bool:
    """True when nearly every next character is the one after (or before) the last, as in
    ``123456789012`` or ``zyxwvutsrqpo`` (digits wrap round from 9 to 0)."""
    if len(password) < 2:
        return False
    steps = 0
    for before, after in itertools.pairwise(password):
        gap = ord(after) - ord(before)
        wraps = before.isdigit() and after.isdigit() and abs(gap) == 9
        steps += abs(gap) == 1 or wraps
    return steps >= (len(password) - 1) * 0.8


class PatternPasswordValidator:
    """Refuse repeated units and runs, which the deny-list cannot list one by one."""

    def validate(self, password: str, user: object = None) -> None:
        folded = password.lower()
        if _repeats_a_short_unit(folded) or _is_a_run(folded):
            raise ValidationError(
                "This password is a repeated pattern or a run of characters. "
                "Choose a few unrelated words instead.",
                code="password-pattern",
            )

    def get_help_text(self) -> str:
        return "Your password cannot be a repeated pattern or a run like 123456789012."


class PaddedCommonPasswordValidator(CommonPasswordValidator):
    """Refuse a common password with digits or symbols added at either end."""

    def validate(self, password: str, user: object = None) -> None:
        core = password.lower().strip(_PADDING)
        if core != password.lower() and len(core) >= 4 and core in self.passwords:
            raise ValidationError(
                "This password is a common password with numbers or symbols added. "
                "Choose a few unrelated words instead.",
                code="password-too-common",
            )

    def get_help_text(self) -> str:
        return "Your password cannot be a common password with numbers added."

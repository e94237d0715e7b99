"""Typed errors of the domain core, each with a stable kebab-case code.

Every interface turns these into responses in one place: the API's exception handler returns
``{"code": ..., "message": ...}``, the web middleware renders a GOV.UK error page, and the CLI
prints the message and exits non-zero. Validation *findings* are never raised: they are report data.

Every code, raised here or anywhere, is listed once in the catalogue ``error-codes.json``
(``domain/error_codes.py``); a test fails when a raised code is missing from it.
"""

from __future__ import annotations


class LgrShareError(Exception):
    """Base of every error the product raises on purpose.

    ``code`` is stable (tests, the API and the docs use it); ``message`` is for people;
    ``status`` is the HTTP status an interface should answer with.
    """

    code: str = "error"
    title: str = "Something went wrong"
    status: int = 400
    # What unblocks it, where the raiser knows: (link text, path), shown on the error page.
    next_step: tuple[str, str] | None = None

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = message or self.title
        if code is not None:
            self.code = code
        super().__init__(self.message)

    def as_dict(self) -> dict[str, str]:
        """Return the error as the body every interface shows: ``{"code", "message"}``."""
        return {"code": self.code, "message": self.message}


class NotFound(LgrShareError):
    code = "not-found"
    title = "Not found"
    status = 404


class PermissionDenied(LgrShareError):
    code = "permission-denied"
    title = "You do not have permission to do that"
    status = 403


class InvalidInput(LgrShareError):
    code = "invalid-input"
    title = "The input is not valid"
    status = 400


class ConfigurationError(LgrShareError):
    """The service cannot start or run safely as configured (a missing secret, a bad path)."""

    code = "configuration-error"
    title = "LGR Share is not configured correctly"
    status = 500

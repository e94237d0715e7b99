"""Shared plumbing for the CLI: one place that turns errors into messages and exit codes."""

from __future__ import annotations

import os
from typing import Any

import click

from lgrshare.domain.errors import LgrShareError


def _explain(exc: Exception) -> tuple[str, str] | None:
    """Return (code, message) for failures a person can fix, or None for real bugs."""
    if isinstance(exc, LgrShareError):
        return exc.code, exc.message
    try:
        from django.core.exceptions import ImproperlyConfigured
        from django.db import DatabaseError
    except ImportError:  # pragma: no cover - Django is always installed with lgrshare
        return None
    home = os.environ.get("LGRSHARE_HOME") or "./var"
    if isinstance(exc, DatabaseError):
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "no such table" in text or "does not exist" in text:
            where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else f"LGRSHARE_HOME={home}"
            return "database-not-ready", (
                f"The database ({where}) has no LGR Share tables: run `lgrshare migrate`, "
                "or set LGRSHARE_HOME to the folder your hub uses"
            )
        return "database-unavailable", f"Cannot use the database: {text}"
    if isinstance(exc, ImproperlyConfigured):
        return "configuration-error", str(exc)
    return None


class LgrShareGroup(click.Group):
    """A click group that prints known failures as ``Error [code]: message`` and exits 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            explained = _explain(exc)
            if explained is None:
                raise
            code, message = explained
            click.echo(f"Error [{code}]: {message}", err=True)
            ctx.exit(2)


def setup_django() -> None:
    """Configure Django for commands that use the hub's database; idempotent."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lgrshare.settings")
    django.setup()

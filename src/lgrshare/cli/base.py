"""Shared plumbing for the CLI: one place that turns errors into messages and exit codes."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from typing import Any

import click

from lgrshare.domain.errors import LgrShareError


def _explain(exc: Exception) -> tuple[str, str] | None:
    """Return (code, message) for failures a person can fix, or None for real bugs."""
    if isinstance(exc, LgrShareError):
        return exc.code, exc.message
    if "django" not in sys.modules:
        return None  # an offline command: not a database or settings failure
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


class LazyGroup(LgrShareGroup):
    """A group whose commands' modules are imported when a command is used, not before.

    ``lazy`` maps each command's name to its module under ``lgrshare.cli``, whose
    ``register(group)`` adds it (and the module's other commands). Reading ``commands`` (help,
    the docs test) imports every module.
    """

    def __init__(self, *args: Any, lazy: Mapping[str, str], **kwargs: Any) -> None:
        self._lazy = dict(lazy)
        self._held: dict[str, click.Command] = {}
        self._loaded: set[str] = set()
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> dict[str, click.Command]:
        for module in sorted(set(self._lazy.values())):
            self._load(module)
        return self._held

    @commands.setter
    def commands(self, value: Mapping[str, click.Command]) -> None:
        self._held = dict(value)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        assert name is not None
        self._held[name] = cmd

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = self._lazy.get(cmd_name)
        if module is not None:
            self._load(module)
        return self._held.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands)

    def _load(self, module: str) -> None:
        if module not in self._loaded:
            self._loaded.add(module)
            importlib.import_module(f"lgrshare.cli.{module}").register(self)


def setup_django() -> None:
    """Configure Django for commands that use the hub's database; idempotent."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lgrshare.settings")
    django.setup()

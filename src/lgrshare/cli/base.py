"""Shared plumbing for the CLI: one place that turns errors into messages and exit codes."""

from __future__ import annotations

from typing import Any

import click

from lgrshare.domain.errors import LgrShareError


class LgrShareGroup(click.Group):
    """A click group that prints ``LgrShareError`` as ``Error [code]: message`` and exits 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LgrShareError as exc:
            click.echo(f"Error [{exc.code}]: {exc.message}", err=True)
            ctx.exit(2)


def setup_django() -> None:
    """Configure Django for commands that use the hub's database; idempotent."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lgrshare.settings")
    django.setup()

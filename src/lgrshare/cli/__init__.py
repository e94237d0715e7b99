"""The ``lgrshare`` command line.

Each command's module is imported only when that command runs (``LazyGroup``): ``lgrshare
--version`` imports neither Polars nor Django, and ``lgrshare validate`` and ``lgrshare
standards`` run offline with no database and no settings (commands that touch the hub's
database set Django up themselves). Errors raised on purpose (``LgrShareError``) become a
one-line message on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import click

from lgrshare import __version__
from lgrshare.cli.base import LazyGroup

# Each command, and the module under lgrshare.cli whose ``register`` adds it; keep it sorted.
COMMANDS = {
    "audit": "trust",
    "backup": "backup",
    "catalogue": "records",
    "compile": "datasets",
    "contractor": "hub",
    "dataset": "datasets",
    "demo": "hub",
    "migrate": "hub",
    "notify": "notify",
    "options": "options",
    "reference": "hub",
    "requests": "records",
    "restore": "backup",
    "retention": "retention",
    "serve": "hub",
    "standards": "standards",
    "submit": "records",
    "token": "hub",
    "user": "hub",
    "validate": "validate",
    "vault": "trust",
}


@click.group(cls=LazyGroup, lazy=COMMANDS)
@click.version_option(__version__, prog_name="lgrshare")
def main() -> None:
    """LGR Share: safe data sharing between councils during Local Government Reorganisation."""

"""The ``lgrshare`` command line.

Commands that touch the hub's database set Django up lazily, so ``lgrshare validate`` and
``lgrshare standards`` run offline with no database and no settings. Errors raised on purpose
(``LgrShareError``) become a one-line message on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import click

from lgrshare import __version__
from lgrshare.cli.base import LgrShareGroup


@click.group(cls=LgrShareGroup)
@click.version_option(__version__, prog_name="lgrshare")
def main() -> None:
    """LGR Share: safe data sharing between councils during Local Government Reorganisation."""


def _register() -> None:
    # Each module adds its own commands; keep this list sorted.
    from lgrshare.cli import backup, datasets, hub, notify, options, records, retention, trust

    backup.register(main)
    datasets.register(main)
    hub.register(main)
    notify.register(main)
    options.register(main)
    records.register(main)
    retention.register(main)
    trust.register(main)
    # -- commands from the standards and validation work (issue 3) register below --
    from lgrshare.cli import standards

    standards.register(main)
    from lgrshare.cli import validate

    validate.register(main)


_register()

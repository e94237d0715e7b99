"""``python -m lgrshare.cli``: the same as the ``lgrshare`` command."""

from lgrshare.cli import main

main()

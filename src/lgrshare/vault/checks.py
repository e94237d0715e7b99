"""A Django system check: refuse to start with a KEK file that is missing, public or invalid.

It runs with ``manage.py check``, ``migrate`` and the development server. The embedded default
file, when it does not exist yet, is no error: it is created at first use.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from lgrshare.config import env_str
from lgrshare.domain.crypto import load_kek
from lgrshare.domain.errors import ConfigurationError
from lgrshare.vault.keys import KEK_FILE, kek_path, previous_kek_paths


@register("security")
def kek_files_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Return an error for each configured KEK file that cannot be used safely."""
    paths = list(previous_kek_paths())
    if env_str(KEK_FILE, "").strip() or kek_path().exists():
        paths.insert(0, kek_path())
    errors: list[CheckMessage] = []
    for path in paths:
        try:
            load_kek(path)
        except ConfigurationError as error:
            errors.append(Error(f"[{error.code}] {error.message}", id="lgrshare.vault.E001"))
    return errors

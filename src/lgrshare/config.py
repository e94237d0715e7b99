"""Typed helpers that read LGR Share's settings from the environment and fail loudly.

Secrets come from ``NAME`` or from the file named by ``NAME_FILE``; in the embedded set-up a
secret with neither is generated once into ``LGRSHARE_HOME`` with mode 0600. A secret file that is
named but missing, empty or unreadable is a start-up error, never a silent default.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from lgrshare.domain.errors import ConfigurationError
from lgrshare.domain.isolation import Limits

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    """Return a yes/no setting; raises ``ConfigurationError`` on anything but a clear answer."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, *, default: int, minimum: int = 0) -> int:
    """Return a whole-number setting; raises ``ConfigurationError`` when it is not one."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def home_dir() -> Path:
    """Return ``LGRSHARE_HOME`` (default ``./var``), private: created (or narrowed) to mode
    0700, and every file the service creates from now on private to its user (umask 077: the
    SQLite database, the vault, generated secrets, emails). Files already there from an older
    version with wider modes are narrowed by ``make_private``."""
    home = Path(os.environ.get("LGRSHARE_HOME") or "var").expanduser().resolve()
    os.umask(0o077)
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        if home.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            home.chmod(0o700)
    except OSError as exc:
        raise ConfigurationError(f"LGRSHARE_HOME {home} cannot be created: {exc}") from exc
    return home


def make_private(*paths: Path) -> None:
    """Narrow each existing file in ``paths`` to mode 0600 (the owner alone)."""
    for path in paths:
        if path.is_file() and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            path.chmod(0o600)


def env_secret(name: str) -> str:
    """Return an optional secret from ``name`` or the file named by ``name_FILE``; empty when
    neither is set. Raises ``ConfigurationError`` when the named file is missing or empty."""
    if os.environ.get(name):
        return os.environ[name]
    file_var = f"{name}_FILE"
    if os.environ.get(file_var):
        return _read_secret_file(file_var, Path(os.environ[file_var]))
    return ""


def _read_secret_file(name: str, path: Path) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigurationError(f"{name} names {path}, which cannot be read: {exc}") from exc
    if not value:
        raise ConfigurationError(f"{name} names {path}, which is empty")
    return value


def secret(name: str, *, generated_into: Path | None) -> str:
    """Return the secret ``name`` from the environment, ``name_FILE``, or a generated file.

    With neither variable set and ``generated_into`` given, a random secret is written there once
    (mode 0600) and read back on every later start. Raises ``ConfigurationError`` when a named
    file is missing or empty, when a generated file is readable by others, or when there is no
    secret and nowhere to generate one.
    """
    direct = os.environ.get(name)
    if direct:
        return direct
    file_var = f"{name}_FILE"
    if os.environ.get(file_var):
        return _read_secret_file(file_var, Path(os.environ[file_var]))
    if generated_into is None:
        raise ConfigurationError(f"Set {name} or {file_var}")
    if not generated_into.exists():
        fd = os.open(generated_into, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(50))
    mode = generated_into.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigurationError(
            f"{generated_into} is readable by other users: run chmod 600 {generated_into}"
        )
    return _read_secret_file(name, generated_into)


def parse_limits() -> Limits:
    """Return the limits on the process that reads one uploaded or validated file:
    ``LGRSHARE_PARSE_CPU_SECONDS`` (120; the wall-clock deadline is twice it),
    ``LGRSHARE_PARSE_MEMORY_MB`` (4096) and ``LGRSHARE_PARSE_OUTPUT_MB`` (64)."""
    cpu = env_int("LGRSHARE_PARSE_CPU_SECONDS", default=120, minimum=1)
    return Limits(
        cpu_seconds=cpu,
        wall_seconds=2 * cpu,
        memory_bytes=env_int("LGRSHARE_PARSE_MEMORY_MB", default=4096, minimum=256) * 1024**2,
        output_bytes=env_int("LGRSHARE_PARSE_OUTPUT_MB", default=64, minimum=1) * 1024**2,
    )

"""The README documents every setting and every command (a missing line fails the build)."""

import re
from pathlib import Path

from lgrshare.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _settings_read() -> set[str]:
    source = (ROOT / "src" / "lgrshare" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', source))
    names |= set(re.findall(r'secret\(\s*"([A-Z_]+)"', source))
    return names | {"LGRSHARE_HOME", "DATABASE_URL"}


def test_every_setting_is_documented():
    settings = _settings_read()
    assert len(settings) > 10
    missing = sorted(name for name in settings if f"`{name}" not in README)
    assert not missing, f"README lacks: {missing}"


def _commands(group, prefix="lgrshare"):
    for name, command in group.commands.items():
        yield f"{prefix} {name}", command
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix} {name}")


def test_every_command_is_documented():
    leaves = [name for name, command in _commands(main) if not hasattr(command, "commands")]
    missing = [name for name in leaves if f"`{name}" not in README]
    assert not missing, f"README lacks: {missing}"


def test_the_readme_gives_exactly_the_two_set_up_commands():
    assert "make run" in README
    assert "make test" in README
    assert re.search(r"^run:", (ROOT / "Makefile").read_text(), re.MULTILINE)

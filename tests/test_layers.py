"""No import of ``lgrshare`` inside a function, where it would hide an arrow from the layers
contract (pyproject.toml, ``lint-imports``): a cycle means a concept has no owner yet.

Two rules allow one, each for a reason of its own, and nothing else does:

- ``ready`` in an app's ``apps.py``: Django lets models be imported only once the app registry
  is ready, and ``ready`` is where an app hands the gate what it owns.
- the command modules of ``lgrshare.cli``: ``lgrshare validate`` and ``lgrshare standards`` run
  offline without Django, so each command imports the Django side only after ``django.setup()``
  and the CLI starts quickly. The CLI is the top layer: nothing it imports can import it back.

``EXCEPTIONS`` lists the ones waiting for an owner, by file and imported module; the test fails
when one of them goes away, so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "lgrshare"

# (file under src/, imported module): why it waits.
EXCEPTIONS: set[tuple[str, str]] = set()


def _allowed(path: Path, function: str, package: Path) -> bool:
    relative = path.relative_to(package)
    if relative.name == "apps.py" and function == "ready":
        return True
    return relative.parts[0] == "cli"


def _function_imports(package: Path = PACKAGE) -> set[tuple[str, str, str, int]]:
    """Every import of ``lgrshare`` inside a function: (file, imported module, function, line)."""
    found = set()
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if _allowed(path, function.name, package):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                elif isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                else:
                    continue
                for module in modules:
                    if module == "lgrshare" or module.startswith("lgrshare."):
                        file = path.relative_to(package.parent).as_posix()
                        found.add((file, module, function.name, node.lineno))
    return found


def test_no_function_imports_lgrshare_outside_the_two_rules_and_the_listed_exceptions() -> None:
    found = _function_imports()
    unlisted = sorted(f for f in found if (f[0], f[1]) not in EXCEPTIONS)
    assert not unlisted, (
        "Import these at the top of the module; if that makes a cycle or breaks the layers "
        "contract, give the concept an owner in a lower layer (shared/ARCHITECTURE.md):\n"
        + "\n".join(
            f"  src/{file}:{line} in {function}(): import of {module}"
            for file, module, function, line in unlisted
        )
    )


def test_every_listed_exception_still_exists_so_the_list_only_shrinks() -> None:
    found = {(file, module) for file, module, _, _ in _function_imports()}
    gone = sorted(EXCEPTIONS - found)
    assert not gone, "These no longer import inside a function: delete them from EXCEPTIONS in " + (
        "tests/test_layers.py:\n" + "\n".join(f"  {file}: {module}" for file, module in gone)
    )


def test_the_scan_finds_a_function_import_and_allows_only_the_two_rules(tmp_path: Path) -> None:
    package = tmp_path / "lgrshare"
    for name, text in {
        "catalogue/views.py": "import os\ndef dataset():\n    from lgrshare.access import check\n",
        "vault/apps.py": "def ready():\n    from lgrshare import vault\n",
        "cli/hub.py": "def serve():\n    import lgrshare.wsgi\n",
        "top.py": "from lgrshare.access import check\n",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)
    assert _function_imports(package) == {
        ("lgrshare/catalogue/views.py", "lgrshare.access", "dataset", 3)
    }

"""Find, by reading the source (AST), every error code the service can answer with.

Sources: an ``LgrShareError`` subclass instantiated or raised (its ``code``, or the ``code=``
given at the call, with the class's ``status``); the codes Django and ninja errors are answered
with (``HTTP_CODES`` in ``web/middleware.py``, and literal codes given to ``error_json`` and
``error_page``); the policy's refusal reasons (``DecisionReason``); validation findings
(``ERROR_TYPES``). Each found code carries where it was found, for the failure message.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
BASE = "LgrShareError"


@dataclass(frozen=True)
class Raised:
    code: str
    status: int | None  # None: a finding in a validation report, not an error response
    where: str  # "src/lgrshare/x.py:12 (ClassName)"
    message: str  # the literal message at the raise site, if any, for a suggested entry


@dataclass
class _Class:
    name: str
    bases: list[str]
    code: str | None
    status: int | None
    title: str | None
    where: str


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _literal(node: ast.expr | None) -> str:
    """A string literal, or an f-string with its placeholders as ``{...}``; else ''."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return (left or "{...}") + (right or "{...}") if left or right else ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
            for v in node.values
            if isinstance(v, ast.Constant | ast.FormattedValue)
        )
    return ""


def _files(root: Path) -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _classes(files: list[tuple[Path, ast.Module]], root: Path) -> dict[str, _Class]:
    classes: dict[str, _Class] = {}
    for path, tree in files:
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            found = _Class(
                node.name,
                [n for b in node.bases if (n := _name(b))],
                None,
                None,
                None,
                f"{path.relative_to(root.parent).as_posix()}:{node.lineno}",
            )
            for item in node.body:
                target = (
                    item.target
                    if isinstance(item, ast.AnnAssign)
                    else (item.targets[0] if isinstance(item, ast.Assign) else None)
                )
                if not isinstance(target, ast.Name) or item.value is None:  # type: ignore[union-attr]
                    continue
                value = item.value  # type: ignore[union-attr]
                if target.id == "code" and isinstance(value, ast.Constant):
                    found.code = value.value
                elif target.id == "status" and isinstance(value, ast.Constant):
                    found.status = value.value
                elif target.id == "title" and isinstance(value, ast.Constant):
                    found.title = value.value
            classes[node.name] = found
    return classes


def _errors(classes: dict[str, _Class]) -> dict[str, tuple[str, int, str]]:
    """Each ``LgrShareError`` class by name: its effective (code, status, title)."""

    def chain(name: str, seen: tuple[str, ...] = ()) -> list[_Class] | None:
        if name == BASE:
            return [classes[BASE]]
        cls = classes.get(name)
        if cls is None or name in seen:
            return None
        for base in cls.bases:
            rest = chain(base, (*seen, name))
            if rest is not None:
                return [cls, *rest]
        return None

    errors = {}
    for name in classes:
        mro = chain(name)
        if mro is None:
            continue
        code = next(c.code for c in mro if c.code is not None)
        status = next(c.status for c in mro if c.status is not None)
        title = next(c.title for c in mro if c.title is not None)
        errors[name] = (code, status, title)
    return errors


def raised_codes(root: Path = SRC / "lgrshare") -> list[Raised]:
    """Every code the source under ``root`` can answer with, once per place it is raised."""
    files = _files(root)
    classes = _classes(files, root)
    errors = _errors(classes)
    found: list[Raised] = []
    reasons: dict[str, Raised] = {}
    allowing: set[str] = set()
    for path, tree in files:
        rel = path.relative_to(root.parent).as_posix()
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Raise)
                and node.exc is not None
                and not isinstance(node.exc, ast.Call)
                and _name(node.exc) in errors
            ):
                code, status, title = errors[_name(node.exc)]  # type: ignore[index]
                found.append(Raised(code, status, f"src/{rel}:{node.lineno}", title))
            if isinstance(node, ast.Call):
                _call(node, rel, errors, found)
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "HTTP_CODES" for t in node.targets)
                and isinstance(node.value, ast.Dict)
            ):
                for key, value in zip(node.value.keys, node.value.values, strict=True):
                    if isinstance(key, ast.Constant) and isinstance(value, ast.Tuple):
                        found.append(
                            Raised(
                                _literal(value.elts[0]),
                                key.value,
                                f"src/{rel}:{node.lineno} (HTTP_CODES)",
                                _literal(value.elts[1]),
                            )
                        )
            if isinstance(node, ast.ClassDef) and node.name == "DecisionReason":
                for item in node.body:
                    if isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant):
                        reasons[item.targets[0].id] = Raised(  # type: ignore[attr-defined]
                            item.value.value, 403, f"src/{rel}:{item.lineno} (DecisionReason)", ""
                        )
            # Decision(True, DecisionReason.X): X answers an allowed request, it is no refusal.
            if (
                isinstance(node, ast.Call)
                and _name(node.func) == "Decision"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value is True
            ):
                allowing.update(
                    n.attr
                    for arg in node.args[1:2]
                    for n in ast.walk(arg)
                    if isinstance(n, ast.Attribute)
                )
            if (
                isinstance(node, ast.AnnAssign | ast.Assign)
                and isinstance(node.value, ast.Dict)
                and any(
                    isinstance(t, ast.Name) and t.id == "ERROR_TYPES"
                    for t in ([node.target] if isinstance(node, ast.AnnAssign) else node.targets)
                )
            ):
                for key in node.value.keys:
                    if isinstance(key, ast.Constant):
                        found.append(
                            Raised(key.value, None, f"src/{rel}:{key.lineno} (ERROR_TYPES)", "")
                        )
    found.extend(reason for name, reason in reasons.items() if name not in allowing)
    return found


def _call(
    node: ast.Call, rel: str, errors: dict[str, tuple[str, int, str]], found: list[Raised]
) -> None:
    name = _name(node.func)
    where = f"src/{rel}:{node.lineno}"
    if name in errors:
        code, status, title = errors[name]
        message = _literal(node.args[0]) if node.args else ""
        given = next((k.value for k in node.keywords if k.arg == "code"), None)
        if given is None:
            found.append(Raised(code, status, f"{where} ({name})", message or title))
            return
        literals = [
            n.value
            for n in ast.walk(given)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]
        for literal in literals:
            found.append(Raised(literal, status, f"{where} ({name})", message or title))
    elif (
        name in ("problem", "TermsProblem", "Problem")
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        # Problems collected and raised together (agreement terms, contractor particulars):
        # each is answered as 400 within the error that lists them.
        message = next(
            (
                _literal(a)
                for a in node.args[1:]
                if isinstance(a, ast.Constant) and " " in str(a.value)
            ),
            "",
        )
        found.append(Raised(node.args[0].value, 400, f"{where} ({name})", message))
    elif name in ("error_json", "error_page", "_respond"):
        # error_json(status, code, message); error_page and _respond(request, status, code, ...)
        args = node.args if name == "error_json" else node.args[1:]
        if (
            len(args) >= 2
            and isinstance(args[0], ast.Constant)
            and isinstance(args[1], ast.Constant)
        ):
            found.append(
                Raised(
                    args[1].value,
                    args[0].value,
                    f"{where} ({name})",
                    _literal(args[2]) if len(args) > 2 else "",
                )
            )

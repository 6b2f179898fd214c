"""The figure notebooks of a project: where the project root is, which notebooks it has, and
their ``parameters`` cells (read with ``ast``, so that values are checked before any kernel
starts)."""

from __future__ import annotations

import ast
import contextlib
import fnmatch
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PROFILE = "paper"
RUN_LOG = "run-log.json"
BUILD_LOG = "build-log.json"
#: the claims the ledger must cover: a copy of the project's FIGURES.md, plus book/spec/*.yml
CLAIMS_SPEC = "book/spec"
_GLOB_CHARS = set("*?[")


class UsageError(Exception):
    """Bad input from the user: printed as ``hsr <cmd>: <message>``, exit status 2."""


# --------------------------------------------------------------------------- project layout


def find_root(start: Path | str | None = None) -> Path:
    """The nearest directory at or above ``start`` (default: cwd) that holds both
    ``_toc.yml`` and ``notebooks/``."""
    here = Path(start if start is not None else Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "_toc.yml").is_file() and (d / "notebooks").is_dir():
            return d
    raise UsageError(
        f"no project root (a directory with _toc.yml and notebooks/) at or above {here}; "
        "run inside the repository or pass --root DIR"
    )


def root_from(arg: str | None) -> Path:
    if arg is None:
        return find_root()
    root = Path(arg).expanduser().resolve()
    if not (root / "notebooks").is_dir():
        raise UsageError(f"--root {arg}: {root} has no notebooks/ directory")
    return root


def natural_key(name: str) -> tuple:
    """calibration, then ws-fig*, then hsr-fig*, then anything else; numbers compared as
    numbers (ws-fig2 < ws-fig10)."""
    if name == "calibration":
        group = 0
    elif name.startswith("ws-"):
        group = 1
    elif name.startswith("hsr-"):
        group = 2
    else:
        group = 3
    parts = tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))
    return (group, tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in parts))


def list_notebooks(root: Path) -> list[str]:
    """The names (stems) of ``<root>/notebooks/*.ipynb``, in natural order."""
    names = [p.stem for p in (Path(root) / "notebooks").glob("*.ipynb")]
    return sorted(names, key=natural_key)


def is_glob(pattern: str) -> bool:
    return bool(_GLOB_CHARS & set(pattern))


def select_notebooks(available: list[str], names: list[str] | None) -> list[str]:
    """The notebooks named by ``names`` (exact stems or glob patterns; none = all), in
    natural order."""
    if not available:
        raise UsageError("no notebooks (*.ipynb) in notebooks/")
    if not names:
        return list(available)
    chosen: set[str] = set()
    for n in names:
        n = n.removesuffix(".ipynb").removeprefix("notebooks/")
        if is_glob(n):
            hits = fnmatch.filter(available, n)
            if not hits:
                raise UsageError(f"no notebook matches {n!r}; available: {', '.join(available)}")
            chosen.update(hits)
        elif n in available:
            chosen.add(n)
        else:
            raise UsageError(f"unknown notebook {n!r}; available: {', '.join(available)}")
    return [a for a in available if a in chosen]


# --------------------------------------------------------------------------- parameters


@dataclass
class Notebook:
    """One notebook: its name, path, title and parameters (defaults, in cell order)."""

    name: str
    path: Path
    params: dict[str, Any]
    comments: dict[str, str] = field(default_factory=dict)
    title: str = ""


def _cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def read_parameters(source: str, where: str = "parameters cell") -> tuple[dict, dict]:
    """Parameters of a ``parameters`` cell: every top-level ``NAME = <literal>`` (or
    ``NAME: type = <literal>``), with its default and its end-of-line comment.

    >>> read_parameters("n = 3  # seeds\\nx = -0.5\\nmean0 = [-1.0, 1]\\nimport os\\n")
    ({'n': 3, 'x': -0.5, 'mean0': [-1.0, 1]}, {'n': 'seeds'})
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise UsageError(f"{where}: cannot parse line {e.lineno}: {e.msg}") from None
    comments_by_line: dict[int, str] = {}
    with contextlib.suppress(tokenize.TokenError, SyntaxError):
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments_by_line[tok.start[0]] = tok.string.lstrip("#").strip()
    params: dict[str, Any] = {}
    comments: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        try:
            params[target.id] = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
        if node.end_lineno in comments_by_line:
            comments[target.id] = comments_by_line[node.end_lineno]
    return params, comments


def load_notebook(path: Path) -> Notebook:
    """Read a notebook (plain JSON, no kernel) and parse its first code cell tagged
    ``parameters``."""
    path = Path(path)
    name = path.stem
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UsageError(f"notebook {name}: cannot read {path}: {e}") from None
    title = ""
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for line in _cell_source(cell).splitlines():
                if line.startswith("#"):
                    title = line.lstrip("#").strip()
                    break
            break
    for cell in cells:
        tags = (cell.get("metadata") or {}).get("tags") or []
        if cell.get("cell_type") == "code" and "parameters" in tags:
            params, comments = read_parameters(
                _cell_source(cell), where=f"notebook {name}, parameters cell"
            )
            return Notebook(name, path, params, comments, title)
    raise UsageError(f"notebook {name} has no code cell tagged 'parameters'")


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def expected_kind(default) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, str):
        return "str"
    if isinstance(default, list | tuple):
        if default and all(_is_number(d) for d in default):
            return "a non-empty list of numbers"
        return "a list"
    return type(default).__name__


def check_value(default, value) -> tuple[bool, Any]:
    """Whether ``value`` may replace a parameter whose default is ``default``, and the value
    to inject (ints become floats where the default is a float).

    bool takes only bool; int takes int (not bool) that fits numpy's 64-bit integers; float
    takes int or float; str takes str;
    a list or tuple of numbers takes a non-empty list or tuple of numbers (its length is the
    notebook's to check: a grid may be longer or shorter, a 2-D mean is checked by
    ``hsr.SweepConfig``), any other list any list; a ``None`` default takes anything;
    anything else the same type.

    >>> check_value(0.5, 2), check_value(3, 3.5), check_value(False, 0)
    ((True, 2.0), (False, 3.5), (False, 0))
    >>> check_value(3000, 10**20)
    (False, 100000000000000000000)
    >>> check_value([-1.0, -1.0], [1, 2]), check_value([3, 10], [3, 10, 30])[0]
    ((True, [1.0, 2.0]), True)
    >>> check_value([0.5, 1.0], []), check_value([1, 2], ["a"])
    ((False, []), (False, ['a']))
    """
    if default is None:
        return True, value
    if isinstance(default, bool):
        return isinstance(value, bool), value
    if isinstance(default, int):  # within numpy's 64-bit integers, which the notebooks use
        is_int = isinstance(value, int) and not isinstance(value, bool)
        return is_int and -(2**63) <= value <= 2**63 - 1, value
    if isinstance(default, float):
        return (True, float(value)) if _is_number(value) else (False, value)
    if isinstance(default, str):
        return isinstance(value, str), value
    if isinstance(default, list | tuple):
        if not isinstance(value, list | tuple):
            return False, value
        if default and all(_is_number(d) for d in default):
            if not value or not all(_is_number(v) for v in value):
                return False, value
            floats = any(isinstance(d, float) for d in default)
            return True, [float(v) if floats else v for v in value]
        return True, list(value)
    if isinstance(default, dict):
        return isinstance(value, dict), value
    return type(value) is type(default), value


def type_name(value) -> str:
    return "None" if value is None else type(value).__name__


def show_value(value) -> str:
    return value if isinstance(value, str) else repr(value)


def lenient_number(default, value, raw: str | None):
    """PyYAML reads ``1e-3`` as a string (YAML 1.1): for numeric defaults, a string that is a
    Python number (or list of numbers) is taken as one."""
    if isinstance(value, str) and not isinstance(default, str | bool) and default is not None:
        with contextlib.suppress(ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            parsed = ast.literal_eval(raw if raw is not None else value)
            if _is_number(parsed) or isinstance(parsed, list | tuple):
                return parsed
    return value

"""Every ``hsr.`` name the text cites resolves to a module, function or attribute that exists.

The texts: the book's chapters (``book/**/*.md``), the top-level Markdown files (README.md,
ARCHITECTURE.md, ...), ``notebooks/README.md``, ``benchmarks/RESULTS.md``, the Markdown cells
of the notebooks, and the docstrings and comments of the package (``src/hsr``), the benchmarks
and the scripts. A name ``hsr.a.b.c`` resolves when its longest importable prefix is a module
and the rest are attributes of it, in turn (a dataclass's fields count as attributes).

Names that are meant not to resolve are listed in ``ALLOWED`` with the reason; an entry that
resolves again or is no longer cited fails the test, so the list stays small and true.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import io
import json
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: ``hsr.`` followed by dotted identifiers, not part of a path or a longer word (``claims/hsr.py``)
NAME = re.compile(r"(?<![\w/.\-])hsr(?:\.[A-Za-z_]\w*)+")
#: file names that look like names: ``hsr.py`` and the like, cited as files, not as modules
FILE_SUFFIXES = ("py", "md", "ipynb", "yml", "json", "txt", "toml", "cfg")

#: (name, file) -> why the file cites a name that does not resolve
ALLOWED = {
    ("hsr.NAME", "src/hsr/__init__.py"): "a placeholder for any public name ('hsr.NAME')",
}


# ----- the texts ----------------------------------------------------------------------------
def _docstrings_and_comments(source: str) -> Iterator[str]:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield doc
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            yield tok.string


def _markdown_cells(path: Path) -> Iterator[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = cell["source"]
            yield "".join(src) if isinstance(src, list) else src


def texts(root: Path = ROOT) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every text whose names must resolve."""
    md = [p for p in (root / "book").rglob("*.md") if "generated" not in p.parts]
    md += list(root.glob("*.md"))
    md += [p for p in (root / "notebooks" / "README.md", root / "benchmarks" / "RESULTS.md")]
    for p in sorted(p for p in md if p.exists()):
        yield str(p.relative_to(root)), p.read_text(encoding="utf-8")
    for p in sorted((root / "notebooks").glob("*.ipynb")):
        for i, text in enumerate(_markdown_cells(p)):
            yield f"{p.relative_to(root)} (Markdown cell {i})", text
    py = [p for d in ("src/hsr", "benchmarks", "scripts") for p in (root / d).rglob("*.py")]
    for p in sorted(py):
        for text in _docstrings_and_comments(p.read_text(encoding="utf-8")):
            yield str(p.relative_to(root)), text


# ----- resolving ----------------------------------------------------------------------------
def cited_names(text: str) -> list[str]:
    """The ``hsr.`` names in ``text``, in order (a sentence's final full stop dropped)."""
    out = []
    for m in NAME.finditer(text):
        name = m.group(0)
        if name.rsplit(".", 1)[-1] in FILE_SUFFIXES:  # a file name such as hsr.py
            continue
        out.append(name)
    return out


def _has(obj: object, attr: str) -> tuple[bool, object]:
    if hasattr(obj, attr):
        return True, getattr(obj, attr)
    if isinstance(obj, type) and dataclasses.is_dataclass(obj):
        fields = {f.name for f in dataclasses.fields(obj)}
        return attr in fields, None
    return False, None


def resolves(name: str) -> bool:
    """Whether ``name`` (``hsr.a.b``) is an importable module, or attributes of one."""
    parts = name.split(".")
    for k in range(len(parts), 0, -1):
        module = ".".join(parts[:k])
        try:
            obj = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is not None and not module.startswith(exc.name):
                raise  # the module exists but one of its own imports is missing
            continue
        for attr in parts[k:]:
            ok, obj = _has(obj, attr)
            if not ok:
                return False
            if obj is None:  # a dataclass field: nothing below it to check
                return attr == parts[-1]
        return True
    return False


def stale_names(pairs) -> dict[str, list[str]]:
    """name -> where it is cited, for every cited name that does not resolve."""
    cache: dict[str, bool] = {}
    bad: dict[str, list[str]] = {}
    for where, text in pairs:
        for name in cited_names(text):
            if name not in cache:
                cache[name] = resolves(name)
            if not cache[name] and where not in bad.get(name, []):
                bad.setdefault(name, []).append(where)
    return bad


# ----- the tests ----------------------------------------------------------------------------
def test_every_cited_name_resolves():
    bad = {}
    for name, places in stale_names(texts()).items():
        places = [w for w in places if (name, w.split(" (")[0]) not in ALLOWED]
        if places:
            bad[name] = places
    assert bad == {}, "names cited in the text that do not exist (where):\n" + "\n".join(
        f"  {k}: {', '.join(v)}" for k, v in sorted(bad.items())
    )


@pytest.mark.parametrize("name, where", sorted(ALLOWED))
def test_allowed_names_are_still_cited_and_still_unresolved(name, where):
    cited = {n for w, text in texts() if w.split(" (")[0] == where for n in cited_names(text)}
    assert name in cited, f"{where} no longer cites {name}: delete the entry from ALLOWED"
    assert not resolves(name), f"{name} resolves now: delete the entry from ALLOWED"


def test_resolver_on_names_that_exist_and_names_that_do_not():
    good = [
        "hsr.core",  # a package
        "hsr.core.gradients",  # a module
        "hsr.grad_ws_upper_bound",  # a flat function
        "hsr.core.model.Forward.backprop",  # a method of a class of a module
        "hsr.core.traces.TRACE_SQUARED_METHODS",  # a constant
        "hsr.WSBounds.upper",  # a dataclass field (no class attribute)
    ]
    bad = [
        "hsr.gradients",  # a module that moved (now hsr.core.gradients)
        "hsr.model.Forward",
        "hsr.core.gradients.no_such_function",
        "hsr.core.model.Forward.no_such_method",
        "hsr.WSBounds.no_such_field",
        "hsr.no_such_module.x",
    ]
    assert [n for n in good if not resolves(n)] == []
    assert [n for n in bad if resolves(n)] == []


def test_cited_names_skip_files_and_keep_names():
    text = (
        "See `hsr.core.bounds` and hsr.Net. The file claims/hsr.py and hsr.py are files; "
        "`src/hsr.x` is a path; hsr2026 is a citation key; the end is hsr.loss."
    )
    assert cited_names(text) == ["hsr.core.bounds", "hsr.Net", "hsr.loss"]


def test_a_planted_stale_name_is_found(tmp_path):
    """The collectors read each kind of text, and the check fails on a stale name in any."""
    (tmp_path / "book").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "src" / "hsr").mkdir(parents=True)
    (tmp_path / "book" / "chapter.md").write_text("The code (`hsr.numerical`) and hsr.loss.\n")
    (tmp_path / "README.md").write_text("Use `hsr.model.Net`.\n")
    cells = [
        {"cell_type": "markdown", "source": ["From `hsr.landscape_theory`.\n"], "metadata": {}},
        {"cell_type": "code", "source": ["import hsr.not_checked_in_code\n"], "metadata": {}},
    ]
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "notebooks" / "fig.ipynb").write_text(json.dumps(nb))
    (tmp_path / "src" / "hsr" / "mod.py").write_text(
        '"""Uses :func:`hsr.traces.trace_hessian`."""\n\nX = 1  # see hsr.bounds.moments\n'
    )
    bad = stale_names(texts(tmp_path))
    assert bad == {
        "hsr.numerical": ["book/chapter.md"],
        "hsr.model.Net": ["README.md"],
        "hsr.landscape_theory": ["notebooks/fig.ipynb (Markdown cell 0)"],
        "hsr.traces.trace_hessian": ["src/hsr/mod.py"],
        "hsr.bounds.moments": ["src/hsr/mod.py"],
    }

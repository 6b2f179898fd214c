"""The layer contract of the package, checked by ``tests/test_layers.py`` (``make test``).

Four floors, each importing only the floors below it and the third-party packages it may
use (``ARCHITECTURE.md``)::

    book  ->  claims  ->  experiments  ->  core

:func:`violations` reads every module's imports statically (``ast``; function-local imports
count too) and lists each import a floor may not make.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

__all__ = ["FLOORS", "ALLOWED_THIRD_PARTY", "floor_of", "imports_of", "violations"]

#: the floors, lowest first; the top-level ``hsr/__init__.py`` sits on "claims" (it
#: re-exports the three lower floors and must not load the book)
FLOORS = ("core", "experiments", "claims", "book")

#: third-party packages each floor may import (each floor also gets those of the floors below)
ALLOWED_THIRD_PARTY = {
    # threadpoolctl: the BLAS thread count of the closed forms' mid-sized products (core/blas.py;
    # pure Python, no dependencies; pyproject's core dependencies name exactly these three)
    "core": {"numpy", "scipy", "threadpoolctl"},
    "experiments": {
        "numba",
        "llvmlite",
        "tqdm",
        "contourpy",
        "sklearn",
        "mlxtend",
        "dask",
        "distributed",
    },
    "claims": {"yaml"},
    "book": None,  # anything: matplotlib, seaborn, papermill, nbformat, myst_nb, ...
}

#: modules at the package root every floor may import (leaves without imports of hsr)
ROOT_LEAVES = {"hsr._version", "hsr._layers"}

#: sub-packages that know nothing of their own floor beyond themselves: the experiments'
#: runtime (executors, cache, files, progress, timing) runs any job it is handed and imports no
#: experiment module; each maps to the hsr packages it may import besides itself (and the
#: floors below its own)
SELF_CONTAINED = {"hsr.experiments.runtime": ()}


def floor_of(module: str) -> str | None:
    """The floor of ``hsr.<floor>....`` (``hsr`` itself counts as "claims"), else None."""
    parts = module.split(".")
    if parts[0] != "hsr":
        return None
    if len(parts) == 1:
        return "claims"
    return parts[1] if parts[1] in FLOORS else None


def _module_name(path: Path, src: Path) -> str:
    rel = path.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path, module: str) -> list[tuple[str, int]]:
    """Every module ``path`` imports, as absolute names, with line numbers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_pkg else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if node.module is None or node.level:
                # "from . import x" / "from .. import x" may import submodules
                out += [(f"{target}.{a.name}", node.lineno) for a in node.names]
            out.append((target, node.lineno))
    return out


def violations(src: Path) -> list[str]:
    """Each import in ``<src>/hsr`` that breaks the contract, as ``"file:line: message"``."""
    src = Path(src)
    problems = []
    for path in sorted((src / "hsr").rglob("*.py")):
        module = _module_name(path, src)
        floor = floor_of(module)
        if floor is None:  # root leaves such as hsr._version, hsr._layers
            continue
        level = FLOORS.index(floor)
        allowed = set()
        for f in FLOORS[: level + 1]:
            extra = ALLOWED_THIRD_PARTY[f]
            allowed = None if extra is None or allowed is None else allowed | extra
        seen = set()
        for target, line in imports_of(path, module):
            top = target.split(".")[0]
            where = f"{path.relative_to(src)}:{line}"
            if line in seen:  # one problem per import statement
                continue
            if top == "hsr":
                if target in ROOT_LEAVES or any(target.startswith(r + ".") for r in ROOT_LEAVES):
                    continue
                tf = floor_of(target)
                if tf is None:
                    if target != "hsr" and target.split(".")[1] not in FLOORS:
                        problems.append(f"{where}: {floor} imports {target}, outside every floor")
                    continue
                if target == "hsr" and module != "hsr":
                    problems.append(f"{where}: {floor} imports the top-level hsr package")
                    seen.add(line)
                elif FLOORS.index(tf) > level:
                    problems.append(f"{where}: {floor} imports {target} (floor {tf}, above it)")
                    seen.add(line)
                else:
                    for pkg, extra in SELF_CONTAINED.items():
                        inside = module == pkg or module.startswith(pkg + ".")
                        ok = (
                            tf != floor
                            or target == pkg
                            or target.startswith(pkg + ".")
                            or any(target == e or target.startswith(e + ".") for e in extra)
                        )
                        if inside and not ok:
                            problems.append(
                                f"{where}: {pkg} imports {target}: it runs any job it is "
                                "handed and imports nothing else of its floor"
                            )
                            seen.add(line)
            elif top in sys.stdlib_module_names or top == "__future__":
                continue
            elif allowed is not None and top not in allowed:
                problems.append(f"{where}: {floor} imports {top}, not allowed on this floor")
                seen.add(line)
    return problems

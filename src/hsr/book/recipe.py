"""What adding a figure needs, checked: the places a new figure touches and the ones derived
from them (``notebooks/README.md``, "Add a figure").

A figure is a notebook ``notebooks/<name>.ipynb`` and, if it tests a claim, its claim module
``src/hsr/claims/<paper>/figNN.py`` (quote, reading, rule, sensitivity) and its line in the spec
(``book/spec/FIGURES.md`` or ``book/spec/*.yml``). The page in ``_toc.yml`` and, for a slow
notebook, its ``smoke`` and ``quick`` profile entries complete it. :func:`recipe_problems` lists
what is missing; ``tests/book/test_recipe.py`` requires none.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path

from .notebooks import CLAIMS_SPEC

__all__ = ["recipe_problems", "claim_modules_problems"]

#: the claims packages that hold one module per figure
CLAIM_PACKAGES = ("hsr.claims.ws", "hsr.claims.hsr", "hsr.claims.landscape")


def _notebook_text(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c.get("source", "")) for c in nb.get("cells", []))


def claim_modules_problems(packages=CLAIM_PACKAGES) -> list[str]:
    """Each figure module of a claims package must be merged into the package: its quotes and
    readings in the package's ``QUOTES``/``READINGS`` and its public names re-exported (so
    ``hsr.claims.<paper>.<function>`` works and the quote test reads every quote)."""
    problems = []
    for pkg_name in packages:
        pkg = importlib.import_module(pkg_name)
        for info in pkgutil.iter_modules(pkg.__path__):
            if info.name.startswith("_"):
                continue
            mod = importlib.import_module(f"{pkg_name}.{info.name}")
            for what in ("QUOTES", "READINGS"):
                for rid in getattr(mod, what, {}):
                    if rid not in getattr(pkg, what, {}):
                        problems.append(
                            f"{pkg_name}.{info.name}: {what}[{rid!r}] is not in {pkg_name}.{what}"
                        )
            for name in getattr(mod, "__all__", ()):
                if name not in ("QUOTES", "READINGS") and getattr(pkg, name, None) is not getattr(
                    mod, name
                ):
                    problems.append(
                        f"{pkg_name}.{info.name}.{name} is not re-exported by {pkg_name}"
                    )
    return problems


def recipe_problems(root, quotes=None) -> list[str]:
    """What a project at ``root`` misses of the recipe, one line each: a notebook without its
    page in ``_toc.yml``; a notebook named after a claim of the spec that never writes its rows
    (``report.record_claims`` with the row id ``"<name>"``); a claim of the spec without a quote
    in the claims modules (``quotes``: row id -> quote, default :func:`hsr.claims.quotes`)."""
    from ..claims.ledger import expected_claims

    root = Path(root)
    if quotes is None:
        from ..claims import quotes as all_quotes

        quotes = all_quotes()
    problems = []
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    expected = expected_claims(root / CLAIMS_SPEC)
    ids = {e.id for e in expected}
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        name = nb.stem
        if not re.search(rf"^\s*- file: book/generated/{re.escape(name)}\s*$", toc, re.M):
            problems.append(f"{name}: no page 'book/generated/{name}' in _toc.yml")
        text = _notebook_text(nb).replace("'", '"')
        if name in ids and not ("record_claims(" in text and f'"{name}"' in text):
            problems.append(f"{name}: a claim of the spec, but the notebook writes no rows for it")
    for e in expected:
        if e.id not in quotes:
            problems.append(f"{e.id}: a claim of the spec without a quote in hsr.claims")
    return problems + claim_modules_problems()

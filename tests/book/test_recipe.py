"""Adding a figure: the recipe of notebooks/README.md is complete in the project, and a figure
that misses a step is caught."""

from __future__ import annotations

import shutil
from pathlib import Path

from hsr.book.recipe import claim_modules_problems, recipe_problems

ROOT = Path(__file__).resolve().parents[2]


def test_the_project_follows_the_recipe():
    assert recipe_problems(ROOT) == []


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "book" / "spec", root / "book" / "spec")
    shutil.copy(ROOT / "_toc.yml", root / "_toc.yml")
    return root


def test_a_missing_step_is_caught(tmp_path):
    from hsr.claims import quotes

    root = _copy(tmp_path)
    # a page left out of the toc, a figure notebook that writes no rows, a claim without a quote
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text().replace("      - file: book/generated/ws-fig05\n", ""))
    nb = root / "notebooks" / "ws-fig06.ipynb"
    nb.write_text(nb.read_text().replace("record_claims(", "print("))
    q = {k: v for k, v in quotes().items() if k != "hsr-fig15"}
    found = recipe_problems(root, quotes=q)
    assert any(p.startswith("ws-fig05: no page") for p in found), found
    assert any(p.startswith("ws-fig06: a claim of the spec") for p in found), found
    assert any(p.startswith("hsr-fig15: a claim of the spec without a quote") for p in found)
    assert len(found) == 3, found


def test_a_figure_module_left_out_of_its_package_is_caught(monkeypatch):
    import hsr.claims.ws as ws

    monkeypatch.setattr(ws, "QUOTES", {k: v for k, v in ws.QUOTES.items() if k != "ws-fig07"})
    monkeypatch.delattr(ws, "ws_fig07_power")
    found = claim_modules_problems()
    assert any("QUOTES['ws-fig07']" in p for p in found), found
    assert any("fig07.ws_fig07_power is not re-exported" in p for p in found), found

"""Every file a docstring or a README of the repository cites exists in the repository.

A reference is a path with a folder (``book/spec/FIGURES.md``, ``src/hsr/core/model.py``) or a
bare Markdown file name (``ARCHITECTURE.md``), in ``src/``, ``tests/``, ``benchmarks/``,
``scripts/``, the top-level Markdown files, ``notebooks/README.md`` and the book's chapters.
Files the build writes (``book/generated/...``, ``_build/...``) and the papers' texts beside
the repository (``../shared/...``) are not references to check.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REF = re.compile(
    r"(?<![\w/.-])((?:[\w.-]+/)+[\w.-]+\.(?:md|py|yml|toml|ipynb|cff|txt)|[\w-]+\.md)\b"
)
GENERATED = ("book/generated/", "_build/", "generated/", "test-artifacts/")
#: names of generated pages and of files the tests create in temporary folders
NOT_FILES = {"ledger.md", "provenance.md", "index.md", "summary.md"}


def sources() -> list[Path]:
    out = [p for d in ("src", "tests", "benchmarks", "scripts") for p in (ROOT / d).rglob("*.py")]
    # these hold made-up paths on purpose (the checks' own test data)
    own = ("test_references.py", "test_layers.py", "test_names.py")
    out = [p for p in out if p.name not in own]
    out += list(ROOT.glob("*.md")) + [ROOT / "notebooks" / "README.md"]
    out += [p for p in (ROOT / "book").glob("*.md")]
    return out


def dangling(path: Path) -> list[str]:
    bad = []
    for m in REF.finditer(path.read_text(encoding="utf-8")):
        ref = m.group(1)
        # files the build writes, the papers beside the repository, the authors' repository
        if ref.startswith(GENERATED) or ref in NOT_FILES or "shared/" in ref or "kisnikser/" in ref:
            continue
        dirs = (
            ROOT,
            path.parent,
            ROOT / "src",
            ROOT / "src" / "hsr",
            ROOT / "book",
            ROOT / "book" / "spec",
        )
        here = [d / ref for d in dirs]
        if not any(p.exists() for p in here):
            bad.append(ref)
    return bad


def test_every_cited_file_exists():
    problems = {str(p.relative_to(ROOT)): dangling(p) for p in sources()}
    problems = {k: v for k, v in problems.items() if v}
    assert problems == {}


def test_a_dangling_reference_is_found(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("See `MATH.md` and `src/hsr/core/model.py` and `src/hsr/nowhere.py`.")
    assert dangling(doc) == ["MATH.md", "src/hsr/nowhere.py"]

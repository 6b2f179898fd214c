"""Numbers for the book: gluing, the claim rows and data files a notebook writes.

Every notebook glues the numbers its text cites (plain floats or formatted strings, never
numpy scalars) with :func:`glue`, writes its ledger rows (:class:`hsr.claims.Claim`) with
:func:`record_claims` to ``$HSR_CLAIMS_DIR`` and its data files with :func:`write_table` to
``$HSR_DATA_DIR`` (folders: :mod:`hsr.book.paths`); the build gathers the rows into the
ledger (:func:`gather_claims`).
"""

from __future__ import annotations

import csv
import io
import json
import numbers
from dataclasses import asdict
from pathlib import Path

from ..claims.ledger import PAPERS, Claim, fmt
from ..experiments.runtime.files import atomic_write_text
from .paths import claims_dir, data_dir

__all__ = ["glue", "record_claims", "gather_claims", "write_table", "claims_dir", "data_dir"]


def write_table(name: str, rows: list[dict], outdir=None) -> Path:
    """Write ``rows`` (dicts with the same keys) as ``<data_dir>/<name>.csv``: the data file
    behind a page, for readers who want the numbers rather than the picture."""
    rows = list(rows)
    if not rows:
        raise ValueError("rows must hold at least one row")
    keys = list(rows[0])
    if any(list(r) != keys for r in rows):
        raise ValueError("rows must all have the same keys, in the same order")
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=keys)
    w.writeheader()
    w.writerows(rows)
    d = Path(outdir) if outdir is not None else data_dir()
    return atomic_write_text(d / f"{name}.csv", buf.getvalue())


def record_claims(notebook: str, claims: list[Claim], outdir=None, show: bool = True) -> Path:
    """Write the rows of one notebook to ``<claims_dir>/<notebook>.json`` (replacing it).
    Inside a notebook (an IPython kernel), ``show`` also displays under the cell, for each
    row, how its verdict moves with every threshold of its test and its earlier readings
    (:func:`hsr.book.pages.sensitivity_markdown`), so the figure's page carries them."""
    d = Path(outdir) if outdir is not None else claims_dir()
    rows = [asdict(c) | {"notebook": notebook} for c in claims]
    path = atomic_write_text(d / f"{notebook}.json", json.dumps(rows, indent=1))
    if show:
        _display_sensitivity(rows)
    return path


def _display_sensitivity(rows: list[dict]) -> None:
    """Display each row's sensitivity Markdown when running inside an IPython kernel."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # pragma: no cover - IPython comes with the book extra
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return
    from .pages import sensitivity_markdown

    for r in rows:
        text = sensitivity_markdown(r)
        if text:
            display(Markdown(text))


def gather_claims(directory) -> list[dict]:
    """All rows written under ``directory``, sorted by paper, figure number and id."""
    rows = []
    for p in sorted(Path(directory).glob("*.json")):
        rows += json.loads(p.read_text())

    def key(r):
        digits = "".join(ch for ch in r["figure"] if ch.isdigit())
        order = PAPERS.index(r["paper"]) if r["paper"] in PAPERS else len(PAPERS)
        return (order, int(digits) if digits else 0, r["id"])

    return sorted(rows, key=key)


def glue(name: str, value, digits: int | None = None):
    """Glue a number (as a plain float/int, or as text with ``digits`` significant digits)
    or a string for the book, without displaying it."""
    from myst_nb import glue as _glue

    if isinstance(value, str):
        out = value
    elif isinstance(value, numbers.Integral):
        out = int(value)
    elif digits is not None:
        out = fmt(value, digits)
    else:
        out = float(value)
    _glue(name, out, display=False)
    return out

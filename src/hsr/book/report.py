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

__all__ = [
    "glue",
    "glued_value",
    "record_claims",
    "gather_claims",
    "gather_seed_sets",
    "attach_seed_sets",
    "SEED_SETS",
    "write_table",
    "claims_dir",
    "data_dir",
]


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


def record_claims(notebook: str, claims: list[Claim], outdir=None) -> None:
    """Write the rows of one notebook to ``<claims_dir>/<notebook>.json`` (replacing it).

    Returns nothing, so that a notebook cell ending with the call shows no value on the page;
    the file is ``<claims_dir>/<notebook>.json``. ``hsr build`` renders the rows on the
    figure's page (the head block "The paper says" / "We find" and the details below the
    figure: :mod:`hsr.book.heads`) and in the ledger."""
    d = Path(outdir) if outdir is not None else claims_dir()
    rows = [asdict(c) | {"notebook": notebook} for c in claims]
    atomic_write_text(d / f"{notebook}.json", json.dumps(rows, indent=1))


#: the folder under ``$HSR_CLAIMS_DIR`` that holds the rows of the fresh seed sets:
#: ``seed-sets/<k>/<notebook>.json`` (k = 1, 2, ...), same schema as the main rows (set 0)
SEED_SETS = "seed-sets"


def _read_rows(directory: Path) -> list[dict]:
    """The rows of every ``<directory>/*.json`` (not of its subfolders)."""
    rows = []
    for p in sorted(Path(directory).glob("*.json")):
        if p.is_file():
            rows += json.loads(p.read_text())
    return rows


def _set_key(name: str):
    return (0, int(name), "") if name.isdigit() else (1, 0, name)


def gather_seed_sets(directory) -> dict[str, list[dict]]:
    """The rows of each fresh seed set under ``<directory>/seed-sets/<k>/`` by set name
    (``{"1": rows, "2": rows}``, in numeric order); empty when the folder is absent."""
    base = Path(directory) / SEED_SETS
    if not base.is_dir():
        return {}
    sets = {d.name: _read_rows(d) for d in base.iterdir() if d.is_dir()}
    return {k: sets[k] for k in sorted(sets, key=_set_key) if sets[k]}


def attach_seed_sets(rows: list[dict], sets: dict[str, list[dict]]) -> list[dict]:
    """Each row of ``rows`` (seed set "0") with its verdicts on the fresh seed sets ``sets``
    (``{k: rows of set k}``, :func:`gather_seed_sets`), matched by row id and statement id.

    Adds to each row ``seed_sets``: ``{k: {"verdict": ..., "statements": {statement id:
    verdict}}}`` for set "0" and every set that has the row, and ``seed_dependent``: whether
    the row's verdict differs between them; to each statement ``seed_verdicts`` (``{k:
    verdict}``) and ``seed_dependent``. With no fresh set, ``rows`` are returned unchanged
    (one seed set: nothing to compare). New dicts; the inputs are not modified."""
    if not sets:
        return [dict(r) for r in rows]
    if "0" in sets:
        raise ValueError('sets must hold the fresh seed sets only (set "0" is rows)')
    by_set = {k: {r["id"]: r for r in set_rows} for k, set_rows in sets.items()}
    out = []
    for r in rows:
        found = {"0": r} | {k: ids[r["id"]] for k, ids in by_set.items() if r["id"] in ids}
        seed_sets = {
            k: {
                "verdict": row["verdict"],
                "statements": {st["id"]: st["verdict"] for st in row.get("statements") or ()},
            }
            for k, row in found.items()
        }
        statements = []
        for st in r.get("statements") or ():
            verdicts = {
                k: s["statements"][st["id"]]
                for k, s in seed_sets.items()
                if st["id"] in s["statements"]
            }
            statements.append(
                dict(st)
                | {"seed_verdicts": verdicts, "seed_dependent": len(set(verdicts.values())) > 1}
            )
        new = dict(r) | {
            "seed_sets": seed_sets,
            "seed_dependent": len({s["verdict"] for s in seed_sets.values()}) > 1,
        }
        if statements:
            new["statements"] = statements
        out.append(new)
    return out


def gather_claims(directory) -> list[dict]:
    """All rows written under ``directory`` (its ``*.json``; the fresh seed sets under
    ``seed-sets/`` are not rows of their own but attached to them, :func:`attach_seed_sets`),
    sorted by paper, figure number and id."""
    rows = attach_seed_sets(_read_rows(directory), gather_seed_sets(directory))

    def key(r):
        digits = "".join(ch for ch in r["figure"] if ch.isdigit())
        order = PAPERS.index(r["paper"]) if r["paper"] in PAPERS else len(PAPERS)
        return (order, int(digits) if digits else 0, r["id"])

    return sorted(rows, key=key)


def glue(name: str, value, digits: int | None = None) -> None:
    """Glue a number (as a plain float/int, or as text with ``digits`` significant digits)
    or a string for the book, without displaying it. Returns nothing, so that a cell ending
    with the call leaves no value on the page (:func:`glued_value` gives the value glued)."""
    from myst_nb import glue as _glue

    _glue(name, glued_value(value, digits), display=False)


def glued_value(value, digits: int | None = None):
    """What :func:`glue` stores for ``value``: a string as it is, an integer as ``int``, a
    number as ``float``, or as text with ``digits`` significant digits."""
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if digits is not None:
        return fmt(value, digits)
    return float(value)

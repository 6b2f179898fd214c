"""Compare two generated books number by number: every glued value of every executed notebook
and every claim row, as the restructure promised ("no number the book prints changes").

    python scripts/compare_generated.py BEFORE_DIR AFTER_DIR [--ignore-keys k1,k2]

BEFORE_DIR and AFTER_DIR are ``book/generated`` folders (``hsr run --output DIR``). Prints
each difference and exits 1 if there is one. Rows are compared on every field they share;
``--ignore-keys`` names row fields to skip (for fields added later, such as ``paper_says``).
Timing notebooks (HSR Fig. 2) measure seconds, which differ from run to run: their glued
values are reported but not counted (``--timing hsr-fig02,closed-form-cost``; and any glued value
whose name says ``seconds``). Glued values that only the
later book has (a new number on a page) are listed, not counted: no earlier number changed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat


def glued(path: Path) -> dict[str, str]:
    """name -> the glued value's text/plain, for one executed notebook."""
    out = {}
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                data = o.get("data", {})
                out[name] = next(iter(data.values())) if data else None
    return out


def rows(directory: Path) -> dict[str, dict]:
    out = {}
    for p in sorted((directory / "claims").glob("*.json")):
        for r in json.loads(p.read_text()):
            out[r["id"]] = r
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--ignore-keys", default="")
    ap.add_argument("--timing", default="hsr-fig02,closed-form-cost")
    args = ap.parse_args(argv)
    ignore = {k for k in args.ignore_keys.split(",") if k}
    timing = {k for k in args.timing.split(",") if k}
    problems, noted, added, n_values = [], [], [], 0
    for pb in sorted(args.before.glob("*.ipynb")):
        pa = args.after / pb.name
        if not pa.exists():
            problems.append(f"{pb.stem}: missing in {args.after}")
            continue
        gb, ga = glued(pb), glued(pa)
        added += [f"{pb.stem}: {k}" for k in sorted(set(ga) - set(gb))]
        for k in sorted(gb):
            n_values += 1
            if gb.get(k) != ga.get(k):
                line = f"{pb.stem}: {k}: {gb.get(k)!r} -> {ga.get(k)!r}"
                seconds = "seconds" in k  # a wall-clock time glued on any page
                (noted if pb.stem in timing or seconds else problems).append(line)
    rb, ra = rows(args.before), rows(args.after)
    for rid in sorted(set(rb) | set(ra)):
        if rid not in rb or rid not in ra:
            problems.append(f"row {rid}: only in {'before' if rid in rb else 'after'}")
            continue
        for k in sorted((set(rb[rid]) & set(ra[rid])) - ignore):
            if rb[rid][k] != ra[rid][k]:
                line = f"row {rid}: {k}: {rb[rid][k]!r} -> {ra[rid][k]!r}"
                (noted if rb[rid].get("notebook") in timing else problems).append(line)
    for line in noted:
        print("timing (not counted):", line)
    for line in added:
        print("new glued value (not in the earlier book):", line)
    for line in problems:
        print("DIFFERS:", line)
    print(
        f"{n_values} glued values and {len(rb)} rows compared; {len(problems)} differences"
        f" ({len(noted)} in timing notebooks, not counted)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

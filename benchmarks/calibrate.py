"""Calibrate the constants the papers leave blank against the counts they report.

Runs critical-point sweeps for candidate settings and prints, beside the papers' counts,
how many seeds converge and how many critical points are unique. Usage::

    python benchmarks/calibrate.py                       # the chosen defaults, all three sweeps
    python benchmarks/calibrate.py --grid lr=0.5,1,2 init=5,10 --seeds 500

Every run is cached (``hsr.experiments.sweeps`` cache), so rerunning a grid is cheap.
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np

from hsr import SweepConfig, run_sweep

PAPERS = {  # (d_hidden, seeds): (converged, unique)
    (3, 3000): (2799, 1124, "HSR"),
    (3, 500): (460, 353, "WS d_h=3"),
    (10, 500): (453, 420, "WS d_h=10"),
}
KEYS = {
    "lr": "lr",
    "init": "init",
    "iters": "max_iter",
    "k": "dedup_k",
    "ntrain": "n_train",
    "mean": "mean",
    "h": "d_hidden",
    "seeds": "n_seeds",
}


def settings(base: SweepConfig, **kw) -> SweepConfig:
    out = {}
    for k, v in kw.items():
        if k == "init":
            out["init_low"], out["init_high"] = -float(v), float(v)
        elif k == "mean":
            out["mean0"], out["mean1"] = (-float(v), -float(v)), (float(v), float(v))
        elif k in ("iters", "ntrain", "h", "seeds"):
            out[KEYS[k]] = int(v)
        else:
            out[KEYS[k]] = float(v)
    return SweepConfig(**{**base.to_dict(), **out})


def report(cfg: SweepConfig, quiet: bool) -> dict:
    t = time.perf_counter()
    r = run_sweep(cfg, quiet=quiet)
    dt = time.perf_counter() - t
    paper = PAPERS.get((cfg.d_hidden, cfg.n_seeds))
    it = r.n_iter[r.converged]
    row = dict(
        d_h=cfg.d_hidden,
        seeds=cfg.n_seeds,
        lr=cfg.lr,
        init=cfg.init_high,
        iters=cfg.max_iter,
        k=cfg.dedup_k,
        n_train=cfg.n_train,
        mean=cfg.mean1[0],
        converged=r.n_converged,
        unique=r.n_unique,
        paper=f"{paper[0]}/{paper[1]} ({paper[2]})" if paper else "-",
        median_iter=int(np.median(it)) if it.size else -1,
        seconds=round(dt, 1),
    )
    print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    return row


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--grid", nargs="*", default=[], help="name=v1,v2,... over " + ",".join(KEYS))
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    base = SweepConfig()
    if not args.grid:
        for h, seeds in PAPERS:
            report(settings(base, h=h, seeds=seeds), args.quiet)
        return
    names, values = [], []
    for item in args.grid:
        name, vals = item.split("=")
        if name not in KEYS:
            raise SystemExit(f"unknown grid name {name!r}; choose from {sorted(KEYS)}")
        names.append(name)
        values.append(vals.split(","))
    for combo in itertools.product(*values):
        report(settings(base, **dict(zip(names, combo, strict=True))), args.quiet)


if __name__ == "__main__":
    main()

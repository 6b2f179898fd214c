"""Time the paper-scale work end to end, with the cache off.

The three critical-point sweeps (HSR: 3,000 seeds; WS: 500 seeds at d_h = 3 and at
d_h = 10) and the HSR comparison (Flat and Sharp seeds x 4 methods x 10,000 iterations),
with the calibrated defaults. Target: all of it within 10 minutes on the 2-core machine.
Run: ``python benchmarks/bench_paper_scale.py``.
"""

from __future__ import annotations

import time

from hsr import CompareConfig, SweepConfig, run_comparison, run_sweep, top_bottom_groups


def main():
    rows, total = [], 0.0
    sweeps = {}
    for name, kw in [
        ("HSR sweep, 3000 seeds, d_h=3", dict(n_seeds=3000)),
        ("WS sweep, 500 seeds, d_h=3", dict(n_seeds=500)),
        ("WS sweep, 500 seeds, d_h=10", dict(n_seeds=500, d_hidden=10)),
    ]:
        t = time.perf_counter()
        r = run_sweep(SweepConfig(**kw), cache_dir=False, quiet=True)
        dt = time.perf_counter() - t
        total += dt
        sweeps[name] = r
        rows.append((name, dt, f"{r.n_converged} converged, {r.n_unique} unique"))
        print(f"{name}: {dt:.1f} s ({rows[-1][2]})", flush=True)
    r = sweeps["HSR sweep, 3000 seeds, d_h=3"]
    flat, sharp = top_bottom_groups(r.stats["ws_upper"], 0.1)
    t = time.perf_counter()
    c = run_comparison(
        r, {"Flat": flat, "Sharp": sharp}, CompareConfig(), cache_dir=False, quiet=True
    )
    dt = time.perf_counter() - t
    total += dt
    n = flat.size + sharp.size
    rows.append((f"comparison, {n} seeds x {len(c.methods)} methods", dt, "10,000 iterations max"))
    print(f"{rows[-1][0]}: {dt:.1f} s", flush=True)
    print(
        f"\ntotal: {total:.1f} s ({total / 60:.1f} min); target <= 10 min: "
        f"{'met' if total <= 600 else 'NOT met'}"
    )
    print("\n| work | seconds | outcome |\n|---|---|---|")
    for name, dt, note in rows:
        print(f"| {name} | {dt:.1f} | {note} |")
    print(f"| **total** | **{total:.1f}** | |")


if __name__ == "__main__":
    main()

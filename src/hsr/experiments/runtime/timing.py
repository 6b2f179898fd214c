"""Timing helpers for the figures and benchmarks that measure speed (HSR Fig. 2).

Machines are noisy: report medians of repeats and ratios measured in the same run, never
absolute times against a fixed threshold.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

__all__ = ["median_time", "growth_exponent"]


def median_time(
    fn: Callable[[], object], n_repeats: int = 7, time_budget: float = 2.0, min_loop: float = 0.02
) -> tuple[float, int]:
    """Median seconds per call of ``fn`` and the number of repeats taken.

    One warm-up call, then up to ``n_repeats`` repeats, each looping ``fn`` until it lasts at
    least ``min_loop`` seconds, while ``time_budget`` seconds last (at least one repeat; a
    call slower than half the budget counts its warm-up as the first repeat).

    >>> t, k = median_time(lambda: sum(range(100)), n_repeats=3, time_budget=0.5)
    >>> t > 0 and 1 <= k <= 3
    True
    """
    for name, v in (("n_repeats", n_repeats), ("time_budget", time_budget), ("min_loop", min_loop)):
        if not v > 0:
            raise ValueError(f"{name} must be positive, got {v!r}")
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    number = max(1, int(np.ceil(min_loop / max(first, 1e-9))))
    times = [first] if first > time_budget / 2 else []
    start = time.perf_counter()
    while len(times) < int(n_repeats) and (
        not times or time.perf_counter() - start + first * number < time_budget
    ):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return float(np.median(times)), len(times)


def growth_exponent(sizes, times) -> float:
    """The slope of log(time) against log(size): ~1 linear, ~2 quadratic (NaN below 2 sizes).

    >>> round(growth_exponent([10, 100, 1000], [1.0, 100.0, 10000.0]), 6)
    2.0
    """
    sizes, times = np.asarray(sizes, dtype=float), np.asarray(times, dtype=float)
    if sizes.shape != times.shape or sizes.ndim != 1:
        raise ValueError(
            f"sizes and times must be 1-D of one length, got {sizes.shape}, {times.shape}"
        )
    if sizes.size < 2:
        return float("nan")
    if np.any(sizes <= 0) or np.any(times <= 0):
        raise ValueError("sizes and times must be positive")
    return float(np.polyfit(np.log(sizes), np.log(times), 1)[0])

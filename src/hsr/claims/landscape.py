"""The tests of the landscape paper's claims (Kiselev et al.): the ledger rows
``landscape-convergence``, ``landscape-rate`` and ``landscape-depth-width`` from the curves of
:func:`hsr.experiments.landscape.run_landscape_grid`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..experiments.landscape import fall_ratio, rank_correlation, rate_slope, window_mean
from .ledger import combine_verdicts, verdict_from_fraction

__all__ = ["convergence_test", "rate_test", "order_test"]


def _verdict_fraction(passes) -> tuple[float, str]:
    f = float(np.mean(passes))
    return f, verdict_from_fraction(f)


def convergence_test(nets: dict, fall_max: float = 0.5) -> tuple[list[float], float, str]:
    """Row ``landscape-convergence``: the :func:`fall_ratio` of every net, the fraction of nets
    with ratio <= ``fall_max``, and the verdict (holds at >= 95% of nets, partly at >= 50%)."""
    ratios = [fall_ratio(n) for n in nets.values()]
    return (ratios, *_verdict_fraction([r <= fall_max for r in ratios]))


def rate_test(
    nets: dict, k_frac: float = 0.1, slope_tol: float = 0.1
) -> tuple[list[float], float, str]:
    """Row ``landscape-rate``: the :func:`rate_slope` of every net over ``k >= k_frac m``, the
    fraction with ``|slope + 1| <= slope_tol``, and the verdict (95% / 50%)."""
    slopes = [rate_slope(n, k_frac) for n in nets.values()]
    return (slopes, *_verdict_fraction([abs(s + 1.0) <= slope_tol for s in slopes]))


def order_test(
    nets: dict,
    left: Sequence[tuple[int, int]],
    right: Sequence[tuple[int, int]],
    k_frac: float = 0.1,
    rho_min: float = 0.9,
) -> dict:
    """Row ``landscape-depth-width``: the level of each curve (geometric mean over
    ``k >= k_frac m``), Spearman's rho of the level with L over the ``right`` panel's points and
    with h over the ``left`` panel's. Depth holds if ``rho_L >= rho_min``, partly if > 0; width
    holds if ``rho_h <= -rho_min``, partly if < 0; the row combines them
    (:func:`hsr.claims.combine_verdicts`). Returns a dict of all of these."""
    lev = {p: window_mean(nets[p], k_frac, 1.0, geometric=True) for p in (*left, *right)}
    rho_L = rank_correlation([p[1] for p in right], [lev[p] for p in right])
    rho_h = rank_correlation([p[0] for p in left], [lev[p] for p in left])
    v_L = "holds" if rho_L >= rho_min else "partly" if rho_L > 0 else "does not hold"
    v_h = "holds" if rho_h <= -rho_min else "partly" if rho_h < 0 else "does not hold"
    return {
        "levels": lev,
        "rho_L": rho_L,
        "rho_h": rho_h,
        "verdict_L": v_L,
        "verdict_h": v_h,
        "verdict": combine_verdicts([v_L, v_h]),
        "text": f"rho_L = {rho_L:.2f} ({v_L}), rho_h = {rho_h:.2f} ({v_h})",
    }

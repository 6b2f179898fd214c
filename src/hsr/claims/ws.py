"""The tests of the WS paper's claims, one function per ledger row (``ws-figNN``).

Each function takes the measured arrays, applies the test stated in its docstring (chosen
before the runs, never tuned to the outcome) and returns an :class:`~hsr.claims.ledger.Outcome`:
the ledger row and the numbers behind it for the figure's page.

>>> import numpy as np
>>> t = ws_fig02(ws_upper=np.array([1.0, 2.0, 3.0]), lambda_max=np.array([0.9, 1.5, 2.9]))
>>> t.claim.verdict, round(t.values["median_ratio"], 3)
('holds', 1.111)
"""

from __future__ import annotations

import numpy as np

from ..core._checks import finite_vector, fraction, same_length
from ..experiments.groups import low_high_groups
from ..experiments.stats import iqr as _iqr
from ..experiments.stats import mann_whitney
from .ledger import Claim, Outcome, fmt, weaker
from .ledger import verdict_from_fraction as _frac
from .ledger import verdict_from_pvalue as _pval

_NAN = float("nan")

__all__ = ["ws_fig02", "ws_fig07", "ws_fig11"]


def ws_fig02(ws_upper, lambda_max) -> Outcome:
    """WS Fig. 2, "the bound holds and is tight", over the unique critical points
    (``ws_upper``, ``lambda_max``: ``(M,)``).

    Test: holds if >= 95% of the points satisfy lambda_max <= lambda_WS (1e-9 relative) and
    the median lambda_WS / lambda_max < 2; partly if >= 50% and median < 5 (the weaker of the
    two); no point: does not hold."""
    ws, lmax = finite_vector("ws_upper", ws_upper), finite_vector("lambda_max", lambda_max)
    same_length(ws_upper=ws, lambda_max=lmax)
    M = ws.size
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(lmax > 0, ws / np.where(lmax > 0, lmax, 1.0), np.inf)
    below = lmax <= ws + 1e-9 * np.abs(ws)
    frac = float(below.mean()) if M else _NAN
    med = float(np.median(ratio)) if M else _NAN
    test = (
        "holds if >= 95% of unique critical points satisfy lambda_max <= lambda_WS (1e-9 "
        "relative) and the median lambda_WS / lambda_max < 2; partly if >= 50% and median < 5 "
        "(weaker of the two)"
    )
    if M == 0:
        verdict, measured = "does not hold", "no unique critical point: nothing to test"
    else:
        v_bound = _frac(frac, holds_at=0.95, partly_at=0.5)
        v_tight = "holds" if med < 2 else "partly" if med < 5 else "does not hold"
        verdict = weaker(v_bound, v_tight)
        measured = (
            f"{int(below.sum())} of {M} unique critical points ({fmt(100 * frac, 4)}%) satisfy "
            f"lambda_max <= lambda_WS; lambda_WS / lambda_max median {fmt(med)}, "
            f"max {fmt(float(ratio.max()))}"
        )
    claim = Claim(
        id="ws-fig02",
        paper="WS",
        figure="Fig. 2",
        claim="the bound holds and is tight",
        paper_reports="scatter of lambda_max against lambda_WS at the 353 unique critical "
        "points: every point below y = x and close to it (no number given)",
        measured=measured,
        test=test,
        verdict=verdict,
    )
    values = dict(n=M, n_below=int(below.sum()), frac_below=frac, median_ratio=med, ratio=ratio)
    return Outcome(claim, values)


def ws_fig07(ws_upper, test_f1, frac_high: float = 0.1) -> Outcome:
    """WS Fig. 7, "High group worse; significant at 1%": the test macro-F1 (``test_f1 (M,)``)
    of the High group (top ``frac_high`` of ``ws_upper (M,)``) against the Low group.

    Test: two-sided Mann-Whitney U; holds if p < 0.01 and High is worse
    (U_High / (n_High n_Low) < 0.5), partly if p < 0.05 in that direction, else does not
    hold (also with fewer than 2 points in a group)."""
    ws, f1 = finite_vector("ws_upper", ws_upper), finite_vector("test_f1", test_f1)
    same_length(ws_upper=ws, test_f1=f1)
    fraction("frac_high", frac_high)
    if ws.size:
        low, high = low_high_groups(ws, frac_high)
    else:
        low = high = np.zeros(0, int)
    enough = low.size >= 2 and high.size >= 2
    mw = mann_whitney(f1[high], f1[low]) if low.size and high.size else None
    cles = mw.statistic / (mw.n_a * mw.n_b) if mw else _NAN  # P(High > Low), ties half
    if not enough:
        verdict = "does not hold"
        measured = f"Low {low.size} and High {high.size} points: too few to test"
    else:
        verdict = _pval(mw.pvalue, alpha=0.01, direction_ok=cles < 0.5)
        measured = (
            f"Low {low.size} points, median F1 {fmt(mw.median_b)}; High {high.size} points, "
            f"median F1 {fmt(mw.median_a)}; two-sided Mann-Whitney p = {fmt(mw.pvalue, 2)}, "
            f"P(High > Low) = {fmt(cles)}"
        )
    claim = Claim(
        id="ws-fig07",
        paper="WS",
        figure="Fig. 7",
        claim="High group worse; significant at 1%",
        paper_reports="Low 317 points with stable test macro-F1; High 36 points with a lower "
        "median and a large spread; two-sided Mann-Whitney U significant at the 1% level",
        measured=measured,
        test="two-sided Mann-Whitney U test of test macro-F1, High (top 10% of lambda_WS) vs "
        "Low: holds if p < 0.01 and High is worse (U_High / (n_High n_Low) < 0.5), partly if "
        "p < 0.05 in that direction, else does not hold (also with fewer than 2 points in a "
        "group)",
        verdict=verdict,
    )
    values = dict(
        low=low,
        high=high,
        enough=enough,
        mw=mw,
        cles=cles,
        p=mw.pvalue if mw else _NAN,
        iqr_low=_iqr(f1[low]),
        iqr_high=_iqr(f1[high]),
    )
    return Outcome(claim, values)


def ws_fig11(ws_narrow, ws_wide, d_narrow: int = 3, d_wide: int = 10) -> Outcome:
    """WS Fig. 11, "hidden width raises the bound; significant at 1%": lambda_WS at the
    unique critical points of the ``d_wide`` sweep (``ws_wide (M2,)``) against the
    ``d_narrow`` sweep (``ws_narrow (M1,)``).

    Test: two-sided Mann-Whitney U; holds if p < 0.01 and the wide network is higher
    (U_wide / (n_wide n_narrow) > 0.5), partly if p < 0.05 in that direction, else does not
    hold (also with fewer than 2 points in a sweep)."""
    a, b = finite_vector("ws_narrow", ws_narrow), finite_vector("ws_wide", ws_wide)
    enough = a.size >= 2 and b.size >= 2
    mw = mann_whitney(b, a) if a.size and b.size else None
    cles = mw.statistic / (mw.n_a * mw.n_b) if mw else _NAN  # P(wide > narrow), ties half
    if not enough:
        verdict = "does not hold"
        measured = f"{a.size} and {b.size} unique points: too few to test"
    else:
        verdict = _pval(mw.pvalue, alpha=0.01, direction_ok=cles > 0.5)
        measured = (
            f"median lambda_WS {fmt(mw.median_b)} (d_h = {d_narrow}, {a.size} points) vs "
            f"{fmt(mw.median_a)} (d_h = {d_wide}, {b.size} points); two-sided Mann-Whitney "
            f"p = {fmt(mw.pvalue, 2)}, P(wide > narrow) = {fmt(cles)}"
        )
    claim = Claim(
        id="ws-fig11",
        paper="WS",
        figure="Fig. 11",
        claim="hidden width raises the bound; significant at 1%",
        paper_reports="lambda_WS at the critical points higher for d_h = 10 (420 unique "
        "points) than for d_h = 3 (353); two-sided Mann-Whitney U significant at the 1% level",
        measured=measured,
        test="two-sided Mann-Whitney U test of lambda_WS, d_h = 10 vs d_h = 3 unique critical "
        "points: holds if p < 0.01 and the wide network is higher (U_wide / (n_wide n_narrow) "
        "> 0.5), partly if p < 0.05 in that direction, else does not hold (also with fewer "
        "than 2 points in a sweep)",
        verdict=verdict,
    )
    return Outcome(claim, dict(enough=enough, mw=mw, cles=cles, p=mw.pvalue if mw else _NAN))

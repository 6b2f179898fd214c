"""WS Fig. 7, "High group worse; significant at 1%": the test of ledger row ``ws-fig07``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    fraction,
    same_length,
)
from ...experiments.groups import low_high_groups
from ...experiments.stats import iqr as _iqr
from ...experiments.stats import mann_whitney
from ..ledger import Claim, Outcome, Quote, fmt
from ..ledger import verdict_from_pvalue as _pval
from ..sensitivity import series
from ._shared import NAN, quoted

__all__ = ["QUOTES", "READINGS", "ws_fig07", "ws_fig07_power"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig07": Quote(
        "WS",
        "Section IV-C",
        "Observations of the macro F1-scores reveal that critical points with a low exhibit "
        "stable test performance. In contrast, those with a high show significant variance in "
        "performance, along with a lower median score. The results of a two-sided Mann-Whitney "
        "U test showed a significant difference at the 1% level.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig07": "The paper's own test: a two-sided Mann-Whitney U test at the 1% level, with the "
    'High group the worse one ("a lower median score"), read from the direction of the U '
    "statistic.",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


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
    cles = mw.statistic / (mw.n_a * mw.n_b) if mw else NAN  # P(High > Low), ties half
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
        p=mw.pvalue if mw else NAN,
        iqr_low=_iqr(f1[low]),
        iqr_high=_iqr(f1[high]),
    )
    if not enough:
        values["note"] = (
            f"Too few points to compare (Low {low.size}, High {high.size}): the test needs 2 in "
            "each group."
        )
    else:
        values["note"] = "" if cles < 0.5 else "In this run the High group is not the worse one."

    def at_split(fh):  # the test with another High group
        lo, hi = low_high_groups(ws, fh) if ws.size else (np.zeros(0, int),) * 2
        if lo.size < 2 or hi.size < 2:
            return NAN, "does not hold"
        m = mann_whitney(f1[hi], f1[lo])
        return m.pvalue, _pval(
            m.pvalue, alpha=0.01, direction_ok=m.statistic / (m.n_a * m.n_b) < 0.5
        )

    p = mw.pvalue if mw else NAN
    sens = series(
        "significance level alpha",
        (0.001, 0.005, 0.05),
        0.01,
        lambda a: (p, _pval(p, alpha=a, direction_ok=cles < 0.5) if enough else "does not hold"),
    ) + series(
        "frac_high (share of points in the High group)", (0.05, 0.15, 0.2), frac_high, at_split
    )
    return Outcome(_quoted(claim, sens), values)


def ws_fig07_power(
    ws_upper, test_f1, n_unique: int, frac_high: float = 0.1, n_sim: int = 400, seed: int = 0
) -> float:
    """The power of :func:`ws_fig07`'s test (two-sided Mann-Whitney at 1%, High worse) in a
    sweep of ``n_unique`` unique points, if the effect were the one in ``ws_upper (M,)``,
    ``test_f1 (M,)``: the Low and High F1 values are resampled at the group sizes
    :func:`~hsr.experiments.groups.low_high_groups` gives ``n_unique`` points
    (:func:`~hsr.experiments.stats.mann_whitney_power`). NaN where a group has fewer than 2
    points. A miss of the claim where the power is low says little about the claim."""
    from ...core._checks import integer_at_least
    from ...experiments.stats import mann_whitney_power

    ws, f1 = finite_vector("ws_upper", ws_upper), finite_vector("test_f1", test_f1)
    same_length(ws_upper=ws, test_f1=f1)
    n_unique = integer_at_least("n_unique", n_unique, 0)
    fraction("frac_high", frac_high)
    if ws.size < 4 or n_unique < 4:
        return NAN
    low, high = low_high_groups(ws, frac_high)
    n_low, n_high = (g.size for g in low_high_groups(np.arange(float(n_unique)), frac_high))
    if min(low.size, high.size, n_low, n_high) < 2:
        return NAN
    return mann_whitney_power(f1[high], f1[low], n_high, n_low, n_sim=n_sim, seed=seed)

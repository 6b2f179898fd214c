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
from ...experiments.stats import brown_forsythe, mann_whitney
from ...experiments.stats import iqr as _iqr
from ..ledger import Outcome, Quote, fmt
from ..ledger import verdict_from_pvalue as _pval
from ..sensitivity import series
from ._shared import NAN, row, statement

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
    "ws-fig07": 'Three statements, each with its own test. "Stable" against "significant '
    "variance\" compares the spread of the two groups' test macro-F1: the Brown-Forsythe test "
    "(Levene's test on deviations from the group medians, robust for scores bounded by 1) at "
    'the paper\'s 1% level, with the High group the wider. "A lower median score": the High '
    "group's median below the Low group's, a direction with no level of its own (the next "
    "sentence gives the test). The paper's own test: a two-sided Mann-Whitney U test at the 1% "
    "level, as the sentence states it, without a direction. The book's earlier reading was one "
    "rule, the Mann-Whitney test at 1% with the High group the worse (from the direction of "
    "the U statistic); it is kept as the earlier reading.",
}


def _groups(ws, frac_high):
    return low_high_groups(ws, frac_high) if ws.size else (np.zeros(0, int),) * 2


def ws_fig07(ws_upper, test_f1, frac_high: float = 0.1) -> Outcome:
    """WS Fig. 7, "High group worse; significant at 1%": the test macro-F1 (``test_f1 (M,)``)
    of the High group (top ``frac_high`` of ``ws_upper (M,)``) against the Low group. Three
    statements:

    - spread: Brown-Forsythe test (:func:`hsr.experiments.stats.brown_forsythe`) p < 0.01
      with the High group's spread the larger: holds; p < 0.05 in that direction: partly;
    - median: the High group's median F1 below the Low group's: holds, else does not hold;
    - mann-whitney: two-sided Mann-Whitney U p < 0.01: holds; p < 0.05: partly.

    Fewer than 2 points in a group: none holds."""
    ws, f1 = finite_vector("ws_upper", ws_upper), finite_vector("test_f1", test_f1)
    same_length(ws_upper=ws, test_f1=f1)
    fraction("frac_high", frac_high)

    def tests(fh):  # (enough, Mann-Whitney, Brown-Forsythe, low, high) with a High group fh
        lo, hi = _groups(ws, fh)
        if lo.size < 2 or hi.size < 2:
            return False, None, None, lo, hi
        return True, mann_whitney(f1[hi], f1[lo]), brown_forsythe(f1[hi], f1[lo]), lo, hi

    def spread_at(a=0.01, fh=frac_high):
        ok_, _, bf_, _, _ = tests(fh)
        if not ok_:
            return NAN, "does not hold"
        return bf_.pvalue, _pval(
            bf_.pvalue, alpha=a, direction_ok=bf_.spread_a > bf_.spread_b, partly_alpha=max(a, 0.05)
        )

    def median_at(fh=frac_high):
        ok_, mw_, _, _, _ = tests(fh)
        if not ok_:
            return NAN, "does not hold"
        return mw_.median_a - mw_.median_b, "holds" if mw_.median_a < mw_.median_b else (
            "does not hold"
        )

    def mw_at(a=0.01, fh=frac_high):
        ok_, mw_, _, _, _ = tests(fh)
        if not ok_:
            return NAN, "does not hold"
        return mw_.pvalue, _pval(mw_.pvalue, alpha=a, partly_alpha=max(a, 0.05))

    enough, mw, bf, low, high = tests(frac_high)
    cles = mw.statistic / (mw.n_a * mw.n_b) if mw else NAN  # P(High > Low), ties half
    alphas, splits = (0.001, 0.005, 0.05), (0.05, 0.15, 0.2)
    if not enough:
        few = f"Low {low.size} and High {high.size} points: too few to test"
        m_spread = m_median = m_mw = few
    else:
        m_spread = (
            f"mean absolute deviation from the median: High {fmt(bf.spread_a)} "
            f"({high.size} points), Low {fmt(bf.spread_b)} ({low.size} points); "
            f"Brown-Forsythe p = {fmt(bf.pvalue, 2)}"
        )
        m_median = f"median F1 High {fmt(mw.median_a)}, Low {fmt(mw.median_b)}"
        m_mw = f"two-sided Mann-Whitney p = {fmt(mw.pvalue, 2)}, P(High > Low) = {fmt(cles)}"
    statements = [
        statement(
            "ws-fig07-spread",
            "critical points with a low [lambda_WS] exhibit stable test performance. In "
            "contrast, those with a high [lambda_WS] show significant variance in performance",
            spread_at()[1],
            m_spread,
            "Brown-Forsythe test of equal spread of test macro-F1, High (top 10% of lambda_WS) "
            "vs Low: holds if p < 0.01 and the High group's spread (mean absolute deviation "
            "from its median) is the larger, partly if p < 0.05 in that direction, else (or "
            "with fewer than 2 points in a group) does not hold",
            "Low: stable test macro-F1; High: a large spread",
            series("significance level alpha", alphas, 0.01, spread_at)
            + series(
                "frac_high (share of points in the High group)",
                splits,
                frac_high,
                lambda v: spread_at(fh=v),
            ),
        ),
        statement(
            "ws-fig07-median",
            "along with a lower median score",
            median_at()[1],
            m_median,
            "holds if the High group's median test macro-F1 is below the Low group's, else "
            "(or with fewer than 2 points in a group) does not hold",
            "High: a lower median macro-F1",
            series("frac_high (share of points in the High group)", splits, frac_high, median_at),
        ),
        statement(
            "ws-fig07-mann-whitney",
            "The results of a two-sided Mann-Whitney U test showed a significant difference "
            "at the 1% level",
            mw_at()[1],
            m_mw,
            "two-sided Mann-Whitney U test of test macro-F1, High vs Low: holds if p < 0.01, "
            "partly if p < 0.05, else (or with fewer than 2 points in a group) does not hold",
            "two-sided Mann-Whitney U significant at the 1% level",
            series("significance level alpha", alphas, 0.01, mw_at)
            + series(
                "frac_high (share of points in the High group)",
                splits,
                frac_high,
                lambda v: mw_at(fh=v),
            ),
        ),
    ]
    old = _pval(mw.pvalue, alpha=0.01, direction_ok=cles < 0.5) if enough else "does not hold"
    earlier = (
        dict(
            test="two-sided Mann-Whitney U test of test macro-F1, High (top 10% of lambda_WS) "
            "vs Low: holds if p < 0.01 and High is worse (U_High / (n_High n_Low) < 0.5), "
            "partly if p < 0.05 in that direction, else does not hold (one rule for the "
            "passage)",
            measured=f"{m_median}; {m_mw}" if enough else m_mw,
            verdict=old,
        ),
    )
    claim = row(
        "ws-fig07",
        "Fig. 7",
        "High group worse; significant at 1%",
        "Low 317 points with stable test macro-F1; High 36 points with a lower median and a "
        "large spread; two-sided Mann-Whitney U significant at the 1% level",
        statements,
        QUOTES,
        READINGS,
        earlier,
    )
    values = dict(
        low=low,
        high=high,
        enough=enough,
        mw=mw,
        bf=bf,
        cles=cles,
        p=mw.pvalue if mw else NAN,
        p_spread=bf.pvalue if bf else NAN,
        iqr_low=_iqr(f1[low]),
        iqr_high=_iqr(f1[high]),
        verdict_earlier=old,
    )
    if not enough:
        values["note"] = (
            f"Too few points to compare (Low {low.size}, High {high.size}): the test needs 2 in "
            "each group."
        )
    else:
        values["note"] = "" if cles < 0.5 else "In this run the High group is not the worse one."
    return Outcome(claim, values)


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

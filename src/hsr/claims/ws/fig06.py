"""WS Fig. 6, "right-skewed, long tail": the test of ledger row ``ws-fig06``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    fraction,
)
from ...experiments.groups import low_high_groups
from ..ledger import Outcome, Quote, fmt
from ..sensitivity import series
from ._shared import NAN, row, statement

__all__ = ["QUOTES", "READINGS", "ws_fig06"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig06": Quote(
        "WS",
        "Section IV-C",
        "This figure shows that the distribution of is heavily right-skewed; while most "
        "critical points are concentrated at low values, there exists a long tail of a few "
        "cases with exceptionally high upper bounds.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig06": 'Three statements, each on its own. "Heavily right-skewed" is read with the '
    "usual rule of thumb for the sample skewness: g1 > 1 is highly skewed (holds), "
    '0.5 < g1 <= 1 moderately (partly). "Most critical points are concentrated at low values": '
    "the share of points in the lower half of the range [min, max]; at least 90% (the paper's "
    'own Low group, "approximately 90% of the total critical points, which have small maximum '
    'eigenvalue upper bounds") holds, a majority partly. "A long tail of a few cases with '
    "exceptionally high upper bounds\": Tukey's far-out points, above Q3 + 3 IQR, exist and are "
    "a few (at most 10% of the points, the paper's High group); only mild outliers (above "
    "Q3 + 1.5 IQR): partly.",
}


def _skewed(skew: float, M: int, above: float = 1.0) -> str:
    if M < 3:
        return "does not hold"
    return "holds" if skew > above else "partly" if skew > 0.5 else "does not hold"


def ws_fig06(ws_upper, frac_high: float = 0.1) -> Outcome:
    """WS Fig. 6, "right-skewed, long tail", from lambda_WS at the unique critical points
    (``ws_upper (M,)``); ``frac_high``: the High group above the ``1 - frac_high`` quantile
    (the dashed line of the figure). Three statements:

    - skewed: sample skewness g1 (``scipy.stats.skew``) > 1 holds, 0.5 < g1 <= 1 partly;
    - concentrated: the share of points in the lower half of [min, max] >= 90% holds,
      > 50% partly;
    - tail: some points above Q3 + 3 IQR, and at most 10% of the points above Q3 + 1.5 IQR
      ("a few"): holds; only points above Q3 + 1.5 IQR (at most 10%): partly.

    Fewer than 3 points: none holds."""
    ws = finite_vector("ws_upper", ws_upper)
    fraction("frac_high", frac_high)
    M = ws.size
    if M:
        q = float(np.quantile(ws, 1 - frac_high))
        low, high = low_high_groups(ws, frac_high)
    else:
        q, low, high = NAN, np.zeros(0, int), np.zeros(0, int)
    from scipy import stats as _stats  # on first use: import hsr stays light

    skew = float(_stats.skew(ws)) if M >= 3 else NAN
    note = "" if M >= 3 else f"Only {M} unique critical point(s): too few to measure skewness."
    median = float(np.median(ws)) if M else NAN
    wmax = float(ws.max()) if M else NAN
    wmin = float(ws.min()) if M else NAN
    q1, q3 = (float(v) for v in np.quantile(ws, [0.25, 0.75])) if M else (NAN, NAN)
    iqr = q3 - q1

    def low_share(cut=0.5):  # share of points in the lower `cut` of the range
        return float(np.mean(ws <= wmin + cut * (wmax - wmin))) if M else NAN

    def concentrated_at(cut=0.5, holds_at=0.9):
        f = low_share(cut)
        if M < 3:
            return f, "does not hold"
        return f, "holds" if f >= holds_at else "partly" if f > 0.5 else "does not hold"

    def n_above(k):
        return int(np.sum(ws > q3 + k * iqr)) if M else 0

    def tail_at(far=3.0, few=0.1):  # (points above the far fence, verdict)
        if M < 3:
            return 0, "does not hold"
        far_out, out = n_above(far), n_above(min(1.5, far))
        if out == 0 or out > few * M:
            return far_out, "does not hold"
        return far_out, "holds" if far_out > 0 else "partly"

    v_skew, v_conc, v_tail = _skewed(skew, M), concentrated_at()[1], tail_at()[1]
    statements = [
        statement(
            "ws-fig06-skewed",
            "the distribution of [lambda_WS] is heavily right-skewed",
            v_skew,
            f"skewness {fmt(skew)} over {M} unique points",
            "sample skewness g1 of lambda_WS over the unique critical points "
            "(scipy.stats.skew): holds if g1 > 1, partly if 0.5 < g1 <= 1, else does not hold "
            "(also with fewer than 3 points)",
            "heavily right-skewed histogram",
            series(
                "skewness above which the distribution is heavily right-skewed",
                (0.5, 0.75, 1.5, 2.0),
                1.0,
                lambda v: (skew, _skewed(skew, M, v)),
            ),
        ),
        statement(
            "ws-fig06-concentrated",
            "most critical points are concentrated at low values",
            v_conc,
            f"{fmt(100 * low_share())}% of {M} points in the lower half of the range "
            f"[{fmt(wmin)}, {fmt(wmax)}]; median {fmt(median)}, 90% quantile {fmt(q)}",
            "share of the unique critical points whose lambda_WS lies in the lower half of the "
            "range [min, max]: holds if >= 90%, partly if > 50%, else (or with fewer than 3 "
            "points) does not hold",
            "most critical points at low lambda_WS; the 90% quantile splits 317 Low from 36 High",
            series(
                "share of the range counted as low",
                (1 / 3, 2 / 3),
                0.5,
                lambda v: concentrated_at(cut=v),
            )
            + series(
                "share of points in the low range needed to hold",
                (0.75, 0.8, 0.95),
                0.9,
                lambda v: concentrated_at(holds_at=v),
            ),
        ),
        statement(
            "ws-fig06-tail",
            "there exists a long tail of a few cases with exceptionally high upper bounds",
            v_tail,
            f"{n_above(3.0)} point(s) above Q3 + 3 IQR = {fmt(q3 + 3 * iqr)} (far out), "
            f"{n_above(1.5)} above Q3 + 1.5 IQR = {fmt(q3 + 1.5 * iqr)} of {M}; max "
            f"{fmt(wmax)}",
            "Tukey's fences on lambda_WS over the unique critical points: holds if some points "
            "lie above Q3 + 3 IQR (exceptionally high) and at most 10% above Q3 + 1.5 IQR (a "
            "few); partly if only points above Q3 + 1.5 IQR (at most 10%); else (also with "
            "fewer than 3 points) does not hold",
            "a long tail of a few critical points with exceptionally high lambda_WS",
            series(
                "IQRs above Q3 counted as exceptionally high",
                (1.5, 2.0, 4.0),
                3.0,
                lambda v: tail_at(far=v),
            )
            + series(
                "largest share of outliers that is still a few",
                (0.05, 0.2),
                0.1,
                lambda v: tail_at(few=v),
            ),
        ),
    ]
    claim = row(
        "ws-fig06",
        "Fig. 6",
        "right-skewed, long tail",
        "heavily right-skewed histogram: most critical points at low lambda_WS, a long tail of "
        "a few with exceptionally high values; the 90% quantile splits 317 Low from 36 High",
        statements,
        QUOTES,
        READINGS,
    )
    values = dict(
        skew=skew,
        q=q,
        low=low,
        high=high,
        median=median,
        max=wmax,
        low_share=low_share(),
        n_far=n_above(3.0),
        n_out=n_above(1.5),
        note=note,
    )
    return Outcome(claim, values)

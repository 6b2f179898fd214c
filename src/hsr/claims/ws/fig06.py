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
from ..ledger import Claim, Outcome, Quote, fmt
from ..sensitivity import series
from ._shared import NAN

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
    "ws-fig06": '"Heavily right-skewed" with a long tail is read with the usual rule of thumb '
    "for the sample skewness: g1 > 1 is highly skewed (holds), 0.5 < g1 <= 1 moderately "
    "(partly).",
}


def ws_fig06(ws_upper, frac_high: float = 0.1) -> Outcome:
    """WS Fig. 6, "right-skewed, long tail", from lambda_WS at the unique critical points
    (``ws_upper (M,)``); ``frac_high``: the High group above the ``1 - frac_high`` quantile
    (the dashed line of the figure).

    Test: sample skewness g1 (``scipy.stats.skew``): holds if g1 > 1, partly if
    0.5 < g1 <= 1, else (or with fewer than 3 points) does not hold."""
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
    if M < 3:
        verdict = "does not hold"
        note = f"Only {M} unique critical point(s): too few to measure skewness."
    else:
        verdict = "holds" if skew > 1 else "partly" if skew > 0.5 else "does not hold"
        note = ""
    median = float(np.median(ws)) if M else NAN
    wmax = float(ws.max()) if M else NAN
    claim = Claim(
        id="ws-fig06",
        paper="WS",
        figure="Fig. 6",
        claim="right-skewed, long tail",
        paper_reports="heavily right-skewed histogram: most critical points at low lambda_WS, a "
        "long tail of a few with exceptionally high values; the 90% quantile splits 317 Low "
        "from 36 High",
        measured=f"skewness {fmt(skew)} over {M} unique points; median {fmt(median)}, "
        f"90% quantile {fmt(q)}, max {fmt(wmax)}; Low {low.size}, High {high.size}",
        test="sample skewness g1 of lambda_WS over the unique critical points "
        "(scipy.stats.skew): holds if g1 > 1, partly if 0.5 < g1 <= 1, else does not hold "
        "(also with fewer than 3 points)",
        verdict=verdict,
        paper_says=str(QUOTES["ws-fig06"]),
        reading=READINGS["ws-fig06"],
        sensitivity=series(
            "skewness above which the distribution is heavily right-skewed",
            (0.5, 0.75, 1.5, 2.0),
            1.0,
            lambda v: (
                skew,
                "does not hold"
                if M < 3
                else "holds"
                if skew > v
                else "partly"
                if skew > 0.5
                else "does not hold",
            ),
        ),
    )
    values = dict(skew=skew, q=q, low=low, high=high, median=median, max=wmax, note=note)
    return Outcome(claim, values)

"""WS Fig. 2, "the bound holds and is tight": the test of ledger row ``ws-fig02``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    same_length,
)
from ..ledger import Claim, Outcome, Quote, fmt, weaker
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import NAN, NO_POINT, quoted

__all__ = ["QUOTES", "READINGS", "ws_fig02"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig02": Quote(
        "WS",
        "Section IV-C",
        "From this figure, it can be observed that the proposed upper bound is close to the "
        "maximum eigenvalue . Therefore, it can be considered a tight and effective upper bound "
        "in practice.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig02": '"Upper bound" (Theorem 1) means no point above y = x, read as at least 95% of '
    'the unique critical points, with a 1e-9 relative allowance for round-off; "close to the '
    'maximum eigenvalue" and "tight" carry no number in the paper, so we read them as a '
    "typical (median) overshoot lambda_WS / lambda_max below a factor of 2.",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


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
    frac = float(below.mean()) if M else NAN
    med = float(np.median(ratio)) if M else NAN
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
    note = "" if M else NO_POINT
    values = dict(
        n=M, n_below=int(below.sum()), frac_below=frac, median_ratio=med, ratio=ratio, note=note
    )

    def rule(holds_at=0.95, tight_below=2.0):
        if M == 0:
            return "does not hold"
        tight = "holds" if med < tight_below else "partly" if med < 5 else "does not hold"
        return weaker(_frac(frac, holds_at=holds_at, partly_at=0.5), tight)

    sens = series(
        "share of points below the bound needed to hold",
        (0.9, 0.99, 1.0),
        0.95,
        lambda v: (frac, rule(holds_at=v)),
    ) + series(
        "median lambda_WS / lambda_max below which the bound is tight",
        (1.25, 1.5, 3.0, 5.0),
        2.0,
        lambda v: (med, rule(tight_below=v)),
    )
    return Outcome(_quoted(claim, sens), values)

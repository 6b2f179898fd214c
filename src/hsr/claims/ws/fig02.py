"""WS Fig. 2, "the bound holds and is tight": the test of ledger row ``ws-fig02``, one verdict
per statement of the quoted passage.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    same_length,
)
from ..ledger import Outcome, Quote, fmt, weaker
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import NAN, NO_POINT, row, statement, uncheckable

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
    "ws-fig02": 'Three statements. "Upper bound" (Theorem 1) means no point above y = x, read '
    "as at least 95% of the unique critical points, with a 1e-9 relative allowance for "
    'round-off. "Close to the maximum eigenvalue" and "tight" carry no number in the paper, so '
    "we read them as a typical (median) overshoot lambda_WS / lambda_max below a factor of 2. "
    '"Effective ... in practice" is a judgement of usefulness with no measure in the paper; it '
    "is listed, not tested.",
}


def _tight(med: float, below: float = 2.0) -> str:
    return "holds" if med < below else "partly" if med < 5 else "does not hold"


def ws_fig02(ws_upper, lambda_max) -> Outcome:
    """WS Fig. 2, "the bound holds and is tight", over the unique critical points
    (``ws_upper``, ``lambda_max``: ``(M,)``). Three statements:

    - bound: >= 95% of the points satisfy lambda_max <= lambda_WS (1e-9 relative): holds;
      >= 50%: partly;
    - close (and tight): the median factor between lambda_WS and lambda_max (the larger over
      the smaller) < 2: holds; < 5: partly;
    - effective in practice: a judgement, not checkable.

    The row: :func:`~hsr.claims.ledger.combine_verdicts` of the first two; no point: both do
    not hold. The book's earlier rule (the weaker of the two) is kept as the earlier
    reading."""
    ws, lmax = finite_vector("ws_upper", ws_upper), finite_vector("lambda_max", lambda_max)
    same_length(ws_upper=ws, lambda_max=lmax)
    M = ws.size
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(lmax > 0, ws / np.where(lmax > 0, lmax, 1.0), np.inf)
    below = lmax <= ws + 1e-9 * np.abs(ws)
    frac = float(below.mean()) if M else NAN
    med = float(np.median(ratio)) if M else NAN
    # how close: the factor between the two, the larger over the smaller (a bound below
    # lambda_max is not close either; on the right side of y = x this is the ratio itself)
    with np.errstate(divide="ignore"):
        factor = np.maximum(ratio, 1.0 / ratio)
    med_factor = float(np.median(factor)) if M else NAN

    def bound_at(holds_at=0.95):
        return frac, _frac(frac, holds_at=holds_at, partly_at=0.5) if M else "does not hold"

    def close_at(tight_below=2.0):
        return med_factor, _tight(med_factor, tight_below) if M else "does not hold"

    v_bound, v_close = bound_at()[1], close_at()[1]
    if M == 0:
        m_bound = m_close = "no unique critical point: nothing to test"
    else:
        m_bound = (
            f"{int(below.sum())} of {M} unique critical points ({fmt(100 * frac, 4)}%) satisfy "
            "lambda_max <= lambda_WS"
        )
        m_close = (
            f"lambda_WS / lambda_max over {M} unique critical points: median {fmt(med)}, "
            f"max {fmt(float(ratio.max()))}; the factor between them (larger over smaller): "
            f"median {fmt(med_factor)}"
        )
    statements = [
        statement(
            "ws-fig02-bound",
            "the proposed upper bound [lies above the maximum eigenvalue]",
            v_bound,
            m_bound,
            "holds if >= 95% of the unique critical points satisfy lambda_max <= lambda_WS "
            "(1e-9 relative); partly if >= 50%; else (or with no point) does not hold",
            "every point of the scatter on or below y = x (figure only)",
            series(
                "share of points below the bound needed to hold", (0.9, 0.99, 1.0), 0.95, bound_at
            ),
        ),
        statement(
            "ws-fig02-close",
            "the proposed upper bound is close to the maximum eigenvalue ... it can be "
            "considered a tight ... upper bound",
            v_close,
            m_close,
            "holds if the median factor between lambda_WS and lambda_max (the larger over the "
            "smaller; lambda_WS / lambda_max where the bound holds) over the unique critical "
            "points is below 2; partly if below 5; else (or with no point) does not hold",
            "the points close to y = x (no number given)",
            series(
                "median lambda_WS / lambda_max below which the bound is tight",
                (1.25, 1.5, 3.0, 5.0),
                2.0,
                close_at,
            ),
        ),
        uncheckable(
            "ws-fig02-effective",
            "it can be considered a tight and effective upper bound in practice",
            '"effective in practice" judges the bound\'s usefulness and gives no measure; its '
            "measurable part, tightness, is the statement above (and the closed form's cost is "
            "timed on HSR Fig. 2's page)",
        ),
    ]
    earlier = (
        dict(
            test="holds if >= 95% of unique critical points satisfy lambda_max <= lambda_WS "
            "(1e-9 relative) and the median lambda_WS / lambda_max < 2; partly if >= 50% and "
            "median < 5 (the weaker of the two)",
            measured=f"{m_bound}; median lambda_WS / lambda_max {fmt(med)}" if M else m_bound,
            verdict=weaker(v_bound, _tight(med)) if M else "does not hold",
        ),
    )
    claim = row(
        "ws-fig02",
        "Fig. 2",
        "the bound holds and is tight",
        "scatter of lambda_max against lambda_WS at the 353 unique critical "
        "points: every point below y = x and close to it (no number given)",
        statements,
        QUOTES,
        READINGS,
        earlier,
    )
    note = "" if M else NO_POINT
    values = dict(
        n=M,
        n_below=int(below.sum()),
        frac_below=frac,
        median_ratio=med,
        median_factor=med_factor,
        ratio=ratio,
        note=note,
        verdict_bound=v_bound,
        verdict_close=v_close,
    )
    return Outcome(claim, values)

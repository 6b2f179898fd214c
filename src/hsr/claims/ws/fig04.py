"""WS Fig. 4, "small lambda_WS = flat loss, simple boundary": the test of ledger row ``ws-fig04``,
two statements, each with its own verdict.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

from ..ledger import Outcome, Quote
from ._shared import extreme_points

__all__ = ["QUOTES", "READINGS", "ws_fig04"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig04": Quote(
        "WS",
        "Section IV-C",
        "This figure demonstrates that when the upper bound on the maximum eigenvalue is small, "
        "the loss at the critical point is flat, and the distortion of the decision boundaries "
        "is minimal.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig04": "The mirror of Fig. 3, two statements about the two smallest lambda_WS, each "
    'tested on its own. "Flat": the loss rise along the top eigenvector at a small step '
    "(t = 0.1) in the bottom 10% of all unique points; as in Fig. 3 this is lambda_max t^2 / 2 "
    "up to higher-order terms, so the check passes almost by construction when the bound is "
    'tight at the bottom of the range (the row shows both percentiles). "The distortion of the '
    'decision boundaries is minimal": the length of the p = 0.5 boundary inside the plotted '
    "square (as HSR Fig. 15), the shown points' boundaries shorter than those of two points "
    "drawn at random from the sweep in an exact permutation test at the paper's 1% level "
    "(minimal: among the least distorted of the sweep). A boundary that leaves the square has "
    "length 0, so the page counts such points, and where a boundary runs changes its length as "
    "well as its bends do. The Bayes disagreement is the second measure in "
    "the sensitivity, and the book's earlier single rule is kept as the earlier reading.",
}


def ws_fig04(
    ws_upper,
    loss_rise,
    boundary_length,
    disagreement,
    lambda_max,
    n_show: int = 2,
    step=None,
    earlier_step=None,
    alpha: float = 0.01,
) -> Outcome:
    """WS Fig. 4, "small lambda_WS = flat loss, simple boundary", from the same arrays as
    :func:`~hsr.claims.ws.ws_fig03`, for the ``n_show`` smallest-lambda_WS points.

    Two statements: flat (DeltaL(step) <= the 10% quantile, each point: holds; half: partly)
    and simple (their boundaries shorter than random points', exact one-sided rank-sum test:
    p < ``alpha`` holds, p < 5% partly)."""
    return extreme_points(
        4,
        False,
        ws_upper,
        loss_rise,
        boundary_length,
        disagreement,
        lambda_max,
        n_show,
        step,
        earlier_step,
        QUOTES,
        READINGS,
        alpha,
    )

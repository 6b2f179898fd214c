"""WS Fig. 4, "small lambda_WS = flat loss, simple boundary": the test of ledger row ``ws-fig04``.

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
    "ws-fig04": 'The mirror of Fig. 3, with the same local reading of sharpness: "flat" is a '
    "loss rise along the top eigenvector at a small step (t = 0.1) in the bottom 10% of all "
    'unique points, and "distortion ... minimal" a disagreement with the Bayes-optimal '
    "boundary at or below the median, for each of the points shown.",
}


def ws_fig04(
    ws_upper, loss_rise, disagreement, n_show: int = 2, step=None, earlier_step=None
) -> Outcome:
    """WS Fig. 4, "small lambda_WS = flat loss, simple boundary", from the same arrays as
    :func:`ws_fig03`.

    Test: for each of the ``n_show`` smallest-lambda_WS points, (i) DeltaL(step) <= its 10%
    quantile over all points and (ii) disagreement <= its median; holds if all 2 ``n_show``
    checks pass, partly if >= half; fewer than ``n_show`` points: does not hold."""
    return extreme_points(
        4, False, ws_upper, loss_rise, disagreement, n_show, step, earlier_step, QUOTES, READINGS
    )

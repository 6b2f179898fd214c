"""WS Fig. 3, "large lambda_WS = sharp loss and distorted boundary": the test of ledger row ``ws-
fig03``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

from ..ledger import Outcome, Quote
from ._shared import extreme_points

__all__ = ["QUOTES", "READINGS", "ws_fig03"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig03": Quote(
        "WS",
        "Section IV-C",
        "These results confirm that when the upper bound on the maximum eigenvalue is large, the "
        "loss at the critical point is sharply peaked, and the decision boundaries are "
        "significantly distorted.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig03": 'The paper judges two points by eye. "Sharply peaked" is read with the '
    "paper's own definition of sharpness (Section IV-A: the quadratic term of the Taylor "
    "expansion around the critical point, higher-order terms dominating at large steps): the "
    "loss rise along the top eigenvector at a small step (t = 0.1, inside the quadratic "
    'regime) in the top 10% of all unique points; "significantly distorted" a disagreement '
    "with the Bayes-optimal linear boundary above the median, for each of the points shown.",
}


def ws_fig03(
    ws_upper, loss_rise, disagreement, n_show: int = 2, step=None, earlier_step=None
) -> Outcome:
    """WS Fig. 3, "large lambda_WS = sharp loss and distorted boundary", from per unique
    critical point (each ``(M,)``): ``ws_upper``, ``loss_rise`` (the loss rise
    DeltaL(t) = [L(theta + t v) + L(theta - t v)] / 2 - L(theta) along the unit top
    eigenvector v, see :func:`hsr.experiments.probes.loss_rise_along_top_eigenvector`: one
    ``(M,)`` array, or a dict step t -> ``(M,)`` with ``step`` the t the test uses) and
    ``disagreement`` (the fraction of test inputs where the network's class differs from the
    Bayes-optimal rule's).

    Test: for each of the ``n_show`` largest-lambda_WS points, (i) DeltaL(step) >= its 90%
    quantile over all points and (ii) disagreement > its median; holds if all 2 ``n_show``
    checks pass, partly if >= half; fewer than ``n_show`` points: does not hold. The book
    reads sharpness locally (``step`` = 0.1: WS Section IV-A's quadratic term); with a dict,
    every step is a sensitivity value, and ``earlier_step`` (3.0, the test the book
    published before) is kept as the row's earlier reading."""
    return extreme_points(
        3, True, ws_upper, loss_rise, disagreement, n_show, step, earlier_step, QUOTES, READINGS
    )

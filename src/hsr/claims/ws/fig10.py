"""WS Fig. 10, "grows with the output-layer norm; no clear link to theta1": the test of ledger row
``ws-fig10``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    same_length,
)
from ...experiments.stats import spearman_or_nan
from ..ledger import Outcome, Quote, fmt
from ..sensitivity import series
from ._shared import row, statement

__all__ = ["QUOTES", "READINGS", "ws_fig10"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig10": Quote(
        "WS",
        "Section VI",
        "This result is shown in the left part of Figure 10, and it can be seen that tends to "
        "increase as becomes larger. For reference, we also created a scatter plot of versus . "
        "As shown in the right part of Figure 10, no clear relationship was observed between "
        "the parameters used for the transformation from the input to the hidden layer and .",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig10": '"Tends to increase" is a monotone association, measured by Spearman\'s rho: a '
    'clear positive one (rho >= 0.3, p < 0.01); "no clear relationship" is a weak one '
    "(|rho| < 0.3, the usual bound of a weak correlation).",
}


def ws_fig10(ws_upper, norm_theta1, norm_theta2) -> Outcome:
    """WS Fig. 10, "grows with the output-layer norm; no clear link to theta1", from per
    unique critical point (``(M,)``): ``ws_upper``, |theta1| and |theta2|.

    Two statements, each its own verdict:

    - theta2: Spearman rho(lambda_WS, |theta2|) >= 0.3 with p < 0.01 holds, rho > 0 with
      p < 0.05 partly;
    - theta1: |rho(lambda_WS, |theta1|)| < 0.3 holds, < 0.5 partly.

    Undefined rho (fewer than 3 points, constant input): both do not hold."""
    ws = finite_vector("ws_upper", ws_upper)
    n1, n2 = finite_vector("norm_theta1", norm_theta1), finite_vector("norm_theta2", norm_theta2)
    same_length(ws_upper=ws, norm_theta1=n1, norm_theta2=n2)
    M = ws.size
    rho2, p2 = spearman_or_nan(n2, ws)
    rho1, p1 = spearman_or_nan(n1, ws)
    defined = bool(np.isfinite(rho2) and np.isfinite(rho1))

    def theta2_at(r2=0.3):
        if not defined:
            return rho2, "does not hold"
        if rho2 >= r2 and p2 < 0.01:
            return rho2, "holds"
        return rho2, "partly" if rho2 > 0 and p2 < 0.05 else "does not hold"

    def theta1_at(r1=0.3):
        if not defined:
            return abs(rho1), "does not hold"
        a = abs(rho1)
        return a, "holds" if a < r1 else "partly" if a < max(r1, 0.5) else "does not hold"

    note = (
        ""
        if defined
        else f"Spearman's rho is undefined with {M} unique critical point(s): nothing to test."
    )
    m2 = f"Spearman rho = {fmt(rho2, 2)} (p = {fmt(p2, 2)}) over {M} unique points"
    m1 = f"Spearman rho = {fmt(rho1, 2)} (p = {fmt(p1, 2)}) over {M} unique points"
    v2, v1 = theta2_at()[1], theta1_at()[1]
    grid = (0.1, 0.2, 0.4, 0.5)
    statements = [
        statement(
            "ws-fig10-theta2",
            "it can be seen that [lambda_WS] tends to increase as [|theta2|] becomes larger",
            v2,
            m2,
            "Spearman rho(lambda_WS, |theta2|): holds if rho >= 0.3 and p < 0.01, partly "
            "if rho > 0 and p < 0.05",
            "lambda_WS tends to increase with |theta2| (scatter, no coefficient)",
            series("rho above which lambda_WS grows with |theta2|", grid, 0.3, theta2_at),
        ),
        statement(
            "ws-fig10-theta1",
            "no clear relationship was observed between the parameters used for the "
            "transformation from the input to the hidden layer and [lambda_WS]",
            v1,
            m1,
            "Spearman rho(lambda_WS, |theta1|): holds if |rho| < 0.3, partly if 0.3 <= "
            "|rho| < 0.5, else does not hold",
            "no clear relationship between |theta1| and lambda_WS (scatter, no coefficient)",
            series("|rho| below which theta1 has no clear link", grid, 0.3, theta1_at),
        ),
    ]
    claim = row(
        "ws-fig10",
        "Fig. 10",
        "grows with the output-layer norm; no clear link to theta1",
        "lambda_WS tends to increase with |theta2|; no clear relationship with |theta1| "
        "(scatters, no coefficient)",
        statements,
        QUOTES,
        READINGS,
    )
    values = dict(
        rho2=rho2,
        p2=p2,
        rho1=rho1,
        p1=p1,
        theta2=v2,
        theta1=v1,
        measured_theta2=m2,
        measured_theta1=m1,
        note=note,
    )
    return Outcome(claim, values)

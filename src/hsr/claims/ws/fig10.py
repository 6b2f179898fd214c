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
from ..ledger import Claim, Outcome, Quote, combine_verdicts, fmt, merge_claims
from ..sensitivity import series
from ._shared import quoted

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


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


def ws_fig10(ws_upper, norm_theta1, norm_theta2) -> Outcome:
    """WS Fig. 10, "grows with the output-layer norm; no clear link to theta1", from per
    unique critical point (``(M,)``): ``ws_upper``, |theta1| and |theta2|.

    Two parts, merged by :func:`~hsr.claims.ledger.merge_claims`:

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
    claim_2, claim_1 = "grows with the output-layer norm", "no clear link to theta1"
    if not (np.isfinite(rho2) and np.isfinite(rho1)):
        v2 = v1 = "does not hold"
        note = f"Spearman's rho is undefined with {M} unique critical point(s): nothing to test."
    else:
        v2 = (
            "holds"
            if rho2 >= 0.3 and p2 < 0.01
            else "partly"
            if rho2 > 0 and p2 < 0.05
            else "does not hold"
        )
        v1 = "holds" if abs(rho1) < 0.3 else "partly" if abs(rho1) < 0.5 else "does not hold"
        note = ""
    m2 = f"Spearman rho = {fmt(rho2, 2)} (p = {fmt(p2, 2)}) over {M} unique points"
    m1 = f"Spearman rho = {fmt(rho1, 2)} (p = {fmt(p1, 2)}) over {M} unique points"
    parts = [
        Claim(
            id="ws-fig10-theta2",
            paper="WS",
            figure="Fig. 10",
            claim=claim_2,
            paper_reports="lambda_WS tends to increase with |theta2| (scatter, no coefficient)",
            measured=m2,
            test="Spearman rho(lambda_WS, |theta2|): holds if rho >= 0.3 and p < 0.01, partly "
            "if rho > 0 and p < 0.05",
            verdict=v2,
        ),
        Claim(
            id="ws-fig10-theta1",
            paper="WS",
            figure="Fig. 10",
            claim=claim_1,
            paper_reports="no clear relationship between |theta1| and lambda_WS (scatter, no "
            "coefficient)",
            measured=m1,
            test="Spearman rho(lambda_WS, |theta1|): holds if |rho| < 0.3, partly if 0.3 <= "
            "|rho| < 0.5, else does not hold",
            verdict=v1,
        ),
    ]
    defined = bool(np.isfinite(rho2) and np.isfinite(rho1))

    def row(r2=0.3, r1=0.3):  # the row's verdict with other correlation thresholds
        if not defined:
            return "does not hold"
        a = (
            "holds"
            if rho2 >= r2 and p2 < 0.01
            else "partly"
            if rho2 > 0 and p2 < 0.05
            else "does not hold"
        )
        b = "holds" if abs(rho1) < r1 else "partly" if abs(rho1) < 0.5 else "does not hold"
        return combine_verdicts([a, b])

    sens = series(
        "rho above which lambda_WS grows with |theta2|",
        (0.1, 0.2, 0.4, 0.5),
        0.3,
        lambda v: (rho2, row(r2=v)),
    ) + series(
        "|rho| below which theta1 has no clear link",
        (0.1, 0.2, 0.4, 0.5),
        0.3,
        lambda v: (abs(rho1), row(r1=v)),
    )
    claim = _quoted(merge_claims(parts, "ws-fig10", f"{claim_2}; {claim_1}"), sens)
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

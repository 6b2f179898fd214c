"""WS Fig. 8, "the closed-form Hessian is right": the test of ledger row ``ws-fig08``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    positive,
    same_length,
)
from ..ledger import Outcome, Quote, fmt
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import NAN, NO_POINT, row, statement

__all__ = ["QUOTES", "READINGS", "ws_fig08"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig08": Quote(
        "WS",
        "Section V-B",
        "To evaluate the correctness of the analytical solution, we compared the analytical and "
        "numerical solutions using a single critical point obtained from the experiment in "
        "Appendix C. The results are shown in Figure 8, and it can be seen that they are "
        "consistent with each other.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig08": '"Consistent" (and a small mean Frobenius norm of the difference, its value '
    "lost in the text) is read as: at each point the difference is within what central finite "
    "differences can resolve, 1e-6 + 1e-4 |H|_F, at 95% of the points.",
}


def ws_fig08(diff, size, atol: float = 1e-6, rtol: float = 1e-4) -> Outcome:
    """WS Fig. 8, "the closed-form Hessian is right", from per unique critical point
    (``(M,)``): ``diff`` = |H_num - H|_F (H_num: central differences of the loss) and
    ``size`` = |H|_F of the closed form (WS Theorem 2).

    Test: holds if >= 95% of the points satisfy diff <= ``atol`` + ``rtol`` size, partly if
    >= 50%; no point: does not hold."""
    diff, size = finite_vector("diff", diff), finite_vector("size", size)
    same_length(diff=diff, size=size)
    positive("atol", atol)
    positive("rtol", rtol)
    M = diff.size
    ok = diff <= atol + rtol * size

    def at(r=rtol, holds_at=0.95):
        if M == 0:
            return NAN, "does not hold"
        f = float(np.mean(diff <= atol + r * size))
        return f, _frac(f, holds_at=holds_at, partly_at=0.5)

    sens = series(
        "rtol (tolerance relative to |H|_F)", (1e-6, 1e-5, 1e-3, 1e-2), rtol, at
    ) + series(
        "share of points within tolerance needed to hold",
        (0.9, 0.99, 1.0),
        0.95,
        lambda v: at(holds_at=v),
    )
    if M == 0:
        verdict, note = (
            "does not hold",
            NO_POINT,
        )
        measured = "no critical point"
    else:
        verdict = _frac(float(ok.mean()), holds_at=0.95, partly_at=0.5)
        note = ""
        measured = (
            f"mean |H_num - H|_F = {fmt(float(diff.mean()))} over {M} unique points (max "
            f"{fmt(float(diff.max()))}, median |H|_F {fmt(float(np.median(size)))}); "
            f"{ok.sum()} of {M} within tolerance"
        )
    st = statement(
        "ws-fig08",
        "we compared the analytical and numerical solutions using a single critical point ... "
        "it can be seen that they are consistent with each other",
        verdict,
        measured,
        "holds if >= 95% of unique critical points satisfy |H_num - H|_F <= 1e-6 + 1e-4 "
        "|H|_F (H_num: central differences of the loss, step fd_eps); partly if >= 50%",
        "closed-form and numerical Hessians agree at one critical point (side by side and "
        "difference); small mean Frobenius norm of the difference over all critical points "
        "(value lost in extraction)",
        sens,
    )
    claim = row(
        "ws-fig08",
        "Fig. 8",
        "the closed-form Hessian is right",
        st.paper_reports,
        [st],
        QUOTES,
        READINGS,
    )
    nan = NAN
    values = dict(
        ok=ok,
        mean_frob=float(diff.mean()) if M else nan,
        max_frob=float(diff.max()) if M else nan,
        median_rel=float(np.median(diff / size)) if M else nan,
        median_size=float(np.median(size)) if M else nan,
        pct_ok=100 * float(ok.mean()) if M else nan,
        note=note,
    )
    return Outcome(claim, values)

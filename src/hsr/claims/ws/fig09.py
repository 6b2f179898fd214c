"""WS Fig. 9, "the closed-form traces are right": the test of ledger row ``ws-fig09``.

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
from ..ledger import Claim, Outcome, Quote, fmt
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import NAN, NO_POINT

__all__ = ["QUOTES", "READINGS", "ws_fig09"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig09": Quote(
        "WS",
        "Section V-C",
        "The numerical solutions using the \u201cnumpy.trace\u201d function and the analytical "
        "solutions are shown in the left part of Figure 9, confirming that they are "
        "consistent.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig09": '"Consistent" is read as for Fig. 8: for both traces, numerical and closed '
    "form agree within what central finite differences resolve, 1e-6 + 1e-4 |t|, at 95% of "
    "the points.",
}


def _tolerance(name_num, num, name_cf, cf, atol, rtol):
    a, b = finite_vector(name_num, num), finite_vector(name_cf, cf)
    same_length(**{name_num: a, name_cf: b})
    return a, b, np.abs(a - b) <= atol + rtol * np.abs(b)


def ws_fig09(tr_num, tr_cf, tr2_num, tr2_cf, atol: float = 1e-6, rtol: float = 1e-4) -> Outcome:
    """WS Fig. 9, "the closed-form traces are right", from per unique critical point
    (``(M,)``): tr(H) and tr(H^2) from ``np.trace`` of the central-difference Hessian
    (``tr_num``, ``tr2_num``) and in closed form (``tr_cf``, ``tr2_cf``; WS Theorems 3 and 6).

    Test: holds if >= 95% of the points satisfy |t_num - t| <= ``atol`` + ``rtol`` |t| for
    both traces, partly if >= 50%; no point: does not hold."""
    positive("atol", atol)
    positive("rtol", rtol)
    tr_num, tr_cf, ok_tr = _tolerance("tr_num", tr_num, "tr_cf", tr_cf, atol, rtol)
    tr2_num, tr2_cf, ok_tr2 = _tolerance("tr2_num", tr2_num, "tr2_cf", tr2_cf, atol, rtol)
    same_length(tr_num=tr_num, tr2_num=tr2_num)
    ok = ok_tr & ok_tr2
    M = ok.size

    def at(r=rtol, holds_at=0.95):
        if M == 0:
            return NAN, "does not hold"
        both = (np.abs(tr_num - tr_cf) <= atol + r * np.abs(tr_cf)) & (
            np.abs(tr2_num - tr2_cf) <= atol + r * np.abs(tr2_cf)
        )
        f = float(both.mean())
        return f, _frac(f, holds_at=holds_at, partly_at=0.5)

    sens = series("rtol (tolerance relative to |t|)", (1e-6, 1e-5, 1e-3, 1e-2), rtol, at) + series(
        "share of points within tolerance needed to hold",
        (0.9, 0.99, 1.0),
        0.95,
        lambda v: at(holds_at=v),
    )

    def rel(a, b):
        return float(np.max(np.abs(a - b) / np.abs(b))) if M else NAN

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
            f"{ok.sum()} of {M} unique points within tolerance for both traces; largest "
            f"relative difference tr(H) {fmt(rel(tr_num, tr_cf), 2)}, tr(H^2) "
            f"{fmt(rel(tr2_num, tr2_cf), 2)}"
        )
    claim = Claim(
        id="ws-fig09",
        paper="WS",
        figure="Fig. 9",
        claim="the closed-form traces are right",
        paper_reports="numerical (numpy.trace) and closed-form tr(H) and tr(H^2) agree at the "
        "critical points (scatter on y = x; no number)",
        measured=measured,
        test="holds if >= 95% of unique critical points satisfy |t_num - t| <= 1e-6 + 1e-4 |t| "
        "for both t = tr(H) and t = tr(H^2) (t_num: np.trace of the central-difference "
        "Hessian); partly if >= 50%",
        verdict=verdict,
        paper_says=str(QUOTES["ws-fig09"]),
        reading=READINGS["ws-fig09"],
        sensitivity=sens,
    )
    values = dict(
        ok=ok,
        maxrel_tr=rel(tr_num, tr_cf),
        maxrel_tr2=rel(tr2_num, tr2_cf),
        maxabs_tr=float(np.max(np.abs(tr_num - tr_cf))) if M else NAN,
        maxabs_tr2=float(np.max(np.abs(tr2_num - tr2_cf))) if M else NAN,
        pct_ok=100 * float(ok.mean()) if M else NAN,
        note=note,
    )
    return Outcome(claim, values)

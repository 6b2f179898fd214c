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
from ..ledger import Outcome, Quote, fmt
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import NAN, NO_POINT, row, statement

__all__ = ["QUOTES", "READINGS", "ws_fig09"]

#: the paper's words each row rests on (verbatim): the left part of the figure (tr H) and, a
#: section later, its right part (tr H^2)
QUOTES: dict[str, Quote] = {
    "ws-fig09": Quote(
        "WS",
        "Section V-C",
        "The numerical solutions using the \u201cnumpy.trace\u201d function and the analytical "
        "solutions are shown in the left part of Figure 9, confirming that they are "
        "consistent.",
    ),
    "ws-fig09 (right part)": Quote(
        "WS",
        "Section V-D",
        "The numerical solutions obtained by the \u201cnumpy.trace\u201d function and the "
        "analytical solutions are shown on the right of Figure 9, and it has been confirmed "
        "that they match.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig09": "Two statements, one per part of the figure: tr(H) (left, Section V-C) and "
    'tr(H^2) (right, Section V-D). "Consistent" and "match" are read as for Fig. 8: numerical '
    "and closed form agree within what central finite differences resolve, 1e-6 + 1e-4 |t|, at "
    "95% of the points. The book's earlier reading tested both traces in one rule (both at a "
    "point); it is kept as the earlier reading.",
}


def _tolerance(name_num, num, name_cf, cf, atol, rtol):
    a, b = finite_vector(name_num, num), finite_vector(name_cf, cf)
    same_length(**{name_num: a, name_cf: b})
    return a, b, np.abs(a - b) <= atol + rtol * np.abs(b)


def ws_fig09(tr_num, tr_cf, tr2_num, tr2_cf, atol: float = 1e-6, rtol: float = 1e-4) -> Outcome:
    """WS Fig. 9, "the closed-form traces are right", from per unique critical point
    (``(M,)``): tr(H) and tr(H^2) from ``np.trace`` of the central-difference Hessian
    (``tr_num``, ``tr2_num``) and in closed form (``tr_cf``, ``tr2_cf``; WS Theorems 2 and 5).

    Two statements, tr(H) and tr(H^2): holds if >= 95% of the points satisfy
    |t_num - t| <= ``atol`` + ``rtol`` |t|, partly if >= 50%; no point: does not hold."""
    positive("atol", atol)
    positive("rtol", rtol)
    tr_num, tr_cf, ok_tr = _tolerance("tr_num", tr_num, "tr_cf", tr_cf, atol, rtol)
    tr2_num, tr2_cf, ok_tr2 = _tolerance("tr2_num", tr2_num, "tr2_cf", tr2_cf, atol, rtol)
    same_length(tr_num=tr_num, tr2_num=tr2_num)
    ok = ok_tr & ok_tr2
    M = ok.size

    def within(num, cf, r):
        return np.abs(num - cf) <= atol + r * np.abs(cf)

    def at(num, cf, r=rtol, holds_at=0.95):
        if M == 0:
            return NAN, "does not hold"
        f = float(within(num, cf, r).mean())
        return f, _frac(f, holds_at=holds_at, partly_at=0.5)

    def rel(a, b):
        return float(np.max(np.abs(a - b) / np.abs(b))) if M else NAN

    def sens(num, cf):
        return series(
            "rtol (tolerance relative to |t|)",
            (1e-6, 1e-5, 1e-3, 1e-2),
            rtol,
            lambda r: at(num, cf, r=r),
        ) + series(
            "share of points within tolerance needed to hold",
            (0.9, 0.99, 1.0),
            0.95,
            lambda v: at(num, cf, holds_at=v),
        )

    def measured(mask, num, cf, what):
        if M == 0:
            return "no critical point"
        return (
            f"{int(mask.sum())} of {M} unique points within tolerance for {what}; largest "
            f"relative difference {fmt(rel(num, cf), 2)}"
        )

    test = (
        "holds if >= 95% of unique critical points satisfy |t_num - t| <= 1e-6 + 1e-4 |t| for "
        "t = {t} (t_num: np.trace of the central-difference Hessian); partly if >= 50%; else "
        "(or with no point) does not hold"
    )
    statements = [
        statement(
            "ws-fig09-trace",
            "The numerical solutions using the \u201cnumpy.trace\u201d function and the "
            "analytical solutions are shown in the left part of Figure 9, confirming that they "
            "are consistent",
            at(tr_num, tr_cf)[1],
            measured(ok_tr, tr_num, tr_cf, "tr(H)"),
            test.format(t="tr(H)"),
            "numerical (numpy.trace) and closed-form tr(H) agree (scatter on y = x; no number)",
            sens(tr_num, tr_cf),
        ),
        statement(
            "ws-fig09-trace-squared",
            "The numerical solutions obtained by the \u201cnumpy.trace\u201d function and the "
            "analytical solutions are shown on the right of Figure 9, and it has been "
            "confirmed that they match",
            at(tr2_num, tr2_cf)[1],
            measured(ok_tr2, tr2_num, tr2_cf, "tr(H^2)"),
            test.format(t="tr(H^2)"),
            "numerical and closed-form tr(H^2) agree (scatter on y = x; no number)",
            sens(tr2_num, tr2_cf),
        ),
    ]
    both = _frac(float(ok.mean()), holds_at=0.95, partly_at=0.5) if M else "does not hold"
    earlier = (
        dict(
            test="holds if >= 95% of unique critical points satisfy |t_num - t| <= 1e-6 + "
            "1e-4 |t| for both t = tr(H) and t = tr(H^2); partly if >= 50% (one rule for both "
            "traces)",
            measured=f"{int(ok.sum())} of {M} unique points within tolerance for both traces",
            verdict=both,
        ),
    )
    claim = row(
        "ws-fig09",
        "Fig. 9",
        "the closed-form traces are right",
        "numerical (numpy.trace) and closed-form tr(H) and tr(H^2) agree at the critical "
        "points (scatter on y = x; no number)",
        statements,
        QUOTES,
        READINGS,
        earlier,
    )
    values = dict(
        ok=ok,
        maxrel_tr=rel(tr_num, tr_cf),
        maxrel_tr2=rel(tr2_num, tr2_cf),
        maxabs_tr=float(np.max(np.abs(tr_num - tr_cf))) if M else NAN,
        maxabs_tr2=float(np.max(np.abs(tr2_num - tr2_cf))) if M else NAN,
        pct_ok=100 * float(ok.mean()) if M else NAN,
        note="" if M else NO_POINT,
    )
    return Outcome(claim, values)

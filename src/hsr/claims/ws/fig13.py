"""WS Fig. 13, "Appendix A": the test of ledger row ``ws-fig13``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    positive,
    real_array,
)
from ..ledger import Outcome, Quote, fmt
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import NAN, row, statement

__all__ = ["QUOTES", "READINGS", "ws_fig13"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig13": Quote(
        "WS",
        "Appendix A-A",
        "Note that the five activation functions considered in this study are shown in Figure 13.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig13": "The figure shows the activations of Appendix A with their derivatives; the "
    "claim is that the closed-form derivatives are right, read as: each of f', f'' and f''' "
    "equals the central difference of the one before it to 1e-6 on the plotted range.",
}


def ws_fig13(errors, u_min: float = -6.0, u_max: float = 6.0, abs_tol: float = 1e-6) -> Outcome:
    """WS Fig. 13, "Appendix A": the largest absolute difference, on a grid of
    [``u_min``, ``u_max``], between each derivative f', f'', f''' of each activation and the
    central difference of the derivative before it (``errors (A, 3)``, one row per
    activation; WS Appendix A).

    Test: holds if every difference is below ``abs_tol``, partly if >= half are; no
    activation: does not hold."""
    err = real_array("errors", errors)
    if err.size == 0:
        err = err.reshape(0, 3)
    if err.ndim != 2 or err.shape[1] != 3:
        raise ValueError(f"errors must have shape (A, 3), got {err.shape}")
    positive("abs_tol", abs_tol)
    checks = list((err < abs_tol).ravel())
    A = err.shape[0]
    worst = float(err.max()) if A else NAN
    if not checks:
        verdict, note = "does not hold", "No activation was checked in this run."
    else:
        verdict = _frac(float(np.mean(checks)), holds_at=1.0, partly_at=0.5)
        note = ""
    n_passed = int(sum(checks))
    st = statement(
        "ws-fig13",
        "the five activation functions considered in this study are shown in Figure 13",
        verdict,
        f"{n_passed} of {len(checks)} derivatives ({A} activations x 3) match central "
        f"differences; largest absolute difference {fmt(worst, 2)} on [{u_min}, {u_max}]",
        "every first, second and third derivative of every activation matches the central "
        "difference of the derivative before it (step fd_step) to an absolute difference below "
        "1e-6 on the grid; partly if >= half do",
        "the five activations (linear, sigmoid, tanh, softplus, GELU) with their "
        "first, second and third derivatives in closed form (Appendix A)",
        series(
            "abs_tol (absolute difference allowed)",
            (1e-10, 1e-8, 1e-4),
            abs_tol,
            lambda t: (
                float(np.mean(err < t)) if A else NAN,
                _frac(float(np.mean(err < t)), holds_at=1.0, partly_at=0.5)
                if A
                else "does not hold",
            ),
        ),
    )
    claim = row("ws-fig13", "Fig. 13", "Appendix A", st.paper_reports, [st], QUOTES, READINGS)
    return Outcome(claim, dict(worst=worst, n_checks=len(checks), n_passed=n_passed, note=note))

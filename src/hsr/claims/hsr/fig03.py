"""HSR Fig. 3, "Theorems 2-5 are right": the test of ledger row ``hsr-fig03``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    positive,
)
from ..ledger import (
    Claim,
    Outcome,
    Quote,
)
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import quoted

__all__ = ["QUOTES", "READINGS", "hsr_fig03"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "hsr-fig03": Quote(
        "HSR",
        "Section IV-B",
        "The difference norms between the numerical and analytical solutions are both on "
        "the order of , confirming that they are strongly consistent. This trend remains "
        "identical for parameters generated with different random seeds. These results "
        "demonstrate that the analytical solutions derived in this study are correct.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig03": "'Strongly consistent ... identical for parameters generated with different "
    "random seeds' is read as: at several random networks, every block (theta1, theta2) of the "
    "central-difference gradient of tr(H) and tr(H^2) agrees with the closed form to 1e-6 "
    "relative. The paper's order of magnitude is blank in the extracted text; central "
    "differences with this step are accurate to about 1e-9 relative, so 1e-6 separates a "
    "correct formula from a wrong one with a wide margin.",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


# ----- HSR Fig. 3: the closed-form gradients -----------------------------------------------------
def hsr_fig03(rel, n_networks: int, rel_tol: float = 1e-6) -> Outcome:
    """HSR Fig. 3, "Theorems 2-5 are right", from ``rel (C,)``: for every check (network,
    quantity tr(H) or tr(H^2), block theta1 or theta2) the norm of the difference between
    central differences and the closed-form gradient (HSR Theorems 2-5) divided by the norm
    of the whole closed-form gradient, over ``n_networks`` networks.

    Test: the share of checks with ``rel < rel_tol``: >= 95% holds, >= 50% partly
    (:func:`hsr.claims.verdict_from_fraction`)."""
    rel = finite_vector("rel", rel, 1)
    if np.any(rel < 0):
        raise ValueError("rel must hold relative differences >= 0")
    positive("n_networks", n_networks, integer=True)
    positive("rel_tol", rel_tol)
    passed = rel < float(rel_tol)
    frac = float(passed.mean())
    verdict = _frac(frac)
    worst = float(rel.max())
    claim = Claim(
        id="hsr-fig03",
        paper="HSR",
        figure="Fig. 3",
        claim="Theorems 2-5 are right",
        paper_reports=(
            "numerical and analytical gradients of tr(H) and tr(H^2) agree (difference "
            "norms small; the same for other seeds)"
        ),
        measured=(
            f"{int(passed.sum())} of {passed.size} (network, quantity, block) checks below "
            f"{rel_tol:g} relative over {n_networks} networks; "
            f"worst {worst:.2g}"
        ),
        test=(
            f"|FD - closed| / |closed| < {rel_tol:g} per block: "
            ">= 95% of checks holds, >= 50% partly"
        ),
        verdict=verdict,
    )
    values = dict(n_passed=int(passed.sum()), n_checks=int(passed.size), frac=frac, worst=worst)

    def tol_at(tol):
        f = float(np.mean(rel < tol))
        return f, _frac(f)

    sensitivity = series("rel_tol", (1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4), rel_tol, tol_at)
    return Outcome(_quoted(claim, sensitivity), values)

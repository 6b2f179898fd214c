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
    Outcome,
    Quote,
)
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import row, statement, uncheckable

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
    "hsr-fig03": "Two observations and a conclusion. 'The difference norms between the "
    "numerical and analytical solutions are both on the order of [...], confirming that they "
    "are strongly consistent' is read at the network shown: every block (theta1, theta2) of "
    "the central-difference gradients of tr(H) and tr(H^2) agrees with the closed form to "
    "1e-6 relative. 'This trend remains identical for parameters generated with different "
    "random seeds' is read over the other networks checked: the share of them at which every "
    "block agrees to 1e-6 (>= 95%: holds; >= 50%: partly). The paper's order of magnitude is "
    "blank in the extracted text; central differences with this step are accurate to about "
    "1e-9 relative, so 1e-6 separates a correct formula from a wrong one with a wide margin. "
    "That the analytical solutions 'are correct' is the conclusion the two observations "
    "support, not a further observation (the book proves Theorems 2-5 and tests them against "
    "JAX autodiff). The book first pooled every check of every network under one share; that "
    "reading is kept beside the statements.",
}


def hsr_fig03(rel, n_networks: int, rel_tol: float = 1e-6) -> Outcome:
    """HSR Fig. 3, "Theorems 2-5 are right", from ``rel (C,)``: for every check (network,
    quantity tr(H) or tr(H^2), block theta1 or theta2) the norm of the difference between
    central differences and the closed-form gradient (HSR Theorems 2-5) divided by the norm
    of the whole closed-form gradient, over ``n_networks`` networks, network by network (the
    first network's checks first: ``C`` a multiple of ``n_networks``).

    Statements (the row their combination):

    - ``hsr-fig03-consistent``: the share of the first network's checks with ``rel <
      rel_tol``: all holds, >= half partly, else does not hold;
    - ``hsr-fig03-other-seeds``: the share of the other networks all of whose checks pass:
      >= 95% holds, >= 50% partly (not checkable with one network);
    - ``hsr-fig03-correct``: the conclusion, not checkable by the run.

    The earlier reading (the share of all checks with ``rel < rel_tol``: >= 95% holds, >= 50%
    partly) is kept as ``earlier``."""
    rel = finite_vector("rel", rel, 1)
    if np.any(rel < 0):
        raise ValueError("rel must hold relative differences >= 0")
    positive("n_networks", n_networks, integer=True)
    positive("rel_tol", rel_tol)
    R = int(n_networks)
    if rel.size % R:
        raise ValueError(
            f"rel must hold the same number of checks for each of the {R} networks, got "
            f"{rel.size} checks"
        )
    per = rel.reshape(R, -1)
    passed = rel < float(rel_tol)
    frac = float(passed.mean())
    worst = float(rel.max())
    tols = (1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4)

    def first_at(tol):
        f = float(np.mean(per[0] < tol))
        return f, _frac(f, holds_at=1.0, partly_at=0.5)

    def others_at(tol):
        f = float(np.mean(np.all(per[1:] < tol, axis=1)))
        return f, _frac(f)

    sts = [
        statement(
            "hsr-fig03-consistent",
            "The difference norms between the numerical and analytical solutions are both on "
            "the order of [...], confirming that they are strongly consistent",
            first_at(rel_tol)[1],
            f"the network shown: {int(np.sum(per[0] < rel_tol))} of {per.shape[1]} (quantity, "
            f"block) checks below {rel_tol:g} relative; worst {float(per[0].max()):.2g}",
            f"|FD - closed| / |closed| < {rel_tol:g} for every block of tr(H) and tr(H^2) at "
            "the network shown: holds; at least half: partly; else does not hold",
            "numerical and analytical gradients of tr(H) and tr(H^2) agree (difference norms "
            "small)",
            series("rel_tol", tols, rel_tol, first_at),
        ),
    ]
    if R > 1:
        n_ok = int(np.sum(np.all(per[1:] < rel_tol, axis=1)))
        sts.append(
            statement(
                "hsr-fig03-other-seeds",
                "This trend remains identical for parameters generated with different random seeds",
                others_at(rel_tol)[1],
                f"{n_ok} of the {R - 1} other networks pass every check below {rel_tol:g}; "
                f"worst {float(per[1:].max()):.2g}",
                f"the share of the other networks at which every block agrees to {rel_tol:g}: "
                ">= 95% holds, >= 50% partly",
                "the same for other seeds",
                series("rel_tol", tols, rel_tol, others_at),
            )
        )
    else:
        sts.append(
            uncheckable(
                "hsr-fig03-other-seeds",
                "This trend remains identical for parameters generated with different random seeds",
                "this run checked one network only (n_check = 1): no other seed to compare",
                "the same for other seeds",
            )
        )
    sts.append(
        uncheckable(
            "hsr-fig03-correct",
            "These results demonstrate that the analytical solutions derived in this study are "
            "correct",
            "the conclusion the two observations support, not a further observation; the "
            "formulas are proved in the book and checked against JAX autodiff by the test suite",
        )
    )
    old = _frac(frac)
    earlier = (
        dict(
            test=f"|FD - closed| / |closed| < {rel_tol:g} per block, pooled over every network: "
            ">= 95% of checks holds, >= 50% partly (one rule for the passage)",
            measured=f"{int(passed.sum())} of {passed.size} checks pass over {R} networks; "
            f"worst {worst:.2g}",
            verdict=old,
        ),
    )
    claim = row(
        "hsr-fig03",
        "Fig. 3",
        "Theorems 2-5 are right",
        "numerical and analytical gradients of tr(H) and tr(H^2) agree (difference norms "
        "small; the same for other seeds)",
        sts,
        QUOTES,
        READINGS,
        earlier,
    )
    values = dict(
        n_passed=int(passed.sum()),
        n_checks=int(passed.size),
        frac=frac,
        worst=worst,
        verdict_earlier=old,
    )
    return Outcome(claim, values)

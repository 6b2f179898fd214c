"""HSR Fig. 10, "all three regularizers keep lambda_max low on Sharp seeds": the test of ledger row
``hsr-fig10``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...experiments.methods import METHOD_LABELS
from ...experiments.stats import paired_wilcoxon
from ..ledger import (
    Claim,
    Outcome,
    Quote,
)
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import ALPHAS, method_arrays, quoted

__all__ = ["QUOTES", "READINGS", "hsr_fig10"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "hsr-fig10": Quote(
        "HSR",
        "Section VI-B",
        "On the other hand, it can be observed that the maximum eigenvalue reaches a large "
        "value at the critical point under the plain gradient descent method. In contrast, "
        "the three methods that control the eigenvalues finish training while maintaining "
        "the maximum eigenvalue at a low value.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig10": "'Finish training while maintaining the maximum eigenvalue at a low value', "
    "against plain gradient descent's 'large value at the critical point', is read as: the "
    "final lambda_max of each regularizer is below Baseline's from the same Sharp seeds, a "
    "one-sided paired Wilcoxon signed-rank test at 1% (the papers' level) per regularizer, "
    "since 'the three methods' is said of each.",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


# ----- HSR Fig. 10: lambda_max kept low ----------------------------------------------------------
def hsr_fig10(final_lambda_max: dict) -> Outcome:
    """HSR Fig. 10, "all three regularizers keep lambda_max low on Sharp seeds", from the
    final lambda_max of every method on the same Sharp seeds (``final_lambda_max``: method ->
    ``(S,)``, methods ``baseline``, ``hessian``, ``asam``, ``hsr``).

    Test: for each regularizer a one-sided paired Wilcoxon signed-rank test, its final
    lambda_max < Baseline's, at 1%: all three significant holds, two partly
    (:func:`hsr.claims.verdict_from_fraction`, partly at 0.6)."""
    final = method_arrays(
        "final_lambda_max", final_lambda_max, ("baseline", "hessian", "asam", "hsr")
    )
    base = final["baseline"]
    rows, pvalues, n_sig, notes = [], {}, 0, ""
    for m in ("hessian", "asam", "hsr"):
        p, _, note = paired_wilcoxon(final[m], base, "less")
        pvalues[m] = p
        sig = bool(p < 0.01)
        n_sig += sig
        notes = notes or note
        rows.append(
            {
                "method": METHOD_LABELS[m],
                "median lambda_max": np.median(final[m]),
                "Baseline median": np.median(base),
                "p (one-sided)": p,
                "lower at 1%": sig,
            }
        )
    verdict = _frac(n_sig / 3, holds_at=1.0, partly_at=0.6)
    measured = "; ".join(
        f"{r['method']}: median {r['median lambda_max']:.3g} (p = {r['p (one-sided)']:.2g})"
        for r in rows
    )
    claim = Claim(
        id="hsr-fig10",
        paper="HSR",
        figure="Fig. 10",
        claim="all three regularizers keep lambda_max low on Sharp seeds",
        paper_reports=(
            "Baseline's lambda_max reaches a large value on Sharp seeds; the three "
            "regularizers finish training with lambda_max kept low"
        ),
        measured=(
            f"final lambda_max on {base.size} Sharp seeds, Baseline median "
            f"{np.median(base):.3g}; {measured}{notes}"
        ),
        test=(
            "one-sided paired Wilcoxon, final lambda_max of each regularizer < Baseline on "
            "Sharp seeds at 1%: all three holds, two partly"
        ),
        verdict=verdict,
    )
    values = dict(
        rows=rows,
        medians={m: float(np.median(v)) for m, v in final.items()},
        p=pvalues,
        n_sig=n_sig,
    )

    def alpha_at(a):
        n = sum(bool(q < a) for q in pvalues.values())
        return n, _frac(n / 3, holds_at=1.0, partly_at=0.6)

    sensitivity = series("Wilcoxon alpha", ALPHAS, 0.01, alpha_at)
    return Outcome(_quoted(claim, sensitivity), values)

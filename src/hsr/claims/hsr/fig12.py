"""HSR Fig. 12, "HSR and A-SAM lowest; HSR beats Hessian Reg.": the test of ledger row ``hsr-
fig12``.

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
    combine_verdicts,
    merge_claims,
)
from ..ledger import verdict_from_fraction as _frac
from ..ledger import verdict_from_pvalue as _pval
from ..sensitivity import series
from ._shared import ALPHAS, method_values, quoted

__all__ = ["QUOTES", "READINGS", "hsr_fig12"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "hsr-fig12": Quote(
        "HSR",
        "Section VI-B",
        "In the case of the Sharp Minima Seeds, it can be seen that all methods "
        "successfully reduced the maximum eigenvalue compared to the plain gradient descent"
        " method without regularization. Among these, A-SAM and HSR regularization were "
        "particularly effective. The reason HSR regularization outperformed Hessian "
        "regularization is considered to be that while Hessian regularization relies solely"
        " on the Hessian trace, HSR regularization additionally incorporates the squared "
        "Hessian trace.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig12": "'A-SAM and HSR regularization were particularly effective' is read as: they "
    "have the two lowest medians of the final lambda_max on the Sharp seeds (Fig. 12A); 'HSR "
    "regularization outperformed Hessian regularization' as HSR Reg.'s lambda_max below "
    "Hessian Reg.'s on the same seeds, a one-sided paired Wilcoxon signed-rank test at 1%.",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


def hsr_fig12(lambda_max_sharp: dict) -> Outcome:
    """HSR Fig. 12, "HSR and A-SAM lowest; HSR beats Hessian Reg.", from the final
    lambda_max of every method on the same Sharp seeds (``lambda_max_sharp``: method ->
    ``(S,)``, methods ``baseline``, ``hessian``, ``asam``, ``hsr``).

    Two parts, combined by :func:`hsr.claims.combine_verdicts`:

    - lowest: HSR Reg. and A-SAM have the two lowest medians: holds; one of them: partly;
    - beats Hessian Reg.: one-sided paired Wilcoxon, HSR's lambda_max < Hessian Reg.'s,
      p < 0.01 (partly: p < 0.05) with a negative median paired difference.
    """
    lam = method_values(
        "lambda_max_sharp", lambda_max_sharp, ("baseline", "hessian", "asam", "hsr")
    )
    med = {m: float(np.median(v)) for m, v in lam.items()}
    two_lowest = sorted(med, key=med.get)[:2]
    hits = len({"hsr", "asam"} & set(two_lowest))
    v_lowest = _frac(hits / 2, holds_at=1.0, partly_at=0.5)
    p, n, note = paired_wilcoxon(lam["hsr"], lam["hessian"], "less")
    d_med = float(np.median(lam["hsr"] - lam["hessian"]))
    v_beats = _pval(p, direction_ok=bool(d_med < 0))
    S = next(iter(lam.values())).size
    medians_txt = ", ".join(f"{METHOD_LABELS.get(m, m)} {med[m]:.3g}" for m in lam)
    parts = [
        Claim(
            id="hsr-fig12-lowest",
            paper="HSR",
            figure="Fig. 12",
            claim="HSR and A-SAM lowest",
            paper_reports="on Sharp seeds every method lowers lambda_max against Baseline; "
            "A-SAM and HSR Reg. are particularly effective",
            measured=f"median lambda_max on {S} Sharp seeds: {medians_txt}",
            test="HSR Reg. and A-SAM have the two lowest medians of lambda_max on Sharp seeds: "
            "holds; one of them: partly",
            verdict=v_lowest,
        ),
        Claim(
            id="hsr-fig12-beats-hessian",
            paper="HSR",
            figure="Fig. 12",
            claim="HSR beats Hessian Reg.",
            paper_reports="HSR Reg. outperforms Hessian Reg. in lowering lambda_max (Sharp seeds)",
            measured=f"median paired difference HSR - Hessian Reg. {d_med:.3g}, one-sided "
            f"Wilcoxon p = {p:.2g} over {n} Sharp seeds{note}",
            test="one-sided paired Wilcoxon, HSR's lambda_max < Hessian Reg.'s, p < 0.01",
            verdict=v_beats,
        ),
    ]
    claim = merge_claims(parts, "hsr-fig12", "HSR and A-SAM lowest; HSR beats Hessian Reg.")

    def beats_at(a):
        v = _pval(p, alpha=a, direction_ok=bool(d_med < 0), partly_alpha=max(a, 0.05))
        return p, combine_verdicts([v_lowest, v])

    sensitivity = series("Wilcoxon alpha", ALPHAS, 0.01, beats_at)
    values = dict(
        medians=med, two_lowest=two_lowest, p=p, d_med=d_med, lowest=v_lowest, beats=v_beats
    )
    return Outcome(_quoted(claim, sensitivity), values)

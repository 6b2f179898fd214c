"""HSR Fig. 15, "HSR simplifies the boundary": the test of ledger row ``hsr-fig15``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    same_length,
)
from ...experiments.stats import paired_wilcoxon
from ..ledger import (
    Claim,
    Outcome,
    Quote,
)
from ..ledger import verdict_from_pvalue as _pval
from ..sensitivity import series
from ._shared import ALPHAS, quoted

__all__ = ["QUOTES", "READINGS", "hsr_fig15"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "hsr-fig15": Quote(
        "HSR",
        "Section VI-C",
        "From these plots, it can be seen that the application of HSR regularization has "
        "the effect of simplifying the decision boundaries. This implies the suppression of"
        " overfitting, which is a desirable property from the perspective of "
        "generalization.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig15": "The paper shows a few seeds; 'simplifying the decision boundaries' is read "
    "as a shorter p = 0.5 contour inside the plotted square (a straight boundary is the "
    "shortest across it; folds and extra pieces add length), over all Sharp seeds: HSR Reg.'s "
    "length below Baseline's in a one-sided paired Wilcoxon signed-rank test at 1%, with a "
    "lower median.",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


# ----- HSR Fig. 15: simpler boundaries -----------------------------------------------------
def hsr_fig15(length_baseline, length_hsr) -> Outcome:
    """HSR Fig. 15, "HSR simplifies the boundary", from the length of the p = 0.5 contour
    inside the plotted square at the final points of Baseline (``length_baseline (S,)``)
    and HSR Reg. (``length_hsr (S,)``) on the same Sharp seeds (0: no boundary in the
    square).

    Test: one-sided paired Wilcoxon signed-rank test, HSR Reg.'s length < Baseline's, p <
    0.01 with a lower median: holds; p < 0.05: partly
    (:func:`hsr.claims.verdict_from_pvalue`)."""
    lb = finite_vector("length_baseline", length_baseline, 1)
    lh = finite_vector("length_hsr", length_hsr, 1)
    same_length(length_baseline=lb, length_hsr=lh)
    if np.any(lb < 0) or np.any(lh < 0):
        raise ValueError("length_baseline and length_hsr must hold lengths (>= 0)")
    p, n, note = paired_wilcoxon(lh, lb, "less")
    med_b, med_h = float(np.median(lb)), float(np.median(lh))
    frac = float(np.mean(lh < lb))
    verdict = _pval(p, direction_ok=bool(med_h < med_b))
    claim = Claim(
        id="hsr-fig15",
        paper="HSR",
        figure="Fig. 15",
        claim="HSR simplifies the boundary",
        paper_reports="HSR regularization simplifies the decision boundaries of Sharp seeds "
        "(shown on a few seeds)",
        measured=(
            f"median p = 0.5 contour length in the square over {lb.size} Sharp seeds: "
            f"Baseline {med_b:.3g}, HSR Reg. {med_h:.3g}; HSR shorter on {frac:.0%} of the "
            f"seeds; one-sided paired Wilcoxon p = {p:.2g}{note}"
        ),
        test="one-sided paired Wilcoxon, HSR's boundary shorter than Baseline's, p < 0.01 with "
        "a lower median (partly: p < 0.05)",
        verdict=verdict,
    )
    values = dict(
        p=p,
        median_baseline=med_b,
        median_hsr=med_h,
        frac=frac,
        none_baseline=int(np.sum(lb == 0)),
        none_hsr=int(np.sum(lh == 0)),
    )
    sensitivity = series(
        "Wilcoxon alpha",
        ALPHAS,
        0.01,
        lambda a: (
            p,
            _pval(p, alpha=a, direction_ok=bool(med_h < med_b), partly_alpha=max(a, 0.05)),
        ),
    )
    return Outcome(_quoted(claim, sensitivity), values)

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
    Outcome,
    Quote,
    fmt,
)
from ..ledger import verdict_from_pvalue as _pval
from ..sensitivity import series
from ._shared import ALPHAS, NAN, row, statement, uncheckable

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
    "hsr-fig15": "An observation, an implication and a judgement. The paper shows a few seeds; "
    "'simplifying the decision boundaries' is read as a shorter p = 0.5 contour inside the "
    "plotted square (a straight boundary is the shortest across it; folds and extra pieces add "
    "length), over all Sharp seeds: HSR Reg.'s length below Baseline's in a one-sided paired "
    "Wilcoxon signed-rank test at 1%, with a lower median. 'This implies the suppression of "
    "overfitting' is checkable where the training and test scores are at hand: overfitting is "
    "the gap between the training and the test macro-F1, and its suppression HSR Reg.'s gap "
    "below Baseline's on the same Sharp seeds, the same test. That this is 'a desirable "
    "property from the perspective of generalization' is a judgement.",
}


def hsr_fig15(length_baseline, length_hsr, gap_baseline=None, gap_hsr=None) -> Outcome:
    """HSR Fig. 15, "HSR simplifies the boundary", from the length of the p = 0.5 contour
    inside the plotted square at the final points of Baseline (``length_baseline (S,)``)
    and HSR Reg. (``length_hsr (S,)``) on the same Sharp seeds (0: no boundary in the
    square), and their generalization gaps, training minus test macro-F1
    (``gap_baseline``, ``gap_hsr``: ``(S,)``, optional).

    Statements (the row their combination):

    - ``hsr-fig15-simpler``: one-sided paired Wilcoxon signed-rank test, HSR Reg.'s length <
      Baseline's, p < 0.01 with a lower median: holds; p < 0.05: partly
      (:func:`hsr.claims.verdict_from_pvalue`);
    - ``hsr-fig15-overfitting``: the same test on the gaps (not checkable without them);
    - ``hsr-fig15-desirable``: a judgement, not checkable."""
    lb = finite_vector("length_baseline", length_baseline, 1)
    lh = finite_vector("length_hsr", length_hsr, 1)
    same_length(length_baseline=lb, length_hsr=lh)
    if np.any(lb < 0) or np.any(lh < 0):
        raise ValueError("length_baseline and length_hsr must hold lengths (>= 0)")
    if (gap_baseline is None) != (gap_hsr is None):
        raise ValueError("gap_baseline and gap_hsr must be given together")
    p, n, note = paired_wilcoxon(lh, lb, "less")
    med_b, med_h = float(np.median(lb)), float(np.median(lh))
    frac = float(np.mean(lh < lb))

    def simpler_at(a):
        return p, _pval(p, alpha=a, direction_ok=bool(med_h < med_b), partly_alpha=max(a, 0.05))

    says_over = "This implies the suppression of overfitting"
    values = dict(
        p=p,
        median_baseline=med_b,
        median_hsr=med_h,
        frac=frac,
        none_baseline=int(np.sum(lb == 0)),
        none_hsr=int(np.sum(lh == 0)),
    )
    if gap_baseline is None:
        over = uncheckable(
            "hsr-fig15-overfitting",
            says_over,
            "the training and test scores were not given: no gap to compare",
        )
        values.update(overfitting=over.verdict, p_gap=NAN)
    else:
        gb = finite_vector("gap_baseline", gap_baseline, 1)
        gh = finite_vector("gap_hsr", gap_hsr, 1)
        same_length(length_baseline=lb, gap_baseline=gb, gap_hsr=gh)
        p_gap, _, note_gap = paired_wilcoxon(gh, gb, "less")
        mg_b, mg_h = float(np.median(gb)), float(np.median(gh))

        def gap_at(a):
            return p_gap, _pval(
                p_gap, alpha=a, direction_ok=bool(mg_h < mg_b), partly_alpha=max(a, 0.05)
            )

        over = statement(
            "hsr-fig15-overfitting",
            says_over,
            gap_at(0.01)[1],
            f"median gap training - test macro-F1 over {gb.size} Sharp seeds: Baseline "
            f"{mg_b:.3g}, HSR Reg. {mg_h:.3g}; one-sided paired Wilcoxon p = {fmt(p_gap, 2)}"
            f"{note_gap}",
            "one-sided paired Wilcoxon, HSR Reg.'s gap (training - test macro-F1) below "
            "Baseline's, p < 0.01 with a lower median (partly: p < 0.05)",
            "HSR Reg. suppresses overfitting (implied by the simpler boundaries)",
            series("Wilcoxon alpha", ALPHAS, 0.01, gap_at),
        )
        values.update(
            overfitting=over.verdict, p_gap=p_gap, median_gap_baseline=mg_b, median_gap_hsr=mg_h
        )
    sts = [
        statement(
            "hsr-fig15-simpler",
            "the application of HSR regularization has the effect of simplifying the decision "
            "boundaries",
            simpler_at(0.01)[1],
            f"median p = 0.5 contour length in the square over {lb.size} Sharp seeds: "
            f"Baseline {med_b:.3g}, HSR Reg. {med_h:.3g}; HSR shorter on {frac:.0%} of the "
            f"seeds; one-sided paired Wilcoxon p = {p:.2g}{note}",
            "one-sided paired Wilcoxon, HSR's boundary shorter than Baseline's, p < 0.01 with "
            "a lower median (partly: p < 0.05)",
            "HSR regularization simplifies the decision boundaries of Sharp seeds (shown on a "
            "few seeds)",
            series("Wilcoxon alpha", ALPHAS, 0.01, simpler_at),
        ),
        over,
        uncheckable(
            "hsr-fig15-desirable",
            "which is a desirable property from the perspective of generalization",
            "a judgement of what is desirable, not an observation",
        ),
    ]
    claim = row(
        "hsr-fig15",
        "Fig. 15",
        "HSR simplifies the boundary",
        "HSR regularization simplifies the decision boundaries of Sharp seeds (shown on a few "
        "seeds), which implies the suppression of overfitting",
        sts,
        QUOTES,
        READINGS,
    )
    values["simpler"] = sts[0].verdict
    return Outcome(claim, values)

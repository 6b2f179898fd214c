"""HSR Fig. 10, "all three regularizers keep lambda_max low on Sharp seeds": the test of ledger row
``hsr-fig10``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import finite_vector, fraction
from ...experiments.methods import METHOD_LABELS
from ...experiments.stats import paired_wilcoxon
from ..ledger import (
    Outcome,
    Quote,
    fmt,
)
from ..ledger import verdict_from_pvalue as _pval
from ..sensitivity import series
from ._shared import (
    ALPHAS,
    NAN,
    REGULARIZERS,
    method_arrays,
    row,
    share_of_methods,
    statement,
    uncheckable,
)

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
    "hsr-fig10": "Two statements. 'The maximum eigenvalue reaches a large value at the critical "
    "point under the plain gradient descent method' (on the Sharp seeds, set against the Flat "
    "seeds, where all methods behave alike) is read as: Baseline's final lambda_max on the "
    "Sharp seeds above its final lambda_max on the Flat seeds, a one-sided Mann-Whitney U "
    "test at 1% (the two groups are different seeds). 'The three methods that control the "
    "eigenvalues finish training while maintaining the maximum eigenvalue at a low value', "
    "against plain gradient descent's large value, is read as: the final lambda_max of each "
    "regularizer is below Baseline's from the same Sharp seeds, a one-sided paired Wilcoxon "
    "signed-rank test at 1% (the papers' level) per regularizer, since 'the three methods' is "
    "said of each (all three: holds; two: partly).",
}


def hsr_fig10(final_lambda_max: dict, baseline_flat=None, alpha: float = 0.01) -> Outcome:
    """HSR Fig. 10, "all three regularizers keep lambda_max low on Sharp seeds", from the
    final lambda_max of every method on the same Sharp seeds (``final_lambda_max``: method ->
    ``(S,)``, methods ``baseline``, ``hessian``, ``asam``, ``hsr``) and Baseline's final
    lambda_max on the Flat seeds (``baseline_flat (F,)``).

    Two statements (:func:`hsr.claims.combine_verdicts` makes the row):

    - ``baseline-large``: Baseline's lambda_max on the Sharp seeds above the Flat seeds', a
      one-sided Mann-Whitney U test (``scipy.stats.mannwhitneyu``, ``alternative="greater"``;
      non-finite values of diverged runs left out) at ``alpha``: holds; p < 0.05: partly;
      not checkable without ``baseline_flat``;
    - ``kept-low``: for each regularizer a one-sided paired Wilcoxon signed-rank test, its
      final lambda_max < Baseline's, at ``alpha``: all three holds, two partly
      (:func:`~hsr.claims.hsr._shared.share_of_methods`), else does not hold.
    """
    final = method_arrays(
        "final_lambda_max", final_lambda_max, ("baseline", "hessian", "asam", "hsr")
    )
    fraction("alpha", alpha)
    base = final["baseline"]
    rows, pvalues, notes = [], {}, ""
    for m in REGULARIZERS:
        p, _, note = paired_wilcoxon(final[m], base, "less")
        pvalues[m] = p
        notes = notes or note
        rows.append(
            {
                "method": METHOD_LABELS[m],
                "median lambda_max": np.median(final[m]),
                "Baseline median": np.median(base),
                "p (one-sided)": p,
                f"lower at {alpha:g}": bool(p < alpha),
            }
        )

    def low_at(a):
        n = sum(bool(q < a) for q in pvalues.values())
        return n, share_of_methods(n)

    n_sig, v_low = low_at(alpha)
    measured = "; ".join(
        f"{r['method']}: median {r['median lambda_max']:.3g} (p = {r['p (one-sided)']:.2g})"
        for r in rows
    )
    kept_low = statement(
        "hsr-fig10-kept-low",
        "the three methods that control the eigenvalues finish training while maintaining the "
        "maximum eigenvalue at a low value",
        v_low,
        f"final lambda_max on {base.size} Sharp seeds, Baseline median {np.median(base):.3g}; "
        f"{measured}{notes}",
        f"one-sided paired Wilcoxon, final lambda_max of each regularizer < Baseline on Sharp "
        f"seeds at {alpha:g}: all three holds, two partly, else does not hold",
        "the three regularizers finish training with lambda_max kept low",
        series("Wilcoxon alpha", ALPHAS, alpha, low_at),
    )
    says_large = (
        "the maximum eigenvalue reaches a large value at the critical point under the plain "
        "gradient descent method"
    )
    reports_large = "Baseline's lambda_max reaches a large value on Sharp seeds"
    values = dict(
        rows=rows,
        medians={m: float(np.median(v)) for m, v in final.items()},
        p=pvalues,
        n_sig=n_sig,
        kept_low=v_low,
    )
    if baseline_flat is None:
        large = uncheckable(
            "hsr-fig10-baseline-large",
            says_large,
            "Baseline's final lambda_max on the Flat seeds was not given: nothing to set the "
            "Sharp seeds' value against",
            reports_large,
        )
        values.update(baseline_large=large.verdict, p_large=NAN)
    else:
        flat_b = finite_vector("baseline_flat", baseline_flat, 1)
        b_fin = base[np.isfinite(base)]
        if b_fin.size and flat_b.size:
            from scipy import stats as _stats  # on first use: import hsr stays light

            p_one = float(_stats.mannwhitneyu(b_fin, flat_b, alternative="greater").pvalue)
        else:
            p_one = NAN

        def large_at(a):
            return p_one, _pval(p_one, alpha=a, partly_alpha=max(a, 0.05))

        large = statement(
            "hsr-fig10-baseline-large",
            says_large,
            large_at(alpha)[1],
            f"Baseline's final lambda_max: median {np.median(base):.3g} on {base.size} Sharp "
            f"seeds, {np.median(flat_b):.3g} on {flat_b.size} Flat seeds; one-sided "
            f"Mann-Whitney p = {fmt(p_one, 2)}",
            f"one-sided Mann-Whitney U test, Baseline's final lambda_max on the Sharp seeds "
            f"above the Flat seeds', at {alpha:g}: holds; p < 0.05: partly; else does not hold",
            reports_large,
            series("Mann-Whitney alpha", ALPHAS, alpha, large_at),
        )
        values.update(
            baseline_large=large.verdict,
            p_large=p_one,
            median_flat_baseline=float(np.median(flat_b)),
        )
    claim = row(
        "hsr-fig10",
        "Fig. 10",
        "all three regularizers keep lambda_max low on Sharp seeds",
        "Baseline's lambda_max reaches a large value on Sharp seeds; the three regularizers "
        "finish training with lambda_max kept low",
        [large, kept_low],
        QUOTES,
        READINGS,
    )
    return Outcome(claim, values)

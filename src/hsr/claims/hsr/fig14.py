"""HSR Fig. 14, "HSR and A-SAM improve Sharp seeds; no harm on Flat seeds": the test of ledger row
``hsr-fig14``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import fraction
from ...experiments.methods import METHOD_LABELS
from ...experiments.stats import paired_wilcoxon
from ..ledger import (
    Outcome,
    Quote,
    combine_verdicts,
    fmt,
)
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import ALPHAS, REGULARIZERS, method_values, row, share_of_methods, statement

__all__ = ["QUOTES", "READINGS", "hsr_fig14"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "hsr-fig14": Quote(
        "HSR",
        "Section VI-C",
        "Looking at the results for the Sharp Minima Seeds, it can be confirmed that the "
        "three methods controlling the eigenvalues successfully improved the test "
        "performance compared to the plain gradient descent method without regularization. "
        "Among these, A-SAM and HSR regularization exhibited a higher improvement than "
        "Hessian regularization. Therefore, it can be said that HSR regularization is "
        "expected to achieve a performance improvement comparable to that of A-SAM. "
        "Furthermore, the results for the Flat Minima Seeds suggest that HSR regularization"
        " does not induce any adverse effects on initial parameters that inherently lead to"
        " flat minima without any specific modifications.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig14": "The passage makes four statements, each on the paired scores (same seed, "
    "method against method). 'The three methods controlling the eigenvalues successfully "
    "improved the test performance' is read per method, Hessian Reg. included, as test "
    "macro-F1 above Baseline's on the same Sharp seeds, a one-sided paired Wilcoxon "
    "signed-rank test at 1% (all three: holds; two: partly). 'A-SAM and HSR regularization "
    "exhibited a higher improvement than Hessian regularization': for each of the two, its "
    "F1 above Hessian Reg.'s on the same Sharp seeds (the gain over Baseline minus Hessian "
    "Reg.'s gain), one-sided paired Wilcoxon at 1% (both: holds; one: partly). 'HSR "
    "regularization is expected to achieve a performance improvement comparable to that of "
    "A-SAM': the median paired difference HSR Reg. - A-SAM on the Sharp seeds within +-0.01 "
    "macro-F1 (a tolerance: 'comparable' is an equivalence, which a test that fails to "
    "reject cannot show). 'Does not induce any adverse effects' on the Flat seeds, said of HSR "
    "Reg.: a median paired change against Baseline of at least -0.01 macro-F1, the same "
    "tolerance. The book first tested the improvement for A-SAM and HSR Reg. only and the "
    "absence of harm for both; that reading is kept beside the statements.",
}


def hsr_fig14(f1: dict, sharp, flat, harm_margin: float = 0.01, alpha: float = 0.01) -> Outcome:
    """HSR Fig. 14, "HSR and A-SAM improve Sharp seeds; no harm on Flat seeds", from the
    test macro-F1 of every method on the same seeds (``f1``: method -> ``(S,)``, methods
    ``baseline``, ``hessian``, ``asam``, ``hsr``) and the boolean masks ``sharp``, ``flat``
    ``(S,)`` of the two groups.

    Four statements (:func:`hsr.claims.combine_verdicts` makes the row):

    - ``three-improve``: for each of Hessian Reg., A-SAM and HSR Reg. a one-sided paired
      Wilcoxon signed-rank test (F1 > Baseline's) on the Sharp seeds at ``alpha``: all three
      holds, two partly, else does not hold;
    - ``higher-than-hessian``: for each of A-SAM and HSR Reg. a one-sided paired Wilcoxon
      test (F1 > Hessian Reg.'s) on the Sharp seeds at ``alpha``: both holds, one partly;
    - ``comparable``: |median paired difference HSR Reg. - A-SAM| on the Sharp seeds <=
      ``harm_margin``: holds, else does not hold;
    - ``flat-no-harm``: HSR Reg.'s median paired change against Baseline on the Flat seeds
      >= -``harm_margin``: holds, else does not hold.

    The earlier reading (two parts: HSR Reg. and A-SAM improve on Sharp seeds, one-sided
    Wilcoxon at 1%; no harm on Flat seeds for HSR Reg. and A-SAM; each both holds, one
    partly) is kept as ``earlier``."""
    f1 = method_values("f1", f1, ("baseline", "hessian", "asam", "hsr"))
    S_all = next(iter(f1.values())).size
    masks = {}
    for name, m in (("sharp", sharp), ("flat", flat)):
        m = np.asarray(m)
        if m.dtype != bool or m.shape != (S_all,):
            raise ValueError(f"{name} must be a boolean mask of shape ({S_all},)")
        if not m.any():
            raise ValueError(f"{name} must select at least one seed")
        masks[name] = m
    if not float(harm_margin) >= 0:
        raise ValueError(f"harm_margin must be >= 0, got {harm_margin}")
    fraction("alpha", alpha)
    margin = float(harm_margin)
    S, F = masks["sharp"], masks["flat"]
    rows, notes = {}, ""
    for m in ("hsr", "asam", "hessian"):
        p, _, note = paired_wilcoxon(f1[m][S], f1["baseline"][S], "greater")
        gain = float(np.median(f1[m][S] - f1["baseline"][S]))
        change_flat = float(np.median(f1[m][F] - f1["baseline"][F]))
        notes = notes or note
        rows[m] = {"gain": gain, "p": p, "flat_change": change_flat}
    above_hessian = {}
    for m in ("hsr", "asam"):
        p, _, _ = paired_wilcoxon(f1[m][S], f1["hessian"][S], "greater")
        above_hessian[m] = (p, float(np.median(f1[m][S] - f1["hessian"][S])))
    d_comp = float(np.median(f1["hsr"][S] - f1["asam"][S]))
    n_s, n_f = int(S.sum()), int(F.sum())

    def txt(key, spec, ms=("hsr", "asam", "hessian")):
        return "; ".join(f"{METHOD_LABELS[m]} {rows[m][key]:{spec}}" for m in ms)

    def three_at(a):
        n = sum(bool(rows[m]["p"] < a) for m in REGULARIZERS)
        return n, share_of_methods(n)

    def higher_at(a):
        n = sum(bool(above_hessian[m][0] < a) for m in ("asam", "hsr"))
        return n, _frac(n / 2, holds_at=1.0, partly_at=0.5)

    def comparable_at(mg):
        return d_comp, "holds" if abs(d_comp) <= mg else "does not hold"

    def no_harm_at(mg):
        c = rows["hsr"]["flat_change"]
        return c, "holds" if c >= -mg else "does not hold"

    margins = (0.0, 0.005, 0.01, 0.02, 0.05)
    v_three, v_higher = three_at(alpha)[1], higher_at(alpha)[1]
    v_comp, v_flat = comparable_at(margin)[1], no_harm_at(margin)[1]
    sts = [
        statement(
            "hsr-fig14-three-improve",
            "the three methods controlling the eigenvalues successfully improved the test "
            "performance compared to the plain gradient descent method without regularization",
            v_three,
            f"median paired F1 gain over Baseline on {n_s} Sharp seeds: {txt('gain', '.3g')}; "
            f"one-sided Wilcoxon p: {txt('p', '.2g')}; {three_at(alpha)[0]} of 3 significant at "
            f"{alpha:g}{notes}",
            f"for each of Hessian Reg., A-SAM and HSR Reg. a one-sided paired Wilcoxon test, "
            f"test macro-F1 above Baseline's on the Sharp seeds, at {alpha:g}: all three holds, "
            "two partly, else does not hold",
            "on Sharp seeds all three regularizers improve the test macro-F1 over Baseline",
            series("Wilcoxon alpha", ALPHAS, alpha, three_at),
        ),
        statement(
            "hsr-fig14-higher-than-hessian",
            "A-SAM and HSR regularization exhibited a higher improvement than Hessian "
            "regularization",
            v_higher,
            f"median paired F1 difference against Hessian Reg. on {n_s} Sharp seeds: "
            + "; ".join(
                f"{METHOD_LABELS[m]} {above_hessian[m][1]:.3g} (one-sided Wilcoxon p = "
                f"{fmt(above_hessian[m][0], 2)})"
                for m in ("asam", "hsr")
            ),
            f"for each of A-SAM and HSR Reg. a one-sided paired Wilcoxon test, test macro-F1 "
            f"above Hessian Reg.'s on the Sharp seeds, at {alpha:g}: both holds, one partly, "
            "none does not hold",
            "A-SAM and HSR Reg. improve more than Hessian Reg. (Sharp seeds)",
            series("Wilcoxon alpha", ALPHAS, alpha, higher_at),
        ),
        statement(
            "hsr-fig14-comparable",
            "HSR regularization is expected to achieve a performance improvement comparable to "
            "that of A-SAM",
            v_comp,
            f"median paired F1 difference HSR Reg. - A-SAM on {n_s} Sharp seeds: {d_comp:.3g}",
            f"|median paired difference HSR Reg. - A-SAM| on the Sharp seeds <= {margin:g} "
            "macro-F1: holds, else does not hold",
            "HSR Reg. improves the test performance about as much as A-SAM",
            series("equivalence margin (macro-F1)", margins, margin, comparable_at),
        ),
        statement(
            "hsr-fig14-flat-no-harm",
            "HSR regularization does not induce any adverse effects on initial parameters that "
            "inherently lead to flat minima",
            v_flat,
            f"median paired F1 change against Baseline on {n_f} Flat seeds: "
            f"{txt('flat_change', '.3g')}",
            f"HSR Reg.'s median paired change against Baseline on the Flat seeds >= "
            f"-{margin:g} macro-F1: holds, else does not hold",
            "HSR Reg. induces no adverse effect on the Flat seeds",
            series("harm_margin", margins, margin, no_harm_at),
        ),
    ]
    # the reading published before: two parts, A-SAM and HSR Reg. only
    old_sharp = _frac(sum(bool(rows[m]["p"] < 0.01) for m in ("hsr", "asam")) / 2, 1.0, 0.5)
    old_flat = _frac(
        sum(bool(rows[m]["flat_change"] >= -margin) for m in ("hsr", "asam")) / 2, 1.0, 0.5
    )
    old = combine_verdicts([old_sharp, old_flat])
    earlier = (
        dict(
            test="two parts: one-sided paired Wilcoxon (F1 > Baseline) at 1% for HSR Reg. and "
            f"A-SAM on the Sharp seeds; median paired change >= -{margin:g} for HSR Reg. and "
            "A-SAM on the Flat seeds; each both holds, one partly; the row their combination "
            "(Hessian Reg.'s improvement and the comparisons between methods untested)",
            measured=f"Sharp improves: {old_sharp}; no harm on Flat: {old_flat}",
            verdict=old,
        ),
    )
    claim = row(
        "hsr-fig14",
        "Fig. 14",
        "HSR and A-SAM improve Sharp seeds; no harm on Flat seeds",
        "on Sharp seeds all three regularizers improve the test macro-F1 over Baseline, A-SAM "
        "and HSR Reg. more than Hessian Reg., HSR Reg. comparable to A-SAM; HSR Reg. induces "
        "no adverse effect on the Flat seeds",
        sts,
        QUOTES,
        READINGS,
        earlier,
    )
    values = dict(
        rows=rows,
        above_hessian=above_hessian,
        d_comparable=d_comp,
        three_improve=v_three,
        higher_than_hessian=v_higher,
        comparable=v_comp,
        flat_no_harm=v_flat,
        sharp_improves_earlier=old_sharp,
        flat_no_harm_earlier=old_flat,
        verdict_earlier=old,
    )
    return Outcome(claim, values)

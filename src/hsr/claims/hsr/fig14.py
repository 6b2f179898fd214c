"""HSR Fig. 14, "HSR and A-SAM improve Sharp seeds; no harm on Flat seeds": the test of ledger row
``hsr-fig14``.

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
from ..sensitivity import series
from ._shared import ALPHAS, method_values, quoted

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
    "hsr-fig14": "'Successfully improved the test performance' is read per method as test "
    "macro-F1 above Baseline's on the same Sharp seeds, a one-sided paired Wilcoxon "
    "signed-rank test at 1%, for the two methods the claim names (A-SAM and HSR Reg.); 'does "
    "not induce any adverse effects' on the Flat seeds as a median paired change of at least "
    "-0.01 in macro-F1: a tolerance, since 'no effect' cannot be shown by a test that fails to "
    "reject.",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


def hsr_fig14(f1: dict, sharp, flat, harm_margin: float = 0.01) -> Outcome:
    """HSR Fig. 14, "HSR and A-SAM improve Sharp seeds; no harm on Flat seeds", from the
    test macro-F1 of every method on the same seeds (``f1``: method -> ``(S,)``, methods
    ``baseline``, ``hessian``, ``asam``, ``hsr``) and the boolean masks ``sharp``, ``flat``
    ``(S,)`` of the two groups.

    Two parts, combined by :func:`hsr.claims.combine_verdicts`:

    - Sharp improves: one-sided paired Wilcoxon (F1 > Baseline's) at 1% for HSR Reg. and
      A-SAM: both holds, one partly;
    - no harm on Flat: median paired change against Baseline >= -``harm_margin`` for HSR
      Reg. and A-SAM: both holds, one partly.
    """
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
    S, F = masks["sharp"], masks["flat"]
    rows, n_better, n_noharm, notes = {}, 0, 0, ""
    for m in ("hsr", "asam", "hessian"):
        p, _, note = paired_wilcoxon(f1[m][S], f1["baseline"][S], "greater")
        gain = float(np.median(f1[m][S] - f1["baseline"][S]))
        change_flat = float(np.median(f1[m][F] - f1["baseline"][F]))
        if m != "hessian":  # the claim names HSR Reg. and A-SAM
            n_better += bool(p < 0.01)
            n_noharm += bool(change_flat >= -float(harm_margin))
            notes = notes or note
        rows[m] = {"gain": gain, "p": p, "flat_change": change_flat}
    v_sharp = _frac(n_better / 2, holds_at=1.0, partly_at=0.5)
    v_flat = _frac(n_noharm / 2, holds_at=1.0, partly_at=0.5)

    def txt(key, spec):
        return "; ".join(f"{METHOD_LABELS[m]} {r[key]:{spec}}" for m, r in rows.items())

    parts = [
        Claim(
            id="hsr-fig14-sharp-improves",
            paper="HSR",
            figure="Fig. 14",
            claim="HSR and A-SAM improve Sharp seeds",
            paper_reports="on Sharp seeds all three regularizers improve the test macro-F1 over "
            "Baseline, A-SAM and HSR Reg. more than Hessian Reg.",
            measured=f"median paired F1 gain over Baseline on {int(S.sum())} Sharp seeds: "
            f"{txt('gain', '.3g')}; one-sided Wilcoxon p: {txt('p', '.2g')}{notes}",
            test="one-sided paired Wilcoxon (F1 > Baseline) at 1% for HSR Reg. and A-SAM: both "
            "holds, one partly",
            verdict=v_sharp,
        ),
        Claim(
            id="hsr-fig14-flat-no-harm",
            paper="HSR",
            figure="Fig. 14",
            claim="no harm on Flat seeds",
            paper_reports="HSR Reg. induces no adverse effect on the Flat seeds",
            measured=f"median paired F1 change against Baseline on {int(F.sum())} Flat seeds: "
            f"{txt('flat_change', '.3g')}",
            test=f"median paired change >= -{float(harm_margin):g} for HSR Reg. and A-SAM: "
            "both holds, one partly",
            verdict=v_flat,
        ),
    ]
    claim = merge_claims(
        parts, "hsr-fig14", "HSR and A-SAM improve Sharp seeds; no harm on Flat seeds"
    )

    def sharp_at(a):
        n = sum(bool(rows[m]["p"] < a) for m in ("hsr", "asam"))
        return n, combine_verdicts([_frac(n / 2, holds_at=1.0, partly_at=0.5), v_flat])

    def flat_at(margin):
        n = sum(bool(rows[m]["flat_change"] >= -margin) for m in ("hsr", "asam"))
        return n, combine_verdicts([v_sharp, _frac(n / 2, holds_at=1.0, partly_at=0.5)])

    sensitivity = series("Wilcoxon alpha", ALPHAS, 0.01, sharp_at) + series(
        "harm_margin", (0.0, 0.005, 0.01, 0.02, 0.05), float(harm_margin), flat_at
    )
    values = dict(rows=rows, sharp_improves=v_sharp, flat_no_harm=v_flat)
    return Outcome(_quoted(claim, sensitivity), values)

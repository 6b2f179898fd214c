"""HSR Fig. 4, "samples predicted with confidence (e_i near 0) do not steer the direction
(Proposition 1)": the test of ledger row ``hsr-fig04``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    fraction,
    real_array,
    same_length,
)
from ...experiments.stats import spearman_or_nan
from ..ledger import (
    Outcome,
    Quote,
)
from ..sensitivity import series
from ._shared import ALPHAS, NAN, row, statement

__all__ = ["QUOTES", "READINGS", "sample_steering", "hsr_fig04"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "hsr-fig04": Quote(
        "HSR",
        "Section V-A",
        "As can be seen from the figure, the closer is to 0, that is, the closer is to , "
        "the smaller the gradient norm becomes. From this observation, it can be concluded "
        "that data samples that can be correctly estimated with high confidence do not "
        "influence the direction toward a flat minimum.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig04": "Two statements. 'The closer e_i is to 0, the smaller the gradient norm "
    "becomes' is a monotone relation, read as a positive Spearman rank correlation between "
    "|e_i| and the norm of sample i's contribution to grad lambda_WS (p < 0.01); 'data samples "
    "that can be correctly estimated with high confidence do not influence the direction "
    "toward a flat minimum' is read as: the 10% of samples closest to their labels carry less "
    "than 1% of the summed norms. Both at one trained network, as in the paper (a critical "
    "point of the Section VI sweep).",
}


# ----- HSR Fig. 4: which samples steer grad lambda_WS --------------------------------------------
def sample_steering(norms, e, low_frac: float = 0.1) -> tuple[float, float, float]:
    """How much the samples predicted with confidence steer grad lambda_WS at one network
    (HSR Proposition 1): ``norms (N,)``, the norm of each sample's contribution to the
    gradient; ``e (N,)``, its estimation error p_i - y_i.

    Returns ``(rho, p, share)``: Spearman's rank correlation of |e_i| with the norms and its
    two-sided p-value (NaN where undefined: fewer than 3 samples or a constant array), and
    the share of the summed norms carried by the ``low_frac`` of the samples with the
    smallest |e_i| (at least one sample; ties kept in sample order)."""
    norms, e = finite_vector("norms", norms, 1), finite_vector("e", e, 1)
    same_length(norms=norms, e=e)
    fraction("low_frac", low_frac)
    a = np.abs(e)
    k = max(1, int(round(float(low_frac) * a.size)))
    share = float(norms[np.argsort(a, kind="stable")[:k]].sum() / norms.sum())
    rho, p = spearman_or_nan(a, norms)
    return rho, p, share


def hsr_fig04(
    norms,
    e,
    seed: int,
    low_frac: float = 0.1,
    share_max: float = 0.01,
    norms_all=None,
    e_all=None,
) -> Outcome:
    """HSR Fig. 4, "samples predicted with confidence (e_i near 0) do not steer the direction
    (Proposition 1)", at the network shown (the critical point of seed ``seed``):
    ``norms (N,)`` the norm of each sample's contribution to grad lambda_WS, ``e (N,)`` its
    estimation error (see :func:`sample_steering`).

    Two statements (the row their combination): ``hsr-fig04-monotone``, Spearman rho(|e_i|,
    norm) > 0 with p < 0.01; ``hsr-fig04-no-influence``, the ``low_frac`` samples with the
    smallest |e_i| carry < ``share_max`` of the summed norms; each holds or does not hold.
    ``norms_all``, ``e_all`` ``(M, N)``: the same at every unique critical point, reported as
    context (the share passing both checks), not part of the verdict."""
    rho, p, share = sample_steering(norms, e, low_frac)
    norms, e = np.asarray(norms, float), np.asarray(e, float)
    fraction("share_max", share_max)
    if (norms_all is None) != (e_all is None):
        raise ValueError("norms_all and e_all must be given together")
    if norms_all is not None:
        G, E = real_array("norms_all", norms_all), real_array("e_all", e_all)
        if G.ndim != 2 or G.shape != E.shape or G.shape[0] < 1:
            raise ValueError(
                f"norms_all and e_all must be 2-D of one shape (M, N), got {G.shape}, {E.shape}"
            )
        res = np.array(
            [
                sample_steering(g, ee, low_frac)
                if np.all(np.isfinite(g)) and np.all(np.isfinite(ee))
                else (NAN, NAN, NAN)  # a point with non-finite values passes no check
                for g, ee in zip(G, E, strict=True)
            ]
        )
        both = (res[:, 0] > 0) & (res[:, 1] < 0.01) & (res[:, 2] < float(share_max))
        all_txt = f"{both.mean():.0%} of the {G.shape[0]} unique critical points pass both checks"
    else:
        both = None
        all_txt = "not computed (check_all = False)"
    ok_rho = bool(rho > 0 and p < 0.01)
    ok_share = bool(share < float(share_max))

    def yes(ok):
        return "holds" if ok else "does not hold"

    def alpha_at(a):
        return p, yes(rho > 0 and p < a)

    def share_max_at(m):
        return share, yes(share < m)

    def low_frac_at(f):
        sh = sample_steering(norms, e, f)[2]
        return sh, yes(sh < float(share_max))

    where = f"critical point of seed {seed}"
    sts = [
        statement(
            "hsr-fig04-monotone",
            "the closer [e_i] is to 0, that is, the closer [p_i] is to [y_i], the smaller the "
            "gradient norm becomes",
            yes(ok_rho),
            f"{where}: Spearman rho(|e|, norm) = {rho:.3f} (p = {p:.2g}); {all_txt}",
            "Spearman rho(|e_i|, contribution norm) > 0 with p < 0.01: holds, else does not hold",
            "the closer e_i is to 0, the smaller the sample's gradient norm (one trained network)",
            series("Spearman alpha", ALPHAS, 0.01, alpha_at),
        ),
        statement(
            "hsr-fig04-no-influence",
            "data samples that can be correctly estimated with high confidence do not "
            "influence the direction toward a flat minimum",
            yes(ok_share),
            f"{where}: the {low_frac:.0%} smallest |e_i| carry {share:.2%} of the summed norms",
            f"the {low_frac:.0%} of the samples with the smallest |e_i| carry < "
            f"{share_max:.0%} of the summed contribution norms: holds, else does not hold",
            "samples estimated with confidence do not influence the direction",
            series("share_max", (0.005, 0.01, 0.02, 0.05, 0.1), share_max, share_max_at)
            + series("low_frac", (0.05, 0.1, 0.2, 0.3), low_frac, low_frac_at),
        ),
    ]
    claim = row(
        "hsr-fig04",
        "Fig. 4",
        "samples predicted with confidence (e_i near 0) do not steer the direction (Proposition 1)",
        "the closer e_i is to 0, the smaller the sample's gradient norm (one trained network)",
        sts,
        QUOTES,
        READINGS,
    )
    values = dict(
        rho=rho, p=p, share=share, ok_rho=ok_rho, ok_share=ok_share, all_txt=all_txt, both=both
    )
    return Outcome(claim, values)

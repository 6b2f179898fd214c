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
    Claim,
    Outcome,
    Quote,
)
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import ALPHAS, NAN, quoted

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
    "hsr-fig04": "'The closer e_i is to 0, the smaller the gradient norm becomes' is a monotone "
    "relation, read as a positive Spearman rank correlation between |e_i| and the norm of "
    "sample i's contribution to grad lambda_WS (p < 0.01); 'do not influence the direction' is "
    "read as: the 10% of samples closest to their labels carry less than 1% of the summed "
    "norms. Both at one trained network, as in the paper (a critical point of the Section VI "
    "sweep).",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


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

    Test: (a) Spearman rho(|e_i|, norm) > 0 with p < 0.01, (b) the ``low_frac`` samples with
    the smallest |e_i| carry < ``share_max`` of the summed norms: both holds, one partly.
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
    verdict = _frac((ok_rho + ok_share) / 2, holds_at=1.0, partly_at=0.5)
    claim = Claim(
        id="hsr-fig04",
        paper="HSR",
        figure="Fig. 4",
        claim=(
            "samples predicted with confidence (e_i near 0) do not steer the direction "
            "(Proposition 1)"
        ),
        paper_reports=(
            "the closer e_i is to 0, the smaller the sample's gradient norm (one trained network)"
        ),
        measured=(
            f"critical point of seed {seed}: Spearman rho(|e|, norm) = "
            f"{rho:.3f} (p = {p:.2g}); the {low_frac:.0%} smallest |e_i| carry {share:.2%} "
            f"of the summed norms; {all_txt}"
        ),
        test=(
            f"Spearman rho > 0 with p < 0.01, and the {low_frac:.0%} smallest |e_i| carry < "
            f"{share_max:.0%}: both holds, one partly"
        ),
        verdict=verdict,
    )
    values = dict(
        rho=rho, p=p, share=share, ok_rho=ok_rho, ok_share=ok_share, all_txt=all_txt, both=both
    )

    def verdict_of(ok_a, ok_b):
        return _frac((bool(ok_a) + bool(ok_b)) / 2, holds_at=1.0, partly_at=0.5)

    def alpha_at(a):
        return p, verdict_of(rho > 0 and p < a, ok_share)

    def share_max_at(m):
        return share, verdict_of(ok_rho, share < m)

    def low_frac_at(f):
        sh = sample_steering(norms, e, f)[2]
        return sh, verdict_of(ok_rho, sh < float(share_max))

    sensitivity = (
        series("Spearman alpha", ALPHAS, 0.01, alpha_at)
        + series("share_max", (0.005, 0.01, 0.02, 0.05, 0.1), share_max, share_max_at)
        + series("low_frac", (0.05, 0.1, 0.2, 0.3), low_frac, low_frac_at)
    )
    return Outcome(_quoted(claim, sensitivity), values)

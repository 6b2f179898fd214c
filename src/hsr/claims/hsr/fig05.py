"""HSR Fig. 5, "aligned inputs enlarge it; strongly for linear, weakly for sigmoid": the test of
ledger row ``hsr-fig05``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

from ...core._checks import (
    finite_vector,
    real_array,
)
from ...experiments.stats import spearman_or_nan
from ..ledger import (
    Claim,
    Outcome,
    Quote,
)
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import ALPHAS, quoted

__all__ = ["QUOTES", "READINGS", "hsr_fig05"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "hsr-fig05": Quote(
        "HSR",
        "Section V-B",
        "As can be seen from the figure, training data with a higher inner product leads to"
        " a larger gradient norm of the squared Hessian trace. In light of Eq. (2), this "
        "implies that pairs of similar training data samples exert a strong influence in "
        "the direction that reduces the standard deviation of the eigenspectrum. However, "
        "the scaling effect due to the inner product is large for linear activation and "
        "small for sigmoid activation.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig05": "'Training data with a higher inner product leads to a larger gradient norm' is "
    "read as a monotone rise of the mean norm of grad tr(H^2) over random networks with the "
    "input covariance (Spearman rho > 0, p < 0.01), for each activation; 'large for linear "
    "activation and small for sigmoid activation' as a larger relative increase over the "
    "covariance grid for linear than for sigmoid. The mean over networks, because the paper's "
    "figure shows one curve per activation.",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


# ----- HSR Fig. 5: aligned inputs ---------------------------------------------------------------
def hsr_fig05(
    cov, norms_ref, norms_act, reference: str = "linear", activation: str = "sigmoid"
) -> Outcome:
    """HSR Fig. 5, "aligned inputs enlarge it; strongly for linear, weakly for sigmoid", from
    the norms of grad tr(H^2) of a batch of random networks at each input covariance:
    ``cov (C,)``, ``norms_ref (C, R)`` for the ``reference`` activation (linear),
    ``norms_act (C, R)`` for ``activation`` (sigmoid).

    Three checks on the mean norm over the networks (the curves): Spearman rho(cov, mean) > 0
    with p < 0.01 for the reference activation, the same for ``activation``, and a larger
    relative increase from the first to the last covariance for the reference: all three
    holds, two partly (:func:`hsr.claims.verdict_from_fraction`, partly at 0.6)."""
    covs = finite_vector("cov", cov, 1)
    arrays = {}
    for name, v in (("norms_ref", norms_ref), ("norms_act", norms_act)):
        a = real_array(name, v)
        if a.ndim != 2 or a.shape[0] != covs.size or a.shape[1] < 1:
            raise ValueError(f"{name} must be 2-D (len(cov), networks), got shape {a.shape}")
        arrays[name] = a

    def trend(norms):
        m = norms.mean(axis=1)
        rho, p = spearman_or_nan(covs, m)
        return rho, p, float(m[-1] / m[0] - 1)

    (rho_l, p_l, inc_l) = trend(arrays["norms_ref"])
    (rho_s, p_s, inc_s) = trend(arrays["norms_act"])
    checks = [rho_l > 0 and p_l < 0.01, rho_s > 0 and p_s < 0.01, inc_l > inc_s]
    n_ok = int(sum(map(bool, checks)))
    verdict = _frac(n_ok / 3, holds_at=1.0, partly_at=0.6)
    claim = Claim(
        id="hsr-fig05",
        paper="HSR",
        figure="Fig. 5",
        claim="aligned inputs enlarge it; strongly for linear, weakly for sigmoid",
        paper_reports=(
            "a higher inner product of the training data gives a larger norm of grad "
            "tr(H^2); the effect is large for linear and small for sigmoid activation"
        ),
        measured=(
            f"mean norm over {arrays['norms_act'].shape[1]} networks, cov {covs[0]:g} -> "
            f"{covs[-1]:g}: {reference} {inc_l:+.0%} (Spearman rho {rho_l:.2f}, "
            f"p = {p_l:.2g}), {activation} {inc_s:+.0%} (rho {rho_s:.2f}, p = {p_s:.2g})"
        ),
        test=(
            "Spearman rho(cov, mean norm) > 0 at p < 0.01 for both activations, and a larger "
            "relative increase for linear: all three holds, two partly"
        ),
        verdict=verdict,
    )
    values = dict(ref=(rho_l, p_l, inc_l), act=(rho_s, p_s, inc_s), checks=checks, n_ok=n_ok)

    def alpha_at(a):
        n = int(bool(rho_l > 0 and p_l < a)) + int(bool(rho_s > 0 and p_s < a)) + int(inc_l > inc_s)
        return n, _frac(n / 3, holds_at=1.0, partly_at=0.6)

    sensitivity = series("Spearman alpha", ALPHAS, 0.01, alpha_at)
    return Outcome(_quoted(claim, sensitivity), values)

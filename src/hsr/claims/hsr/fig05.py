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
    Outcome,
    Quote,
)
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import ALPHAS, row, statement, uncheckable

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
    "hsr-fig05": "Two statements of observation and an interpretation. 'Training data with a "
    "higher inner product leads to a larger gradient norm' is read as a monotone rise of the "
    "mean norm of grad tr(H^2) over random networks with the input covariance (Spearman rho > "
    "0, p < 0.01), in each panel (both activations: holds; one: partly); 'the scaling effect "
    "due to the inner product is large for linear activation and small for sigmoid "
    "activation' as a larger relative increase over the covariance grid for linear than for "
    "sigmoid. The mean over networks, because the paper's figure shows one curve per "
    "activation. That similar pairs therefore 'exert a strong influence in the direction that "
    "reduces the standard deviation' is the paper's interpretation through Eq. (2), not a "
    "further measurement. The book first combined the three checks under one rule (all: "
    "holds; two: partly); that reading is kept beside the statements.",
}


def hsr_fig05(
    cov, norms_ref, norms_act, reference: str = "linear", activation: str = "sigmoid"
) -> Outcome:
    """HSR Fig. 5, "aligned inputs enlarge it; strongly for linear, weakly for sigmoid", from
    the norms of grad tr(H^2) of a batch of random networks at each input covariance:
    ``cov (C,)``, ``norms_ref (C, R)`` for the ``reference`` activation (linear),
    ``norms_act (C, R)`` for ``activation`` (sigmoid).

    Statements, on the mean norm over the networks (the curves; the row their combination):

    - ``hsr-fig05-larger``: Spearman rho(cov, mean) > 0 with p < 0.01, for each activation:
      both holds, one partly, none does not hold;
    - ``hsr-fig05-linear-more``: a larger relative increase from the first to the last
      covariance for the reference activation: holds, else does not hold;
    - ``hsr-fig05-influence``: the interpretation through Eq. (2): not checkable."""
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

    def larger_at(a):
        n = int(bool(rho_l > 0 and p_l < a)) + int(bool(rho_s > 0 and p_s < a))
        return n, _frac(n / 2, holds_at=1.0, partly_at=0.5)

    n_R = arrays["norms_act"].shape[1]
    sts = [
        statement(
            "hsr-fig05-larger",
            "training data with a higher inner product leads to a larger gradient norm of the "
            "squared Hessian trace",
            larger_at(0.01)[1],
            f"mean norm over {n_R} networks, cov {covs[0]:g} -> {covs[-1]:g}: {reference} "
            f"Spearman rho {rho_l:.2f} (p = {p_l:.2g}), {activation} rho {rho_s:.2f} "
            f"(p = {p_s:.2g})",
            "Spearman rho(cov, mean norm) > 0 at p < 0.01, for each activation: both holds, one "
            "partly, none does not hold",
            "a higher inner product of the training data gives a larger norm of grad tr(H^2)",
            series("Spearman alpha", ALPHAS, 0.01, larger_at),
        ),
        uncheckable(
            "hsr-fig05-influence",
            "In light of Eq. (2), this implies that pairs of similar training data samples "
            "exert a strong influence in the direction that reduces the standard deviation of "
            "the eigenspectrum",
            "an interpretation of the rise through Eq. (2), not a further observation: the "
            "figure measures norms, not which pairs of samples steer the direction",
        ),
        statement(
            "hsr-fig05-linear-more",
            "the scaling effect due to the inner product is large for linear activation and "
            "small for sigmoid activation",
            "holds" if inc_l > inc_s else "does not hold",
            f"relative increase of the mean norm from cov {covs[0]:g} to {covs[-1]:g}: "
            f"{reference} {inc_l:+.0%}, {activation} {inc_s:+.0%}",
            f"the relative increase larger for {reference} than for {activation}: holds, else "
            "does not hold",
            "the effect is large for linear and small for sigmoid activation",
        ),
    ]
    old = _frac(n_ok / 3, holds_at=1.0, partly_at=0.6)
    earlier = (
        dict(
            test="three checks under one rule (Spearman rho > 0 at p < 0.01 for each "
            "activation; a larger relative increase for linear): all three holds, two partly "
            "(the reading published first)",
            measured=f"{n_ok} of 3 checks pass",
            verdict=old,
        ),
    )
    claim = row(
        "hsr-fig05",
        "Fig. 5",
        "aligned inputs enlarge it; strongly for linear, weakly for sigmoid",
        "a higher inner product of the training data gives a larger norm of grad tr(H^2); the "
        "effect is large for linear and small for sigmoid activation",
        sts,
        QUOTES,
        READINGS,
        earlier,
    )
    values = dict(
        ref=(rho_l, p_l, inc_l),
        act=(rho_s, p_s, inc_s),
        checks=checks,
        n_ok=n_ok,
        verdict_earlier=old,
    )
    return Outcome(claim, values)

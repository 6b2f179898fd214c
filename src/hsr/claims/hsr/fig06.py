"""HSR Fig. 6, "the spread term dominates": the test of ledger row ``hsr-fig06``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    same_length,
)
from ..ledger import (
    Claim,
    Outcome,
    Quote,
)
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import NAN, quoted

__all__ = ["QUOTES", "READINGS", "hsr_fig06"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "hsr-fig06": Quote(
        "HSR",
        "Section V-C",
        "Therefore, it is expected that the direction toward flat minima, , is strongly "
        "influenced by the direction that reduces the standard deviation of the "
        "eigenspectrum rather than its mean. To verify whether this hypothesis is correct, "
        "we calculated the norms of and using multiple randomly generated initial "
        "parameters. The results are shown in Fig. 6. As can be seen from the figure, as "
        "expected, it can be determined that the norm of is larger than that of .",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig06": "'The norm of [the spread term] is larger than that of [the mean term]' (the "
    "symbols are blank in the extracted text: sqrt(n-1) grad s and grad m of Theorem 1) over "
    "'multiple randomly generated initial parameters' is read as a share: the spread term's "
    "norm exceeds the mean term's at >= 95% of random initial parameters drawn as the sweep's "
    "(>= 50%: partly).",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


# ----- HSR Fig. 6: mean and spread terms -------------------------------------------------------
def hsr_fig06(mean_norm, spread_norm) -> Outcome:
    """HSR Fig. 6, "the spread term dominates", from the norms of the mean term grad m
    (``mean_norm (R,)``) and of the spread term sqrt(n-1) grad s (``spread_norm (R,)``) of
    grad lambda_WS (HSR Theorem 1) at ``R`` random initial parameters.

    Test: the share of the networks with spread > mean: >= 95% holds, >= 50% partly."""
    n_mean = finite_vector("mean_norm", mean_norm, 1)
    n_spread = finite_vector("spread_norm", spread_norm, 1)
    same_length(mean_norm=n_mean, spread_norm=n_spread)
    if np.any(n_mean < 0) or np.any(n_spread < 0):
        raise ValueError("mean_norm and spread_norm must hold norms (>= 0)")
    ratio = n_spread / np.where(n_mean > 0, n_mean, np.nan)
    frac = float(np.mean(n_spread > n_mean))
    verdict = _frac(frac)
    med_ratio = float(np.nanmedian(ratio)) if np.any(n_mean > 0) else NAN
    claim = Claim(
        id="hsr-fig06",
        paper="HSR",
        figure="Fig. 6",
        claim="the spread term dominates",
        paper_reports="the norm of sqrt(n-1) grad s is larger than that of grad m over random "
        "initial parameters",
        measured=(
            f"spread term larger at {frac:.1%} of {n_mean.size} random initial parameters; "
            f"median ratio {med_ratio:.3g}"
        ),
        test="share of networks with |spread| > |mean|: >= 95% holds, >= 50% partly",
        verdict=verdict,
    )
    values = dict(
        frac=frac,
        ratio=ratio,
        med_ratio=med_ratio,
        med_mean=float(np.median(n_mean)),
        med_spread=float(np.median(n_spread)),
    )
    sensitivity = series(
        "share for holds", (0.8, 0.9, 0.95, 0.99), 0.95, lambda h: (frac, _frac(frac, holds_at=h))
    )
    return Outcome(_quoted(claim, sensitivity), values)

"""HSR Fig. 6, "the spread term dominates": the test of ledger row ``hsr-fig06``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    real_array,
    same_length,
)
from ..ledger import (
    Outcome,
    Quote,
)
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import NAN, row, statement

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
    "hsr-fig06": "Two statements: the paper's hypothesis and the observation it verifies it with "
    "(the symbols are blank in the extracted text: the spread term sqrt(n-1) grad s and the "
    "mean term grad m of Theorem 1, over 'multiple randomly generated initial parameters', "
    "drawn as the sweep's). 'The norm of [the spread term] is larger than that of [the mean "
    "term]' is read as a share: the spread term's norm exceeds the mean term's at >= 95% of "
    "the networks (>= 50%: partly). The hypothesis, 'the direction toward flat minima is "
    "strongly influenced by the direction that reduces the standard deviation of the "
    "eigenspectrum rather than its mean', is read on the direction itself: grad lambda_WS "
    "makes a smaller angle with the spread term than with the mean term, at >= 95% of the "
    "networks (>= 50%: partly). The two agree by an identity, cos(g, s) - cos(g, m) = (‖s‖ - "
    "‖m‖)(1 - cos(m, s)) / ‖g‖ for g = m + s: a sum points closer to its longer term, so the "
    "paper's check of the norms is a check of its hypothesis, as the paper says.",
}


def hsr_fig06(mean_norm, spread_norm, mean_term=None, spread_term=None) -> Outcome:
    """HSR Fig. 6, "the spread term dominates", from the norms of the mean term grad m
    (``mean_norm (R,)``) and of the spread term sqrt(n-1) grad s (``spread_norm (R,)``) of
    grad lambda_WS (HSR Theorem 1) at ``R`` random initial parameters, and the terms
    themselves (``mean_term``, ``spread_term``: ``(R, n)``; optional).

    Two statements (:func:`hsr.claims.combine_verdicts` makes the row):

    - ``hsr-fig06-direction`` (the hypothesis): the share of the networks at which grad
      lambda_WS = mean term + spread term is closer in angle to the spread term than to the
      mean term: >= 95% holds, >= 50% partly; from the terms' cosines, or without the terms
      from the norms by the identity of :data:`READINGS`;
    - ``hsr-fig06-larger``: the share of the networks with |spread| > |mean|: >= 95% holds,
      >= 50% partly."""
    n_mean = finite_vector("mean_norm", mean_norm, 1)
    n_spread = finite_vector("spread_norm", spread_norm, 1)
    same_length(mean_norm=n_mean, spread_norm=n_spread)
    if np.any(n_mean < 0) or np.any(n_spread < 0):
        raise ValueError("mean_norm and spread_norm must hold norms (>= 0)")
    if (mean_term is None) != (spread_term is None):
        raise ValueError("mean_term and spread_term must be given together")
    ratio = n_spread / np.where(n_mean > 0, n_mean, np.nan)
    frac = float(np.mean(n_spread > n_mean))
    med_ratio = float(np.nanmedian(ratio)) if np.any(n_mean > 0) else NAN
    if mean_term is not None:
        mt, stm = real_array("mean_term", mean_term), real_array("spread_term", spread_term)
        if mt.ndim != 2 or mt.shape != stm.shape or mt.shape[0] != n_mean.size:
            raise ValueError(
                f"mean_term and spread_term must be of one shape ({n_mean.size}, n), got "
                f"{mt.shape} and {stm.shape}"
            )
        g = mt + stm
        with np.errstate(divide="ignore", invalid="ignore"):
            gn = np.linalg.norm(g, axis=1)
            cos_s = np.einsum("ij,ij->i", g, stm) / (gn * np.linalg.norm(stm, axis=1))
            cos_m = np.einsum("ij,ij->i", g, mt) / (gn * np.linalg.norm(mt, axis=1))
        closer = cos_s > cos_m
        how = "from the cosines of grad lambda_WS with each term"
        med_cos = float(np.nanmedian(cos_s)) if np.any(np.isfinite(cos_s)) else NAN
        cos_text = f"; median cos(grad lambda_WS, spread term) = {med_cos:.3g}"
    else:
        closer = n_spread > n_mean  # the identity: the sum points closer to its longer term
        how = "from the norms, by the identity cos(g, s) - cos(g, m) ~ ‖s‖ - ‖m‖"
        med_cos, cos_text = NAN, ""
    frac_dir = float(np.mean(closer))
    holds_grid = (0.8, 0.9, 0.95, 0.99)
    sts = [
        statement(
            "hsr-fig06-direction",
            "the direction toward flat minima, [grad lambda_WS], is strongly influenced by the "
            "direction that reduces the standard deviation of the eigenspectrum rather than "
            "its mean",
            _frac(frac_dir),
            f"grad lambda_WS closer in angle to the spread term than to the mean term at "
            f"{frac_dir:.1%} of {n_mean.size} random initial parameters ({how}){cos_text}",
            "share of networks at which grad lambda_WS makes a smaller angle with the spread "
            "term than with the mean term: >= 95% holds, >= 50% partly",
            "the direction toward flat minima is driven by the spread term (the hypothesis the "
            "figure verifies)",
            series(
                "share for holds",
                holds_grid,
                0.95,
                lambda h: (frac_dir, _frac(frac_dir, holds_at=h)),
            ),
        ),
        statement(
            "hsr-fig06-larger",
            "the norm of [sqrt(n-1) grad s] is larger than that of [grad m]",
            _frac(frac),
            f"spread term larger at {frac:.1%} of {n_mean.size} random initial parameters; "
            f"median ratio {med_ratio:.3g}",
            "share of networks with |spread| > |mean|: >= 95% holds, >= 50% partly",
            "the norm of sqrt(n-1) grad s is larger than that of grad m over random initial "
            "parameters",
            series("share for holds", holds_grid, 0.95, lambda h: (frac, _frac(frac, holds_at=h))),
        ),
    ]
    claim = row(
        "hsr-fig06",
        "Fig. 6",
        "the spread term dominates",
        "the norm of sqrt(n-1) grad s is larger than that of grad m over random initial "
        "parameters, as the hypothesis (the direction is driven by the spread term) predicts",
        sts,
        QUOTES,
        READINGS,
    )
    values = dict(
        frac=frac,
        frac_direction=frac_dir,
        median_cos_spread=med_cos,
        ratio=ratio,
        med_ratio=med_ratio,
        med_mean=float(np.median(n_mean)),
        med_spread=float(np.median(n_spread)),
    )
    return Outcome(claim, values)

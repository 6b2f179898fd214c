"""WS Fig. 12, "less orthogonal hidden data raises the lower envelope": the test of ledger row
``ws-fig12``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    positive,
    same_length,
)
from ...experiments.stats import spearman_or_nan
from ..ledger import Outcome, Quote, fmt
from ..sensitivity import series
from ._shared import NAN, row, statement

__all__ = ["QUOTES", "READINGS", "ws_fig12"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig12": Quote(
        "WS",
        "Section VI",
        "Accordingly, we used the critical points obtained in Appendix C to verify whether a "
        "lower degree of orthogonality among the hidden layer data leads to an increase in . "
        "These results are shown in Figure 12, where the left part shows a scatter plot of all "
        "critical points and the right part provides an enlarged view of the lower region. From "
        "this figure, it can be observed that as increases, the lower bound of also rises.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig12": '"The lower bound of [lambda_WS] also rises" is about the envelope, not the '
    "cloud: the minimum of lambda_WS in equal-count bins of the Gram norm must rise with the "
    "bins' position, nearly monotonically (Spearman rho >= 0.7).",
}


def _envelope_rule(bins, centre, envelope, holds_at=0.7):
    """(rho, verdict) of WS Fig. 12's test for given bins and their lower envelope."""
    rho, _ = spearman_or_nan(centre, envelope)
    if len(bins) < 3 or not np.isfinite(rho):
        return rho, "does not hold"
    return rho, "holds" if rho >= holds_at else "partly" if rho > 0 else "does not hold"


def ws_fig12(ws_upper, gram_norm, n_bins: int = 10) -> Outcome:
    """WS Fig. 12, "less orthogonal hidden data raises the lower envelope", from per unique
    critical point (``(M,)``): ``ws_upper`` and ``gram_norm`` = |A~ A~^T|_F of the hidden
    outputs with the 1 prepended. The points are split into ``n_bins`` equal-count bins of
    the Gram norm (stable sort; fewer bins when M < ``n_bins``); the lower envelope is each
    bin's smallest lambda_WS, placed at the bin's median Gram norm.

    Test: Spearman rho(bin centre, bin minimum) >= 0.7 holds, > 0 partly, else (or with
    fewer than 3 bins) does not hold."""
    ws, gram = finite_vector("ws_upper", ws_upper), finite_vector("gram_norm", gram_norm)
    same_length(ws_upper=ws, gram_norm=gram)
    positive("n_bins", n_bins, integer=True)
    M = ws.size
    order = np.argsort(gram, kind="stable")

    def binned(k):
        bs = [b for b in np.array_split(order, min(int(k), M)) if b.size] if M else []
        return bs, np.array([np.median(gram[b]) for b in bs]), np.array([ws[b].min() for b in bs])

    bins, centre, envelope = binned(n_bins)
    edges = [(gram[b].min(), gram[b].max()) for b in bins]
    rho_env, p_env = spearman_or_nan(centre, envelope)
    rho_all, p_all = spearman_or_nan(gram, ws)
    if len(bins) < 3 or not np.isfinite(rho_env):
        verdict = "does not hold"
        note = f"Only {len(bins)} bin(s) of Gram norms in this run: too few to test."
    else:
        verdict = "holds" if rho_env >= 0.7 else "partly" if rho_env > 0 else "does not hold"
        note = ""
    first = float(envelope[0]) if len(bins) else NAN
    last = float(envelope[-1]) if len(bins) else NAN
    st = statement(
        "ws-fig12",
        "it can be observed that as [the Frobenius norm of the hidden-output Gram matrix] "
        "increases, the lower bound of [lambda_WS] also rises",
        verdict,
        f"{len(bins)} bins; bin minimum of lambda_WS from {fmt(first)} to "
        f"{fmt(last)}; Spearman rho(bin centre, bin minimum) = {fmt(rho_env, 2)}; rho over "
        f"all {M} points = {fmt(rho_all, 2)}",
        "points split into n_bins equal-count bins of the hidden Gram norm; Spearman rho "
        "between each bin's median Gram norm and its minimum lambda_WS: holds if rho >= 0.7, "
        "partly if rho > 0, else does not hold (also with fewer than 3 bins)",
        "as the Frobenius norm of the hidden-output Gram matrix increases, the "
        "lower bound (envelope) of lambda_WS over the critical points rises (scatter and zoom, "
        "no number)",
        series("n_bins", (5, 8, 15, 20), int(n_bins), lambda k: _envelope_rule(*binned(k)))
        + series(
            "rho above which the envelope rises",
            (0.5, 0.6, 0.8, 0.9),
            0.7,
            lambda v: _envelope_rule(bins, centre, envelope, v),
        ),
    )
    claim = row(
        "ws-fig12",
        "Fig. 12",
        "less orthogonal hidden data raises the lower envelope",
        st.paper_reports,
        [st],
        QUOTES,
        READINGS,
    )
    values = dict(
        bins=bins,
        centre=centre,
        envelope=envelope,
        edges=edges,
        rho_env=rho_env,
        p_env=p_env,
        rho_all=rho_all,
        p_all=p_all,
        env_first=first,
        env_last=last,
        note=note,
    )
    return Outcome(claim, values)

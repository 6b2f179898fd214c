"""WS Fig. 11, "hidden width raises the bound; significant at 1%": the test of ledger row ``ws-
fig11``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

from ...core._checks import (
    finite_vector,
)
from ...experiments.stats import mann_whitney
from ..ledger import Outcome, Quote, fmt
from ..ledger import verdict_from_pvalue as _pval
from ..sensitivity import series
from ._shared import NAN, row, statement

__all__ = ["QUOTES", "READINGS", "ws_fig11"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig11": Quote(
        "WS",
        "Section VI",
        "Furthermore, Eq. (22) reveals that the dimensionality of the hidden layer, , "
        "contributes to an increase in the upper bound of the trace. Therefore, we compared the "
        "upper bounds of the maximum eigenvalue at the critical points for and . This result is "
        "shown in Figure 11. A comparison of the upper bounds between the two groups using a "
        "two-sided Mann-Whitney U test revealed a significant difference at the 1% level.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig11": "Two statements. The paper's own test: a two-sided Mann-Whitney U test of "
    "lambda_WS at the unique critical points of d_h = 3 and d_h = 10, significant at the 1% "
    "level, as the sentence states it, without a direction. The direction comes from the "
    "sentence that motivates the comparison (Eq. (22): the hidden width raises the bound of "
    "the trace), read at the critical points as the wider network having the higher lambda_WS "
    "(the probability that a wide point lies above a narrow one, from the U statistic, above "
    "1/2). The book's earlier reading was one rule, the test at 1% in that direction; it is "
    "kept as the earlier reading.",
}


def ws_fig11(ws_narrow, ws_wide, d_narrow: int = 3, d_wide: int = 10) -> Outcome:
    """WS Fig. 11, "hidden width raises the bound; significant at 1%": lambda_WS at the
    unique critical points of the ``d_wide`` sweep (``ws_wide (M2,)``) against the
    ``d_narrow`` sweep (``ws_narrow (M1,)``). Two statements:

    - higher: U_wide / (n_wide n_narrow) > 1/2 (the wider network's lambda_WS the higher):
      holds, else does not hold;
    - difference: two-sided Mann-Whitney U p < 0.01: holds; p < 0.05: partly.

    Fewer than 2 points in a sweep: neither holds."""
    a, b = finite_vector("ws_narrow", ws_narrow), finite_vector("ws_wide", ws_wide)
    enough = a.size >= 2 and b.size >= 2
    mw = mann_whitney(b, a) if a.size and b.size else None
    cles = mw.statistic / (mw.n_a * mw.n_b) if mw else NAN  # P(wide > narrow), ties half
    p = mw.pvalue if mw else NAN

    def diff_at(alpha=0.01):
        return p, _pval(p, alpha=alpha, partly_alpha=max(alpha, 0.05)) if enough else (
            "does not hold"
        )

    def higher_at(half=0.5):
        return cles, "holds" if enough and cles > half else "does not hold"

    if not enough:
        m_diff = m_higher = f"{a.size} and {b.size} unique points: too few to test"
    else:
        m_higher = (
            f"median lambda_WS {fmt(mw.median_b)} (d_h = {d_narrow}, {a.size} points) vs "
            f"{fmt(mw.median_a)} (d_h = {d_wide}, {b.size} points); P(wide > narrow) = "
            f"{fmt(cles)}"
        )
        m_diff = f"two-sided Mann-Whitney p = {fmt(mw.pvalue, 2)}"
    statements = [
        statement(
            "ws-fig11-higher",
            "the dimensionality of the hidden layer, [d_h], contributes to an increase in the "
            "upper bound",
            higher_at()[1],
            m_higher,
            f"holds if lambda_WS at the d_h = {d_wide} critical points lies above the d_h = "
            f"{d_narrow} ones more often than not (U_wide / (n_wide n_narrow) > 1/2, ties "
            "half), else (or with fewer than 2 points in a sweep) does not hold",
            "lambda_WS at the critical points higher for d_h = 10 (420 unique points) than for "
            "d_h = 3 (353)",
            series(
                "P(wide > narrow) above which the wider network is higher",
                (0.55, 0.6, 0.7),
                0.5,
                higher_at,
            ),
        ),
        statement(
            "ws-fig11-difference",
            "A comparison of the upper bounds between the two groups using a two-sided "
            "Mann-Whitney U test revealed a significant difference at the 1% level",
            diff_at()[1],
            m_diff,
            "two-sided Mann-Whitney U test of lambda_WS, d_h = 10 vs d_h = 3 unique critical "
            "points: holds if p < 0.01, partly if p < 0.05, else (or with fewer than 2 points "
            "in a sweep) does not hold",
            "two-sided Mann-Whitney U significant at the 1% level",
            series("significance level alpha", (0.001, 0.005, 0.05), 0.01, diff_at),
        ),
    ]
    old = _pval(p, alpha=0.01, direction_ok=cles > 0.5) if enough else "does not hold"
    earlier = (
        dict(
            test="two-sided Mann-Whitney U test of lambda_WS, d_h = 10 vs d_h = 3 unique "
            "critical points: holds if p < 0.01 and the wide network is higher (U_wide / "
            "(n_wide n_narrow) > 0.5), partly if p < 0.05 in that direction, else does not hold "
            "(one rule for the passage)",
            measured=f"{m_higher}; {m_diff}" if enough else m_diff,
            verdict=old,
        ),
    )
    claim = row(
        "ws-fig11",
        "Fig. 11",
        "hidden width raises the bound; significant at 1%",
        "lambda_WS at the critical points higher for d_h = 10 (420 unique "
        "points) than for d_h = 3 (353); two-sided Mann-Whitney U significant at the 1% level",
        statements,
        QUOTES,
        READINGS,
        earlier,
    )
    if not enough:
        note = (
            f"Too few unique points to compare ({a.size} and {b.size}): the test needs 2 in "
            "each sweep."
        )
    else:
        note = "" if cles > 0.5 else "In this run the wider network does not have the higher bound."
    values = dict(enough=enough, mw=mw, cles=cles, p=p, note=note, verdict_earlier=old)
    return Outcome(claim, values)

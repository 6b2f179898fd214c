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
from ..ledger import Claim, Outcome, Quote, fmt
from ..ledger import verdict_from_pvalue as _pval
from ..sensitivity import series
from ._shared import NAN, quoted

__all__ = ["QUOTES", "READINGS", "ws_fig11"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig11": Quote(
        "WS",
        "Section VI",
        "A comparison of the upper bounds between the two groups using a two-sided Mann-Whitney "
        "U test revealed a significant difference at the 1% level.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig11": "The paper's own test: a two-sided Mann-Whitney U test at the 1% level, with the "
    "wider network the higher (Eq. (22): the width raises the bound), read from the direction "
    "of the U statistic.",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


def ws_fig11(ws_narrow, ws_wide, d_narrow: int = 3, d_wide: int = 10) -> Outcome:
    """WS Fig. 11, "hidden width raises the bound; significant at 1%": lambda_WS at the
    unique critical points of the ``d_wide`` sweep (``ws_wide (M2,)``) against the
    ``d_narrow`` sweep (``ws_narrow (M1,)``).

    Test: two-sided Mann-Whitney U; holds if p < 0.01 and the wide network is higher
    (U_wide / (n_wide n_narrow) > 0.5), partly if p < 0.05 in that direction, else does not
    hold (also with fewer than 2 points in a sweep)."""
    a, b = finite_vector("ws_narrow", ws_narrow), finite_vector("ws_wide", ws_wide)
    enough = a.size >= 2 and b.size >= 2
    mw = mann_whitney(b, a) if a.size and b.size else None
    cles = mw.statistic / (mw.n_a * mw.n_b) if mw else NAN  # P(wide > narrow), ties half
    if not enough:
        verdict = "does not hold"
        measured = f"{a.size} and {b.size} unique points: too few to test"
    else:
        verdict = _pval(mw.pvalue, alpha=0.01, direction_ok=cles > 0.5)
        measured = (
            f"median lambda_WS {fmt(mw.median_b)} (d_h = {d_narrow}, {a.size} points) vs "
            f"{fmt(mw.median_a)} (d_h = {d_wide}, {b.size} points); two-sided Mann-Whitney "
            f"p = {fmt(mw.pvalue, 2)}, P(wide > narrow) = {fmt(cles)}"
        )
    claim = Claim(
        id="ws-fig11",
        paper="WS",
        figure="Fig. 11",
        claim="hidden width raises the bound; significant at 1%",
        paper_reports="lambda_WS at the critical points higher for d_h = 10 (420 unique "
        "points) than for d_h = 3 (353); two-sided Mann-Whitney U significant at the 1% level",
        measured=measured,
        test="two-sided Mann-Whitney U test of lambda_WS, d_h = 10 vs d_h = 3 unique critical "
        "points: holds if p < 0.01 and the wide network is higher (U_wide / (n_wide n_narrow) "
        "> 0.5), partly if p < 0.05 in that direction, else does not hold (also with fewer "
        "than 2 points in a sweep)",
        verdict=verdict,
    )
    if not enough:
        note = (
            f"Too few unique points to compare ({a.size} and {b.size}): the test needs 2 in "
            "each sweep."
        )
    else:
        note = "" if cles > 0.5 else "In this run the wider network does not have the higher bound."
    values = dict(enough=enough, mw=mw, cles=cles, p=mw.pvalue if mw else NAN, note=note)
    p = values["p"]
    sens = series(
        "significance level alpha",
        (0.001, 0.005, 0.05),
        0.01,
        lambda a: (p, _pval(p, alpha=a, direction_ok=cles > 0.5) if enough else "does not hold"),
    )
    return Outcome(_quoted(claim, sens), values)

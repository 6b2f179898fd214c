"""WS Fig. 5, "two kinds of dynamics; the bound tracks lambda_max": the test of ledger row ``ws-
fig05``.

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
from ..ledger import Claim, Outcome, Quote, combine_verdicts, fmt, merge_claims
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import NAN, NO_POINT, quoted

__all__ = ["QUOTES", "READINGS", "ws_fig05"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig05": Quote(
        "WS",
        "Section IV-C",
        "These results reveal two distinct types of learning dynamics: one in which the loss "
        "decreases while increases, and another in which the loss decreases without an "
        "increase in . Furthermore, it can be confirmed that the analytical upper bound derived "
        "in Theorem 1 closely tracks the maximum eigenvalue , which can only be determined "
        "numerically.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig05": '"Two distinct types" is read from the sentence itself: in the '
    "highest-lambda_WS run the loss falls while lambda_WS rises (by more than 10%, to exceed "
    'noise), in the lowest it falls without such a rise; "closely tracks" is read as '
    "lambda_max <= lambda_WS <= 2 lambda_max at (nearly, 95%) every recorded iteration.",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


def _run_summary(name: str, run) -> dict:
    if not isinstance(run, dict) or not {"loss", "ws_upper", "lambda_max"} <= set(run):
        raise ValueError(f"{name} must be a dict with the arrays loss, ws_upper and lambda_max")
    L = finite_vector(f"{name}['loss']", run["loss"], 1)
    W = finite_vector(f"{name}['ws_upper']", run["ws_upper"], 1)
    lam = finite_vector(f"{name}['lambda_max']", run["lambda_max"], 1)
    same_length(**{f"{name}['loss']": L, f"{name}['ws_upper']": W, f"{name}['lambda_max']": lam})
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(lam > 0, W / lam, np.inf)
    return dict(
        loss0=L[0],
        loss1=L[-1],
        ws0=W[0],
        ws1=W[-1],
        wsmax=W.max(),
        track=(lam > 0) & (lam <= W * (1 + 1e-9)) & (ratio <= 2.0),
        ratio_med=float(np.median(ratio)),
        below=(lam > 0) & (lam <= W * (1 + 1e-9)),
        ratio=ratio,
    )


def ws_fig05(highest=None, lowest=None, n_unique: int = 2) -> Outcome:
    """WS Fig. 5, "two kinds of dynamics; the bound tracks lambda_max", from the recorded
    history of the highest- and the lowest-lambda_WS runs (``highest``, ``lowest``: dicts of
    ``(T,)`` arrays ``loss``, ``ws_upper``, ``lambda_max`` over the recorded iterations up to
    the run's stop; None when the sweep has no critical point) and the sweep's number of
    unique critical points ``n_unique``.

    Two parts, merged by :func:`~hsr.claims.ledger.merge_claims`:

    - dynamics: both losses fall, the highest run's lambda_WS ends > 1.1 x its start, the
      lowest's <= 1.1 x: all four holds, >= 2 partly;
    - tracks: >= 95% of the recorded points of both runs have
      lambda_max <= lambda_WS <= 2 lambda_max: holds, >= 50% partly.
    """
    positive("n_unique", n_unique, integer=True, allow_zero=True)
    runs = {k: v for k, v in (("highest", highest), ("lowest", lowest)) if v is not None}
    summary = {name: _run_summary(name, run) for name, run in runs.items()}
    track_all = (
        np.concatenate([s["track"] for s in summary.values()]) if summary else np.zeros(0, bool)
    )
    claim_a, claim_b = "two kinds of dynamics", "the bound tracks lambda_max"
    test_a = (
        "holds if both runs end with a lower loss than at the start, the highest-lambda_WS run "
        "ends with lambda_WS > 1.1 x its initial value and the lowest-lambda_WS run with "
        "lambda_WS <= 1.1 x its initial value (all four); partly if >= 2 of the 4"
    )
    test_b = (
        "holds if >= 95% of the recorded points of the two runs satisfy lambda_max <= "
        "lambda_WS <= 2 lambda_max; partly if >= 50%"
    )
    if len(runs) < 2 or n_unique == 0:
        v_a = v_b = "does not hold"
        note = NO_POINT
        measured_a = measured_b = "no critical point"
        checks = []
    else:
        hi, lo = summary["highest"], summary["lowest"]
        checks = [
            hi["loss1"] < hi["loss0"],
            lo["loss1"] < lo["loss0"],
            hi["ws1"] > 1.1 * hi["ws0"],
            lo["ws1"] <= 1.1 * lo["ws0"],
        ]
        v_a = _frac(float(np.mean(checks)), holds_at=1.0, partly_at=0.5)
        v_b = _frac(float(track_all.mean()), holds_at=0.95, partly_at=0.5)
        note = (
            "Only one unique critical point: the highest and lowest runs are the same run."
            if n_unique == 1
            else ""
        )
        measured_a = (
            f"highest run: loss {fmt(hi['loss0'])} -> {fmt(hi['loss1'])}, lambda_WS "
            f"{fmt(hi['ws0'])} -> {fmt(hi['ws1'])}; lowest run: loss {fmt(lo['loss0'])} "
            f"-> {fmt(lo['loss1'])}, lambda_WS {fmt(lo['ws0'])} -> {fmt(lo['ws1'])}; "
            f"{sum(checks)} of 4 checks pass"
        )
        measured_b = (
            f"{fmt(100 * float(track_all.mean()))}% of {track_all.size} recorded points within "
            f"[lambda_max, 2 lambda_max]; median lambda_WS / lambda_max {fmt(hi['ratio_med'])} "
            f"(highest run), {fmt(lo['ratio_med'])} (lowest run)"
        )
    parts = [
        Claim(
            id="ws-fig05-dynamics",
            paper="WS",
            figure="Fig. 5",
            claim=claim_a,
            paper_reports="highest-lambda_WS run: the loss decreases while lambda_WS increases; "
            "lowest-lambda_WS run: the loss decreases without an increase of lambda_WS",
            measured=measured_a,
            test=test_a,
            verdict=v_a,
        ),
        Claim(
            id="ws-fig05-tracks",
            paper="WS",
            figure="Fig. 5",
            claim=claim_b,
            paper_reports="the closed-form lambda_WS closely tracks lambda_max over the "
            "iterations (figure only)",
            measured=measured_b,
            test=test_b,
            verdict=v_b,
        ),
    ]
    ok = len(runs) == 2 and n_unique > 0

    def row(rise=1.1, factor=2.0, holds_at=0.95):  # (dynamics share, track share, row verdict)
        if not ok:
            return NAN, NAN, "does not hold"
        hi, lo = summary["highest"], summary["lowest"]
        c = [
            hi["loss1"] < hi["loss0"],
            lo["loss1"] < lo["loss0"],
            hi["ws1"] > rise * hi["ws0"],
            lo["ws1"] <= rise * lo["ws0"],
        ]
        tr = np.concatenate([s["below"] & (s["ratio"] <= factor) for s in (hi, lo)])
        fa, fb = float(np.mean(c)), float(tr.mean())
        va = _frac(fa, holds_at=1.0, partly_at=0.5)
        return fa, fb, combine_verdicts([va, _frac(fb, holds_at=holds_at, partly_at=0.5)])

    sens = (
        series(
            "factor by which lambda_WS must rise in the highest run",
            (1.0, 1.05, 1.2, 1.5),
            1.1,
            lambda v: (row(rise=v)[0], row(rise=v)[2]),
        )
        + series(
            "factor lambda_WS / lambda_max within which the bound tracks",
            (1.5, 3.0, 5.0),
            2.0,
            lambda v: (row(factor=v)[1], row(factor=v)[2]),
        )
        + series(
            "share of tracking points needed to hold",
            (0.9, 0.99, 1.0),
            0.95,
            lambda v: (row(holds_at=v)[1], row(holds_at=v)[2]),
        )
    )
    claim = _quoted(merge_claims(parts, "ws-fig05", f"{claim_a}; {claim_b}"), sens)
    values = dict(
        summary=summary,
        track_all=track_all,
        pct_track=100 * float(track_all.mean()) if track_all.size else NAN,
        n_recorded=int(track_all.size),
        checks=checks,
        dynamics=v_a,
        tracks=v_b,
        measured_dynamics=measured_a,
        measured_tracks=measured_b,
        note=note,
    )
    return Outcome(claim, values)

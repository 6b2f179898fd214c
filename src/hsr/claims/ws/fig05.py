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
from ..ledger import Outcome, Quote, fmt
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import NAN, NO_POINT, row, statement, uncheckable

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
    "ws-fig05": "Four statements. The two kinds of dynamics are read from the sentence itself, "
    "one statement each: in the highest-lambda_WS run the loss falls while lambda_WS rises (by "
    "more than 10%, to exceed noise), in the lowest it falls without such a rise; each is a "
    'conjunction (loss and bound), so it holds or does not. "Closely tracks" is read as '
    "lambda_max <= lambda_WS <= 2 lambda_max at (nearly, 95%) every recorded iteration. That "
    "lambda_max can only be determined numerically is a statement about mathematics, listed, "
    "not tested. The book's earlier reading took the two dynamics as one statement of four "
    "checks (partly at two); it is kept as the earlier reading.",
}


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
    unique critical points ``n_unique``. Four statements:

    - rising: the highest run's loss ends below its start and its lambda_WS > 1.1 x its
      start: holds, else does not hold;
    - steady: the lowest run's loss ends below its start and its lambda_WS <= 1.1 x its
      start: holds, else does not hold;
    - tracks: >= 95% of the recorded points of both runs have
      lambda_max <= lambda_WS <= 2 lambda_max: holds, >= 50% partly;
    - lambda_max only numerically: mathematics, not checkable.

    No critical point: the three checkable statements do not hold.
    """
    positive("n_unique", n_unique, integer=True, allow_zero=True)
    runs = {k: v for k, v in (("highest", highest), ("lowest", lowest)) if v is not None}
    summary = {name: _run_summary(name, run) for name, run in runs.items()}
    track_all = (
        np.concatenate([s["track"] for s in summary.values()]) if summary else np.zeros(0, bool)
    )
    ok = len(runs) == 2 and n_unique > 0
    hi, lo = (summary.get("highest"), summary.get("lowest")) if ok else (None, None)

    def rising_at(rise=1.1):  # (lambda_WS end / start of the highest run, verdict)
        if not ok:
            return NAN, "does not hold"
        both = hi["loss1"] < hi["loss0"] and hi["ws1"] > rise * hi["ws0"]
        return hi["ws1"] / hi["ws0"], "holds" if both else "does not hold"

    def steady_at(rise=1.1):
        if not ok:
            return NAN, "does not hold"
        both = lo["loss1"] < lo["loss0"] and lo["ws1"] <= rise * lo["ws0"]
        return lo["ws1"] / lo["ws0"], "holds" if both else "does not hold"

    def tracks_at(factor=2.0, holds_at=0.95):
        if not ok:
            return NAN, "does not hold"
        tr = np.concatenate([s["below"] & (s["ratio"] <= factor) for s in (hi, lo)])
        f = float(tr.mean())
        return f, _frac(f, holds_at=holds_at, partly_at=0.5)

    v_rise, v_steady, v_tracks = rising_at()[1], steady_at()[1], tracks_at()[1]
    if not ok:
        note = NO_POINT
        m_rise = m_steady = m_tracks = "no critical point"
        checks = []
    else:
        checks = [
            hi["loss1"] < hi["loss0"],
            lo["loss1"] < lo["loss0"],
            hi["ws1"] > 1.1 * hi["ws0"],
            lo["ws1"] <= 1.1 * lo["ws0"],
        ]
        note = (
            "Only one unique critical point: the highest and lowest runs are the same run."
            if n_unique == 1
            else ""
        )
        m_rise = (
            f"highest run: loss {fmt(hi['loss0'])} -> {fmt(hi['loss1'])}, lambda_WS "
            f"{fmt(hi['ws0'])} -> {fmt(hi['ws1'])} (x {fmt(hi['ws1'] / hi['ws0'])})"
        )
        m_steady = (
            f"lowest run: loss {fmt(lo['loss0'])} -> {fmt(lo['loss1'])}, lambda_WS "
            f"{fmt(lo['ws0'])} -> {fmt(lo['ws1'])} (x {fmt(lo['ws1'] / lo['ws0'])})"
        )
        m_tracks = (
            f"{fmt(100 * float(track_all.mean()))}% of {track_all.size} recorded points within "
            f"[lambda_max, 2 lambda_max]; median lambda_WS / lambda_max {fmt(hi['ratio_med'])} "
            f"(highest run), {fmt(lo['ratio_med'])} (lowest run)"
        )
    rise_knob = "factor lambda_WS must exceed its start by to count as an increase"
    rise_grid = (1.0, 1.05, 1.2, 1.5)
    statements = [
        statement(
            "ws-fig05-rising",
            "one in which the loss decreases while [lambda_WS] increases",
            v_rise,
            m_rise,
            "holds if the highest-lambda_WS run ends with a lower loss than at its start and "
            "with lambda_WS > 1.1 x its initial value; else does not hold",
            "highest-lambda_WS run: the loss decreases while lambda_WS increases",
            series(rise_knob, rise_grid, 1.1, rising_at),
        ),
        statement(
            "ws-fig05-steady",
            "another in which the loss decreases without an increase in [lambda_WS]",
            v_steady,
            m_steady,
            "holds if the lowest-lambda_WS run ends with a lower loss than at its start and "
            "with lambda_WS <= 1.1 x its initial value; else does not hold",
            "lowest-lambda_WS run: the loss decreases without an increase of lambda_WS",
            series(rise_knob, rise_grid, 1.1, steady_at),
        ),
        statement(
            "ws-fig05-tracks",
            "the analytical upper bound derived in Theorem 1 closely tracks the maximum eigenvalue",
            v_tracks,
            m_tracks,
            "holds if >= 95% of the recorded points of the two runs satisfy lambda_max <= "
            "lambda_WS <= 2 lambda_max; partly if >= 50%",
            "the closed-form lambda_WS closely tracks lambda_max over the iterations (figure only)",
            series(
                "factor lambda_WS / lambda_max within which the bound tracks",
                (1.5, 3.0, 5.0),
                2.0,
                lambda v: tracks_at(factor=v),
            )
            + series(
                "share of tracking points needed to hold",
                (0.9, 0.99, 1.0),
                0.95,
                lambda v: tracks_at(holds_at=v),
            ),
        ),
        uncheckable(
            "ws-fig05-numerical",
            "the maximum eigenvalue [lambda_max], which can only be determined numerically",
            "a statement about mathematics (the characteristic equation of a general matrix of "
            "size five or more has no closed-form roots, the paper's Section I), not about a run",
        ),
    ]
    v_dyn = _frac(float(np.mean(checks)), holds_at=1.0, partly_at=0.5) if ok else "does not hold"
    earlier = (
        dict(
            test="(two kinds of dynamics, one statement) holds if both runs end with a lower "
            "loss than at the start, the highest-lambda_WS run ends with lambda_WS > 1.1 x its "
            "initial value and the lowest-lambda_WS run with lambda_WS <= 1.1 x its initial "
            "value (all four); partly if >= 2 of the 4",
            measured=f"{sum(checks)} of 4 checks pass" if ok else "no critical point",
            verdict=v_dyn,
        ),
    )
    claim = row(
        "ws-fig05",
        "Fig. 5",
        "two kinds of dynamics; the bound tracks lambda_max",
        "highest-lambda_WS run: the loss decreases while lambda_WS increases; lowest-lambda_WS "
        "run: the loss decreases without an increase of lambda_WS; lambda_WS closely tracks "
        "lambda_max (figure only)",
        statements,
        QUOTES,
        READINGS,
        earlier,
    )
    values = dict(
        summary=summary,
        track_all=track_all,
        pct_track=100 * float(track_all.mean()) if track_all.size else NAN,
        n_recorded=int(track_all.size),
        checks=checks,
        rising=v_rise,
        steady=v_steady,
        dynamics=v_dyn,
        tracks=v_tracks,
        measured_dynamics=f"{m_rise}; {m_steady}",
        measured_tracks=m_tracks,
        note=note,
    )
    return Outcome(claim, values)

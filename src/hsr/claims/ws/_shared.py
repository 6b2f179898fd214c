"""Helpers shared by the WS paper's claim modules (argument coercion, percentiles, the
tolerance and envelope rules, :func:`quoted`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...core._checks import (
    finite_vector,
    positive,
    real_array,
    same_length,
)
from ..ledger import Claim, Outcome, fmt
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series

__all__ = ["extreme_points", "quoted", "NAN", "NO_POINT", "vector"]

NAN = float("nan")


#: the note of a row whose sweep found no critical point
NO_POINT = "No critical point was found in this run, so there is nothing to test."


# ----- the figures without a headline test ---------------------------------------------------
def vector(name, value) -> np.ndarray:
    """``value`` as a 1-D float array (NaN allowed: a measurement that failed)."""
    a = real_array(name, value)
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {a.shape}")
    return a


def _pct(a: np.ndarray, v) -> float:
    """The percentile of v among the values a."""
    return 100 * float(np.mean(a <= v))


def _rise_by_step(loss_rise, step, earlier_step):
    """``({t: (M,) rise}, chosen t, earlier t or None)`` from an array or a mapping."""
    if isinstance(loss_rise, dict):
        if not loss_rise:
            raise ValueError("loss_rise must be an array or a non-empty dict step -> array")
        by = {float(t): finite_vector(f"loss_rise[{t!r}]", r) for t, r in loss_rise.items()}
        if step is None or float(step) not in by:
            raise ValueError(
                f"step must be one of the steps of loss_rise {sorted(by)}, got {step!r}"
            )
        if earlier_step is not None and float(earlier_step) not in by:
            raise ValueError(
                f"earlier_step must be one of the steps of loss_rise {sorted(by)}, "
                f"got {earlier_step!r}"
            )
        if len({r.size for r in by.values()}) != 1:
            raise ValueError("loss_rise: every step's array must have the same length")
        return by, float(step), None if earlier_step is None else float(earlier_step)
    if earlier_step is not None:
        raise ValueError("earlier_step needs loss_rise as a dict step -> array")
    t = NAN if step is None else float(step)
    return {t: finite_vector("loss_rise", loss_rise)}, t, None


def extreme_points(
    fig: int,
    largest: bool,
    ws_upper,
    loss_rise,
    disagreement,
    n_show,
    step,
    earlier_step,
    quotes: dict,
    readings: dict,
):
    """WS Figs. 3 and 4: the ``n_show`` points of largest (smallest) lambda_WS against all; the
    row quotes ``quotes[id]`` and reads it as ``readings[id]`` (the figure module's)."""
    ws = finite_vector("ws_upper", ws_upper)
    by_step, t0, t_old = _rise_by_step(loss_rise, step, earlier_step)
    rise = by_step[t0]
    dis = finite_vector("disagreement", disagreement)
    same_length(ws_upper=ws, loss_rise=rise, disagreement=dis)
    positive("n_show", n_show, integer=True)
    M = ws.size
    idx = np.argsort(-ws if largest else ws)[: int(n_show)]
    enough = not (M < int(n_show) or M == 0)

    def checks(q, r=rise):  # the 2 n_show checks with the loss-rise quantile q
        if largest:
            sharp = r[idx] >= np.quantile(r, q)
            shape = dis[idx] > np.median(dis)
        else:
            sharp = r[idx] <= np.quantile(r, q)
            shape = dis[idx] <= np.median(dis)
        return np.concatenate([sharp, shape])

    def at(q, r=rise):
        if not enough:
            return NAN, "does not hold"
        f = float(checks(q, r).mean())
        return f, _frac(f, holds_at=1.0, partly_at=0.5)

    q_chosen = 0.9 if largest else 0.1
    if not enough:
        note = (
            f"This run has {M} unique critical point(s), fewer than n_show = {n_show}: too "
            "few to test."
        )
        passed = np.zeros(0, bool)
    else:
        note = ""
        passed = checks(q_chosen)
    verdict = at(q_chosen)[1]

    grid = (0.75, 0.8, 0.85, 0.95) if largest else (0.05, 0.15, 0.2, 0.25)
    sens = series("quantile of the loss rise the shown points must reach", grid, q_chosen, at)
    if len(by_step) > 1:
        sens += series(
            "step t of the loss rise", tuple(by_step), t0, lambda t: at(q_chosen, by_step[t])
        )

    def describe(r, t):
        at_t = "" if np.isnan(t) else f" at t = {fmt(t)}"
        return (
            "; ".join(
                f"rank {k + 1}: lambda_WS {fmt(ws[i])}, loss rise{at_t} {fmt(r[i])} "
                f"(percentile {fmt(_pct(r, r[i]))}), Bayes disagreement "
                f"{fmt(100 * dis[i])}% "
                f"(percentile {fmt(_pct(dis, dis[i]))})"
                for k, i in enumerate(idx)
            )
            or "no critical point"
        )

    side, q_rule = ("largest", ">= the 90%") if largest else ("smallest", "<= the 10%")
    shape_rule = "> its median" if largest else "<= its median"

    def test_text(t_text):
        return (
            f"holds if each of the n_show {side}-lambda_WS points has loss rise DeltaL{t_text} "
            f"along its top eigenvector {q_rule} quantile of DeltaL over all unique points and "
            f"a Bayes disagreement on the test inputs {shape_rule} over all unique points; "
            "partly if >= half of these checks pass"
        )

    measured = describe(rise, t0) + f"; {int(passed.sum())} of {passed.size} checks pass"
    test = test_text("(step_max)" if np.isnan(t0) else f"(t = {fmt(t0)})")
    if largest:
        claim_text = "large lambda_WS = sharp loss and distorted boundary"
        reports = (
            "the two critical points with the largest lambda_WS: decision boundaries strongly "
            "distorted, loss sharply peaked along the top eigenvector (figure only)"
        )
    else:
        claim_text = "small lambda_WS = flat loss, simple boundary"
        reports = (
            "the two critical points with the smallest lambda_WS: decision boundaries barely "
            "distorted, loss flat along the top eigenvector (figure only)"
        )
    earlier = ()
    if t_old is not None:
        r_old = by_step[t_old]
        p_old = checks(q_chosen, r_old) if enough else np.zeros(0, bool)
        earlier = (
            dict(
                test=test_text(f"(t = {fmt(t_old)}, the edge of the plotted slice)") + ".",
                measured=describe(r_old, t_old)
                + f"; {int(p_old.sum())} of {p_old.size} checks pass",
                verdict=at(q_chosen, r_old)[1],
            ),
        )
    rid = f"ws-fig{fig:02d}"
    claim = Claim(
        id=rid,
        paper="WS",
        figure=f"Fig. {fig}",
        claim=claim_text,
        paper_reports=reports,
        measured=measured,
        test=test,
        verdict=verdict,
        paper_says=str(quotes[rid]),
        reading=readings[rid],
        sensitivity=sens,
        earlier=earlier,
    )
    values = dict(idx=idx, passed=passed, note=note)
    for r in range(2):  # the two ranks the page cites (NaN where the run has fewer points)
        ok = r < len(idx)
        i = idx[r] if ok else 0
        values[f"ws_{r + 1}"] = float(ws[i]) if ok else NAN
        values[f"rise_{r + 1}"] = float(rise[i]) if ok else NAN
        values[f"rise_pct_{r + 1}"] = _pct(rise, rise[i]) if ok else NAN
        values[f"dis_{r + 1}"] = 100 * float(dis[i]) if ok else NAN
        values[f"dis_pct_{r + 1}"] = _pct(dis, dis[i]) if ok else NAN
        if t_old is not None:
            r_old = by_step[t_old]
            values[f"rise_earlier_{r + 1}"] = float(r_old[i]) if ok else NAN
            values[f"rise_pct_earlier_{r + 1}"] = _pct(r_old, r_old[i]) if ok else NAN
    values["rise_median"] = float(np.median(rise)) if M else NAN
    values["dis_median"] = 100 * float(np.median(dis)) if M else NAN
    values["verdict_earlier"] = earlier[0]["verdict"] if earlier else ""
    return Outcome(claim, values)


def quoted(claim: Claim, quotes: dict, readings: dict, sensitivity=()) -> Claim:
    """``claim`` with its quote and reading filled in from ``quotes``/``readings`` (a
    figure module's :data:`QUOTES`, :data:`READINGS`), and its ``sensitivity``
    series."""
    return replace(
        claim,
        paper_says=str(quotes[claim.id]),
        reading=readings[claim.id],
        sensitivity=tuple(sensitivity),
    )

"""The WS paper's norm bounds (Theorems 3-7, Propositions 5-8): the tests of ledger rows
``ws-norm-bounds-hold``, ``ws-thm7-limit`` and ``ws-prop8-psd``.

The paper's words each row rests on (:data:`QUOTES`), how the tests read them (:data:`READINGS`),
the rules and their sensitivity, together.
"""

from __future__ import annotations

import re

import numpy as np

from ...core._checks import (
    integer_at_least,
    positive,
    same_length,
)
from ..ledger import Claim, Outcome, Quote, fmt
from ..sensitivity import series
from ._shared import NAN, vector

__all__ = ["QUOTES", "READINGS", "ws_norm_bounds_hold", "ws_thm7_limit", "ws_prop8_psd"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    # the rows of Section V beyond the figures (book/spec/norm-bounds.yml)
    "ws-norm-bounds-hold": Quote(
        "WS", "Section V-C", "Furthermore, the upper bounds of and are as follows."
    ),
    "ws-norm-bounds-hold (second sentence)": Quote(
        "WS", "Section V-D", "The upper bound of the trace of the square Hessian is as follows."
    ),
    "ws-thm7-limit": Quote(
        "WS",
        "Section V-E",
        "Here, we consider the case where the upper bound of the maximum eigenvalue converges to "
        "zero.",
    ),
    "ws-thm7-limit (second sentence)": Quote(
        "WS",
        "Section V-E",
        "the proposition shown in Eq. (33) asserts that when the model is overfitted to the "
        "limit, becomes zero, resulting in a flat solution.",
    ),
    "ws-prop8-psd": Quote(
        "WS",
        "Section VI",
        "we assume that the critical points reached during training possess an ideal shape; "
        "specifically, the Hessian is assumed to be a positive semi-definite matrix. In this "
        "case, the following relationship holds between and .",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-norm-bounds-hold": "the paper's bounds are lost; we test the bounds of the same kinds "
    "re-derived in book/norm-bounds.md. An upper bound admits no exception, so the test asks for "
    "all points.",
    "ws-thm7-limit": "every e_i -> 0 is realised by scaling the output parameters of a network "
    "that separates its samples; 'tends to zero' is read as a drop by six orders of magnitude "
    "along the path, with lambda_WS below the proof's bound throughout.",
    "ws-prop8-psd": "the relation is read as the two-sided trace inequality of "
    "book/norm-bounds.md (Prop. 8) and tested at every critical point whose exact Hessian is PSD "
    "up to round-off.",
}


# ----- WS Section V beyond the figures: the norm bounds, Theorem 7, Proposition 8 -------------
def _sci(x: float) -> str:
    """A threshold as the test texts write it: ``1e-10``, ``1e-6``, ``0.001``."""
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + m[1].replace("+", "") + m[2], f"{x:g}")


def _said(rid: str) -> str:
    """``paper_says`` of a row resting on two sentences of the paper."""
    return f"{QUOTES[rid]}; {QUOTES[rid + ' (second sentence)']}"


def ws_norm_bounds_hold(pairs: dict, rtol: float = 1e-10) -> Outcome:
    """Row ``ws-norm-bounds-hold``, "the norm bounds on tr(H) and tr(H^2) (WS Theorems 3, 4, 6,
    Propositions 5-7) hold", from ``pairs``: ``{name: (bound, exact)}``, each a ``(M,)`` array
    over the unique critical points (the bound of :func:`hsr.norm_bounds` and the exact value it
    bounds; an infinite bound is one that does not exist, e.g. Prop. 7 for an unbounded
    activation). ``name`` labels the pair in the row (e.g. ``thm3``).

    Test: holds if every bound is at least its exact value at every point, up to a round-off
    allowance of ``rtol`` relative to the larger of the two; does not hold if one is below, or
    with no point. The sensitivity re-counts the failures of the finite bounds at other
    allowances. ``values``: ``holds_at`` and ``ratio`` (bound / exact where exact > 0) per name,
    their ``median``, ``n_fail`` (failing (point, pair)s) and ``n_points``."""
    if not isinstance(pairs, dict) or not pairs:
        raise ValueError("pairs must be a non-empty dict {name: (bound, exact)}")
    positive("rtol", rtol, allow_zero=True)
    arrays = {}
    for name, pair in pairs.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"pairs[{name!r}] must be a pair (bound, exact)")
        arrays[name] = (
            vector(f"pairs[{name!r}] bound", pair[0]),
            vector(f"pairs[{name!r}] exact", pair[1]),
        )
    M = next(iter(arrays.values()))[0].size
    for name, (b, ex) in arrays.items():
        if b.size != M or ex.size != M:
            raise ValueError(
                f"pairs[{name!r}] must hold two arrays of {M} entries (one per critical point), "
                f"got {b.size} and {ex.size}"
            )
    holds_at, ratio = {}, {}
    for name, (b, ex) in arrays.items():
        holds_at[name] = b >= ex - rtol * np.maximum(np.abs(b), np.abs(ex))
        pos = ex > 0  # tightness is defined where the exact value is positive
        ratio[name] = b[pos] / ex[pos]
    all_hold = bool(np.all([h.all() for h in holds_at.values()])) if M else False
    n_fail = int(sum((~h).sum() for h in holds_at.values())) if M else 0
    median = {k: float(np.median(r)) if r.size else NAN for k, r in ratio.items()}

    def at(r):
        f_ = 0
        for b, ex in arrays.values():
            fin = np.isfinite(b)  # an infinite bound holds trivially
            f_ += int((b[fin] < ex[fin] - r * np.maximum(np.abs(b[fin]), np.abs(ex[fin]))).sum())
        return f"{f_} failures", "holds" if M and f_ == 0 else "does not hold"

    sens = series("round-off allowance (relative)", (0.0, 1e-12, 1e-10, 1e-8), rtol, at)
    claim = Claim(
        id="ws-norm-bounds-hold",
        paper="WS",
        figure="Sec. V",
        claim="the norm bounds on tr(H) and tr(H^2) (Thms 3, 4, 6, Props 5-7) hold",
        paper_reports="upper bounds on tr(H) (Thms 3, 4; Prop 5) and tr(H^2) (Thm 6; Props 6, 7), "
        "with proofs; formulas lost in extraction",
        measured=f"{n_fail} failures over {M} unique critical points x {len(arrays)} (bound, "
        "exact) pairs; median bound/exact: "
        + ", ".join(f"{name} {fmt(median[name], 3)}" for name in arrays),
        test=f"every bound >= its exact value at every unique critical point (round-off "
        f"{_sci(rtol)} relative): holds, else does not hold",
        verdict="holds" if M and all_hold else "does not hold",
        paper_says=_said("ws-norm-bounds-hold"),
        reading=READINGS["ws-norm-bounds-hold"],
        sensitivity=sens,
    )
    values = dict(holds_at=holds_at, ratio=ratio, median=median, n_fail=n_fail, n_points=M)
    return Outcome(claim, values)


def ws_thm7_limit(
    ts,
    ws_upper,
    bound,
    gamma: float = NAN,
    n_samples: int = 0,
    drop_max: float = 1e-6,
    below_rtol: float = 1e-10,
) -> Outcome:
    """Row ``ws-thm7-limit``, "the upper bound of lambda_max tends to zero when every e_i -> 0"
    (WS Theorem 7, Eq. (33)), along a path of full confidence: the output parameters of a
    critical point that separates ``n_samples`` samples with smallest margin ``gamma`` scaled by
    ``ts (T,)`` (increasing, from 1), with ``ws_upper (T,)`` = lambda_WS and ``bound (T,)`` =
    Theorem 7's bound sqrt(2)(S1 + S3) (:attr:`hsr.NormBounds.lambda_thm7`) at each t. Empty
    arrays: no critical point separated enough samples, so there is no path.

    Test: holds if lambda_WS <= bound (1 + ``below_rtol``) at every t and
    lambda_WS(t_max) / lambda_WS(1) <= ``drop_max``; partly if below the bound and
    non-increasing over the last half of the path; does not hold otherwise, or with no path.
    ``values``: ``gamma``, ``drop``, ``slope`` (of log lambda_WS over the last step),
    ``below``, ``decreasing``, ``n_samples``, ``note``."""
    ts, ws, b = vector("ts", ts), vector("ws_upper", ws_upper), vector("bound", bound)
    same_length(ts=ts, ws_upper=ws, bound=b)
    n_samples = integer_at_least("n_samples", n_samples, 0)
    positive("drop_max", drop_max)
    positive("below_rtol", below_rtol, allow_zero=True)
    path = ts.size > 0
    if path:
        if ts.size < 2:
            raise ValueError(f"ts must have at least 2 points (or none), got {ts.size}")
        gamma = positive("gamma", gamma)
        below = bool(np.all(ws <= b * (1 + below_rtol)))
        drop = float(ws[-1] / ws[0]) if ws[0] > 0 else NAN
        decreasing = bool(np.all(np.diff(ws[ts.size // 2 :]) <= 0))
        slope = float(np.diff(np.log(np.maximum(ws[-2:], 1e-300)))[0] / np.diff(ts[-2:])[0])
        note = ""
    else:
        gamma, drop, slope, below, decreasing = NAN, NAN, NAN, False, False
        note = "No critical point classifies two samples of each class correctly: nothing to test."

    def at(thr):
        if not path:
            return f"drop {fmt(drop, 2)}", "does not hold"
        v = "holds" if below and drop <= thr else "partly" if below and decreasing else None
        return f"drop {fmt(drop, 2)}", v or "does not hold"

    verdict = at(drop_max)[1]
    knob = "required drop of lambda_WS(t_max)/lambda_WS(1)"
    # listed from the loosest requirement to the strictest
    sens = series(knob, (1e-3, 1e-6, 1e-9), drop_max, at)[::-1] if path else ()
    claim = Claim(
        id="ws-thm7-limit",
        paper="WS",
        figure="Thm. 7",
        claim="the upper bound of lambda_max tends to zero when every e_i -> 0",
        paper_reports="Eq. (33): the bound becomes zero when the network fits every training "
        "sample with full confidence (formula lost)",
        measured=(
            f"{n_samples} separated samples, gamma = {fmt(gamma, 3)}; "
            f"lambda_WS(t_max)/lambda_WS(1) = {fmt(drop, 2)}; below Thm 7's bound at "
            f"every t: {below}; last log-slope {fmt(slope, 3)}"
        ),
        test="scale w2 by t up to thm7_exponent/gamma: holds if lambda_WS <= sqrt(2)(S1+S3) at "
        f"every t and lambda_WS(t_max) <= {_sci(drop_max)} lambda_WS(1); partly if below the "
        "bound and decreasing over the last half",
        verdict=verdict,
        paper_says=_said("ws-thm7-limit"),
        reading=READINGS["ws-thm7-limit"],
        sensitivity=sens,
    )
    values = dict(
        gamma=gamma,
        drop=drop,
        slope=slope,
        below=below,
        decreasing=decreasing,
        n_samples=n_samples,
        note=note,
    )
    return Outcome(claim, values)


def ws_prop8_psd(
    trace,
    trace_squared,
    ws_upper,
    lambda_min,
    lambda_max,
    n_params: int,
    psd_rtol: float = 1e-10,
    rtol: float = 1e-9,
) -> Outcome:
    """Row ``ws-prop8-psd``, "at a positive semi-definite Hessian, tr(H)^2/n <= tr(H^2) <=
    tr(H)^2" (WS Proposition 8, Eq. (34)), from per unique critical point (``(M,)``): the exact
    ``trace``, ``trace_squared``, ``ws_upper`` (lambda_WS), ``lambda_min``, ``lambda_max``, and
    the number of parameters ``n_params`` (n).

    Test: at every point with lambda_min >= -``psd_rtol`` |lambda_max| (PSD up to round-off),
    tr^2/n <= tr2 <= tr^2 and tr/n <= lambda_max <= lambda_WS <= tr, each to ``rtol`` relative;
    holds if every such point satisfies all four, does not hold if one fails or no point is
    PSD. ``values``: ``psd`` (M,) and ``ok`` (one per PSD point) masks, ``n_psd``, ``n_ok``."""
    t = vector("trace", trace)
    q = vector("trace_squared", trace_squared)
    w = vector("ws_upper", ws_upper)
    lmin, lmax = vector("lambda_min", lambda_min), vector("lambda_max", lambda_max)
    same_length(trace=t, trace_squared=q, ws_upper=w, lambda_min=lmin, lambda_max=lmax)
    n = positive("n_params", n_params, integer=True)
    positive("psd_rtol", psd_rtol, allow_zero=True)
    positive("rtol", rtol, allow_zero=True)
    M = t.size

    def psd_mask(r):
        return lmin >= -r * np.abs(lmax)

    def prop8_ok(mask):
        tt, qq, ww, lm = t[mask], q[mask], w[mask], lmax[mask]
        a = rtol * np.maximum(tt * tt, 1e-300)
        return (
            (tt * tt / n <= qq + a)
            & (qq <= tt * tt + a)
            & (tt / n <= lm * (1 + rtol))
            & (ww <= tt * (1 + rtol))
        )

    def at(r):
        m_ = psd_mask(r)
        k_ = int(prop8_ok(m_).sum())
        verdict = "holds" if m_.sum() and k_ == m_.sum() else "does not hold"
        return f"{k_} of {int(m_.sum())} PSD points satisfy Prop. 8", verdict

    psd = psd_mask(psd_rtol)
    ok = prop8_ok(psd)
    n_psd, n_ok = int(psd.sum()), int(ok.sum())
    sens = series("psd_rtol", (0.0, 1e-12, 1e-10, 1e-8, 1e-6), psd_rtol, at)
    claim = Claim(
        id="ws-prop8-psd",
        paper="WS",
        figure="Prop. 8",
        claim="at a positive semi-definite Hessian, tr(H)^2/n <= tr(H^2) <= tr(H)^2",
        paper_reports="Eq. (34): a relation between tr(H) and tr(H^2) for a positive "
        "semi-definite Hessian (formula lost)",
        measured=f"{n_ok} of {n_psd} PSD critical points (of {M}) satisfy all four inequalities",
        test="at every unique critical point with lambda_min >= -psd_rtol lambda_max: "
        "tr^2/n <= tr2 <= tr^2, tr/n <= lambda_max <= lambda_WS <= tr; holds if all do",
        verdict="holds" if n_psd and n_ok == n_psd else "does not hold",
        paper_says=str(QUOTES["ws-prop8-psd"]),
        reading=READINGS["ws-prop8-psd"],
        sensitivity=sens,
    )
    return Outcome(claim, dict(psd=psd, ok=ok, n_psd=n_psd, n_ok=n_ok))

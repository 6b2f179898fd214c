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
from ..ledger import Outcome, Quote, fmt
from ..sensitivity import series
from ._shared import NAN, row, statement, uncheckable, vector

__all__ = [
    "QUOTES",
    "READINGS",
    "ws_norm_bounds_hold",
    "ws_thm7_limit",
    "ws_prop8_psd",
]

#: the paper's words each row rests on (verbatim); a row resting on several sentences has one
#: key per further sentence, ``"<row id> (<what>)"``
QUOTES: dict[str, Quote] = {
    # the rows of Section V beyond the figures (book/spec/norm-bounds.yml)
    "ws-norm-bounds-hold": Quote(
        "WS", "Section V-C", "Furthermore, the upper bounds of and are as follows."
    ),
    "ws-norm-bounds-hold (Prop. 5)": Quote(
        "WS", "Section V-C", "Furthermore, if the inputs are normalized, the following holds."
    ),
    "ws-norm-bounds-hold (Thm. 6)": Quote(
        "WS", "Section V-D", "The upper bound of the trace of the square Hessian is as follows."
    ),
    "ws-norm-bounds-hold (Prop. 6)": Quote(
        "WS", "Section V-D", "Furthermore, the upper bound of can be simplified as follows."
    ),
    "ws-norm-bounds-hold (Prop. 7)": Quote(
        "WS",
        "Section V-D",
        "Furthermore, when the activation function is a saturation function such as Sigmoid or "
        "Tanh, the following holds.",
    ),
    "ws-thm7-limit": Quote(
        "WS",
        "Section V-E",
        "Here, we consider the case where the upper bound of the maximum eigenvalue converges to "
        "zero.",
    ),
    "ws-thm7-limit (Eq. 33)": Quote(
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
    "ws-norm-bounds-hold": "Each theorem and proposition states one bound: one statement each. "
    "The paper's formulas are lost; we test the bounds of the same kinds re-derived in "
    "book/norm-bounds.md. An upper bound admits no exception, so each test asks for all points. "
    "Our own bounds (the sample-weighted form and the bounds on lambda_WS and lambda_max the "
    "traces imply) are checked on the page, not counted as the paper's statements; the book's "
    "earlier single rule over every bound, ours included, is kept as the earlier reading.",
    "ws-thm7-limit": "Two statements. Every e_i -> 0 is realised by scaling the output "
    "parameters of a network that separates its samples; 'becomes zero' is read as a drop of "
    "lambda_WS by six orders of magnitude along the path, with lambda_WS below the proof's "
    "bound throughout; 'a flat solution' as the same drop of the whole Hessian, its largest "
    "|eigenvalue|.",
    "ws-prop8-psd": "The positive semi-definite shape is an assumption the paper makes to "
    "simplify its discussion, listed, not tested (the row counts the critical points that "
    "satisfy it). The relation is read as the two-sided trace inequality of book/norm-bounds.md "
    "(Prop. 8) and tested at every critical point whose exact Hessian is PSD up to round-off.",
}

#: the paper's bounds the row ``ws-norm-bounds-hold`` tests, one statement each: name (the key
#: of ``pairs``) -> (what, the quote it rests on, the statement)
PAPER_BOUNDS: dict[str, tuple[str, str, str]] = {
    "thm3": (
        "Theorem 3 (Eq. (22)), tr(H)",
        "ws-norm-bounds-hold",
        "[Theorem 3:] the upper bounds of ... are as follows",
    ),
    "thm4": (
        "Theorem 4 (Eq. (23)), tr(H)",
        "ws-norm-bounds-hold",
        "[Theorem 4:] the upper bounds of ... are as follows",
    ),
    "prop5": (
        "Proposition 5 (Eq. (24)), tr(H)",
        "ws-norm-bounds-hold (Prop. 5)",
        "[Proposition 5:] if the inputs are normalized, the following holds",
    ),
    "thm6": (
        "Theorem 6 (Eq. (29)), tr(H^2)",
        "ws-norm-bounds-hold (Thm. 6)",
        "[Theorem 6:] The upper bound of the trace of the square Hessian is as follows",
    ),
    "prop6": (
        "Proposition 6 (Eq. (31)), tr(H^2)",
        "ws-norm-bounds-hold (Prop. 6)",
        "[Proposition 6:] the upper bound of [tr(H^2)] can be simplified as follows",
    ),
    "prop7": (
        "Proposition 7 (Eq. (32)), tr(H^2)",
        "ws-norm-bounds-hold (Prop. 7)",
        "[Proposition 7:] when the activation function is a saturation function such as "
        "Sigmoid or Tanh, the following holds",
    ),
}


# ----- WS Section V beyond the figures: the norm bounds, Theorem 7, Proposition 8 -------------
def _sci(x: float) -> str:
    """A threshold as the test texts write it: ``1e-10``, ``1e-6``, ``0.001``."""
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + m[1].replace("+", "") + m[2], f"{x:g}")


def ws_norm_bounds_hold(pairs: dict, rtol: float = 1e-10) -> Outcome:
    """Row ``ws-norm-bounds-hold``, "the norm bounds on tr(H) and tr(H^2) (WS Theorems 3, 4, 6,
    Propositions 5-7) hold", from ``pairs``: ``{name: (bound, exact)}``, each a ``(M,)`` array
    over the unique critical points (the bound of :func:`hsr.norm_bounds` and the exact value it
    bounds; an infinite bound is one that does not exist, e.g. Prop. 7 for an unbounded
    activation). A name of :data:`PAPER_BOUNDS` (``thm3``, ``thm4``, ``prop5``, ``thm6``,
    ``prop6``, ``prop7``) is a statement of the paper; any other name is a bound of ours,
    checked in ``values`` but not a statement.

    Test, per statement: holds if the bound is at least its exact value at every point, up to
    a round-off allowance of ``rtol`` relative to the larger of the two; does not hold if it is
    below at one, or with no point; not checkable where the bound does not exist at any point.
    The sensitivity re-counts the failures at other allowances. ``values``: ``holds_at`` and
    ``ratio`` (bound / exact where exact > 0) per name, their ``median``, ``n_fail`` (failing
    (point, pair)s, ours included), ``n_fail_paper`` and ``n_points``."""
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
    paper = [k for k in PAPER_BOUNDS if k in arrays]
    if not paper:
        raise ValueError(
            f"pairs must hold at least one of the paper's bounds {list(PAPER_BOUNDS)}, "
            f"got {list(arrays)}"
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
    n_fail_of = {k: int((~h).sum()) for k, h in holds_at.items()}
    median = {k: float(np.median(r)) if r.size else NAN for k, r in ratio.items()}

    def fails(name, r):
        b, ex = arrays[name]
        fin = np.isfinite(b)  # an infinite bound holds trivially
        return int((b[fin] < ex[fin] - r * np.maximum(np.abs(b[fin]), np.abs(ex[fin]))).sum())

    def at(name, r):
        f_ = fails(name, r)
        return f"{f_} failures", "holds" if M and f_ == 0 else "does not hold"

    statements = []
    for name in paper:
        what, _, says = PAPER_BOUNDS[name]
        b, ex = arrays[name]
        if M and not np.isfinite(b).any():
            statements.append(
                uncheckable(
                    f"ws-norm-bounds-hold-{name}",
                    says,
                    f"{what}: the bound does not exist for this run's activation (it is for "
                    "saturating activations only; book/norm-bounds.md)",
                )
            )
            continue
        r = ratio[name][np.isfinite(ratio[name])]
        statements.append(
            statement(
                f"ws-norm-bounds-hold-{name}",
                says,
                at(name, rtol)[1],
                f"{what}: {n_fail_of[name]} of {M} unique critical points below the bound; "
                f"bound / exact median {fmt(median[name], 3)}"
                + (
                    f", from {fmt(float(r.min()), 3)} to {fmt(float(r.max()), 3)}" if r.size else ""
                ),
                f"the bound >= its exact value at every unique critical point (round-off "
                f"{_sci(rtol)} relative): holds, else (or with no point) does not hold",
                f"{what}: an upper bound, with its proof (formula lost in extraction)",
                series(
                    "round-off allowance (relative)",
                    (0.0, 1e-12, 1e-10, 1e-8),
                    rtol,
                    lambda v, n=name: at(n, v),
                ),
            )
        )
    n_fail = int(sum(n_fail_of.values())) if M else 0
    ours = [k for k in arrays if k not in PAPER_BOUNDS]
    earlier = (
        dict(
            test=f"every bound, ours included, >= its exact value at every unique critical "
            f"point (round-off {_sci(rtol)} relative): holds, else does not hold (one rule for "
            "all)",
            measured=f"{n_fail} failures over {M} unique critical points x {len(arrays)} "
            "(bound, exact) pairs; median bound/exact: "
            + ", ".join(f"{name} {fmt(median[name], 3)}" for name in arrays),
            verdict="holds" if M and n_fail == 0 else "does not hold",
        ),
    )
    claim = row(
        "ws-norm-bounds-hold",
        "Sec. V",
        "the norm bounds on tr(H) and tr(H^2) (Thms 3, 4, 6, Props 5-7) hold",
        "upper bounds on tr(H) (Thms 3, 4; Prop 5) and tr(H^2) (Thm 6; Props 6, 7), "
        "with proofs; formulas lost in extraction",
        statements,
        QUOTES,
        READINGS,
        earlier,
    )
    values = dict(
        holds_at=holds_at,
        ratio=ratio,
        median=median,
        n_fail=n_fail,
        n_fail_paper=int(sum(n_fail_of[k] for k in paper)) if M else 0,
        n_fail_ours=int(sum(n_fail_of[k] for k in ours)) if M else 0,
        ours=ours,
        n_points=M,
    )
    return Outcome(claim, values)


def ws_thm7_limit(
    ts,
    ws_upper,
    bound,
    spectral_norm,
    gamma: float = NAN,
    n_samples: int = 0,
    drop_max: float = 1e-6,
    below_rtol: float = 1e-10,
) -> Outcome:
    """Row ``ws-thm7-limit``, "the upper bound of lambda_max tends to zero when every e_i -> 0"
    (WS Theorem 7, Eq. (33)), along a path of full confidence: the output parameters of a
    critical point that separates ``n_samples`` samples with smallest margin ``gamma`` scaled by
    ``ts (T,)`` (increasing, from 1), with ``ws_upper (T,)`` = lambda_WS, ``bound (T,)`` =
    Theorem 7's bound sqrt(2)(S1 + S3) (:attr:`hsr.NormBounds.lambda_thm7`) and
    ``spectral_norm (T,)`` = max |eigenvalue| of the Hessian at each t. Empty arrays: no
    critical point separated enough samples, so there is no path. Two statements:

    - limit: lambda_WS <= bound (1 + ``below_rtol``) at every t and
      lambda_WS(t_max) / lambda_WS(1) <= ``drop_max``: holds; below the bound and
      non-increasing over the last half of the path: partly; else does not hold;
    - flat: the same drop of the spectral norm: holds; non-increasing over the last half:
      partly; else does not hold.

    No path: neither holds. ``values``: ``gamma``, ``drop``, ``drop_flat``, ``slope`` (of log
    lambda_WS over the last step), ``below``, ``decreasing``, ``n_samples``, ``note``."""
    ts, ws, b = vector("ts", ts), vector("ws_upper", ws_upper), vector("bound", bound)
    sn = vector("spectral_norm", spectral_norm)
    same_length(ts=ts, ws_upper=ws, bound=b, spectral_norm=sn)
    n_samples = integer_at_least("n_samples", n_samples, 0)
    positive("drop_max", drop_max)
    positive("below_rtol", below_rtol, allow_zero=True)
    path = ts.size > 0
    half = ts.size // 2
    if path:
        if ts.size < 2:
            raise ValueError(f"ts must have at least 2 points (or none), got {ts.size}")
        gamma = positive("gamma", gamma)
        below = bool(np.all(ws <= b * (1 + below_rtol)))
        drop = float(ws[-1] / ws[0]) if ws[0] > 0 else NAN
        drop_flat = float(sn[-1] / sn[0]) if sn[0] > 0 else NAN
        decreasing = bool(np.all(np.diff(ws[half:]) <= 0))
        flat_decreasing = bool(np.all(np.diff(sn[half:]) <= 0))
        slope = float(np.diff(np.log(np.maximum(ws[-2:], 1e-300)))[0] / np.diff(ts[-2:])[0])
        note = ""
    else:
        gamma, drop, drop_flat, slope = NAN, NAN, NAN, NAN
        below = decreasing = flat_decreasing = False
        note = "No critical point classifies two samples of each class correctly: nothing to test."

    def limit_at(thr):
        if not path:
            return f"drop {fmt(drop, 2)}", "does not hold"
        v = "holds" if below and drop <= thr else "partly" if below and decreasing else None
        return f"drop {fmt(drop, 2)}", v or "does not hold"

    def flat_at(thr):
        if not path:
            return f"drop {fmt(drop_flat, 2)}", "does not hold"
        v = "holds" if drop_flat <= thr else "partly" if flat_decreasing else "does not hold"
        return f"drop {fmt(drop_flat, 2)}", v

    knob = "required drop of the value at t_max relative to t = 1"
    grid = (1e-3, 1e-6, 1e-9)
    # listed from the loosest requirement to the strictest
    statements = [
        statement(
            "ws-thm7-limit-zero",
            "when the model is overfitted to the limit, [lambda_WS] becomes zero",
            limit_at(drop_max)[1],
            f"{n_samples} separated samples, gamma = {fmt(gamma, 3)}; "
            f"lambda_WS(t_max)/lambda_WS(1) = {fmt(drop, 2)}; below Thm 7's bound at "
            f"every t: {below}; last log-slope {fmt(slope, 3)}",
            "scale w2 by t up to thm7_exponent/gamma: holds if lambda_WS <= sqrt(2)(S1+S3) at "
            f"every t and lambda_WS(t_max) <= {_sci(drop_max)} lambda_WS(1); partly if below "
            "the bound and decreasing over the last half; else (or with no path) does not hold",
            "Eq. (33): the bound becomes zero when the network fits every training sample with "
            "full confidence (formula lost)",
            series(knob, grid, drop_max, limit_at)[::-1] if path else (),
        ),
        statement(
            "ws-thm7-limit-flat",
            "resulting in a flat solution",
            flat_at(drop_max)[1],
            f"largest |eigenvalue| of H: (t_max)/(1) = {fmt(drop_flat, 2)}",
            "on the same path: holds if the largest |eigenvalue| of the Hessian at t_max is "
            f"<= {_sci(drop_max)} times its value at t = 1; partly if it decreases over the "
            "last half; else (or with no path) does not hold",
            "a flat solution in the limit",
            series(knob, grid, drop_max, flat_at)[::-1] if path else (),
        ),
    ]
    claim = row(
        "ws-thm7-limit",
        "Thm. 7",
        "the upper bound of lambda_max tends to zero when every e_i -> 0",
        "Eq. (33): the bound becomes zero when the network fits every training "
        "sample with full confidence, resulting in a flat solution (formula lost)",
        statements,
        QUOTES,
        READINGS,
    )
    values = dict(
        gamma=gamma,
        drop=drop,
        drop_flat=drop_flat,
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
    the number of parameters ``n_params`` (n). Two statements: the assumption that critical
    points are PSD (not checkable: an assumption, not a claim) and the relation.

    Test of the relation: at every point with lambda_min >= -``psd_rtol`` |lambda_max| (PSD up
    to round-off), tr^2/n <= tr2 <= tr^2 and tr/n <= lambda_max <= lambda_WS <= tr, each to
    ``rtol`` relative; holds if every such point satisfies all four, does not hold if one fails
    or no point is PSD. ``values``: ``psd`` (M,) and ``ok`` (one per PSD point) masks,
    ``n_psd``, ``n_ok``."""
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
    statements = [
        uncheckable(
            "ws-prop8-psd-assumption",
            "we assume that the critical points reached during training possess an ideal "
            "shape; specifically, the Hessian is assumed to be a positive semi-definite matrix",
            "an assumption the paper makes to simplify its discussion, not a claim about the "
            f"runs; for the record, {n_psd} of the {M} unique critical points satisfy it",
        ),
        statement(
            "ws-prop8-psd-relation",
            "In this case, the following relationship holds between [tr(H)] and [tr(H^2)]",
            "holds" if n_psd and n_ok == n_psd else "does not hold",
            f"{n_ok} of {n_psd} PSD critical points (of {M}) satisfy all four inequalities",
            "at every unique critical point with lambda_min >= -psd_rtol lambda_max: "
            "tr^2/n <= tr2 <= tr^2, tr/n <= lambda_max <= lambda_WS <= tr; holds if all do, "
            "else (or with no PSD point) does not hold",
            "Eq. (34): a relation between tr(H) and tr(H^2) for a positive semi-definite "
            "Hessian (formula lost)",
            series("psd_rtol", (0.0, 1e-12, 1e-10, 1e-8, 1e-6), psd_rtol, at),
        ),
    ]
    claim = row(
        "ws-prop8-psd",
        "Prop. 8",
        "at a positive semi-definite Hessian, tr(H)^2/n <= tr(H^2) <= tr(H)^2",
        "Eq. (34): a relation between tr(H) and tr(H^2) for a positive "
        "semi-definite Hessian (formula lost)",
        statements,
        QUOTES,
        READINGS,
    )
    return Outcome(claim, dict(psd=psd, ok=ok, n_psd=n_psd, n_ok=n_ok))

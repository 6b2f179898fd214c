"""HSR Fig. 13, "A-SAM can stop at a saddle; HSR does not": the test of ledger row ``hsr-fig13``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    positive,
)
from ...experiments.methods import METHOD_LABELS
from ...experiments.stats import whisker_tip
from ..ledger import (
    Outcome,
    Quote,
    fmt,
)
from ..sensitivity import series
from ._shared import NAN, method_arrays, row, statement, uncheckable

__all__ = ["QUOTES", "READINGS", "saddle_depth", "hsr_fig13"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "hsr-fig13": Quote(
        "HSR",
        "Section VI-B",
        "From these results, a clear saddle point was observed for A-SAM. In recent deep "
        "learning literature, this may not pose a significant issue because several methods"
        " exist to escape from saddle points. However, since the termination of training at"
        " a saddle point carries a potential risk of training failure, it cannot be "
        "considered a desirable state. In contrast, no clear saddle point was observed for "
        "HSR regularization.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig13": "The passage makes two statements of observation and two judgements. The paper "
    "shows the point 'at the tip of the whisker' of A-SAM's lambda_min box on the Flat seeds "
    "(Fig. 12D) and the same for HSR Reg.; we take that point as the box plot draws it (the "
    "lowest lambda_min within 1.5 IQR of the lower quartile, over all runs of the group). 'A "
    "clear saddle point' is read from the figure's two lines on one axis: along v_min the loss "
    "falls below its value at the point by at least 5% of its rise along v_max over the plotted "
    "steps (a fall that small relative to the blue line would not be seen). Each observation is "
    "tested on its own: 'a clear saddle point was observed for A-SAM' holds when A-SAM's point "
    "is a clear saddle and does not hold when it is not (whether or not HSR Reg.'s is); 'no "
    "clear saddle point was observed for HSR regularization' holds when HSR Reg.'s point is not "
    "a clear saddle. That escaping saddles may make them harmless, and that stopping at one is "
    "not desirable, are judgements no run can check. The book's earlier readings (a count of "
    "negative eigenvalues; one rule for both sentences) are kept beside the statements.",
}


# ----- HSR Fig. 13: saddles ------------------------------------------------------------------
def saddle_depth(along_max, along_min, loss0) -> np.ndarray:
    """How clearly a point is a saddle on HSR Fig. 13's plot, per row: the largest fall of
    the loss below L(theta*) along v_min over the plotted steps, as a fraction of the rise
    along v_max over the same steps (both lines share the figure's axis). Each line is taken
    by its even part, the mean of the loss at +t and -t (the steps must be symmetric about
    0), so that a slope left at a point that is not exactly critical is not counted as a
    fall. ``along_max``, ``along_min``: ``(S, T)``; ``loss0``: ``(S,)``. 0 where the loss
    never falls; NaN where a row is not finite (a diverged run)."""
    even_max = 0.5 * (along_max + along_max[:, ::-1])
    even_min = 0.5 * (along_min + along_min[:, ::-1])
    fall = np.maximum(0.0, loss0 - np.min(even_min, axis=1))
    rise = np.max(even_max, axis=1) - loss0
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(fall > 0, fall / np.where(rise > 0, rise, np.inf), 0.0)
    bad = ~(np.all(np.isfinite(along_max), axis=1) & np.all(np.isfinite(along_min), axis=1))
    return np.where(bad | ~np.isfinite(loss0), np.nan, r)


_SAYS_ASAM = "a clear saddle point was observed for A-SAM"
_SAYS_HSR = "no clear saddle point was observed for HSR regularization"


def _judgements():
    return [
        uncheckable(
            "hsr-fig13-escape",
            "In recent deep learning literature, this may not pose a significant issue because "
            "several methods exist to escape from saddle points",
            "a judgement about the literature's methods, not an observation of these runs",
        ),
        uncheckable(
            "hsr-fig13-undesirable",
            "since the termination of training at a saddle point carries a potential risk of "
            "training failure, it cannot be considered a desirable state",
            "a judgement of what a good end of training is; no measurement decides it",
        ),
    ]


def hsr_fig13(
    lambda_min: dict,
    lambda_max: dict,
    converged: dict,
    saddle_rel: float = 1e-3,
    along_max: dict | None = None,
    along_min: dict | None = None,
    loss0: dict | None = None,
    in_group=None,
    whis: float = 1.5,
    clear_frac: float = 0.05,
) -> Outcome:
    """HSR Fig. 13, "A-SAM can stop at a saddle; HSR does not", from each method's final
    points over all Flat and Sharp seeds (method -> ``(S,)``): ``lambda_min``,
    ``lambda_max``, ``converged`` (boolean, the run stopped at a critical point); for the
    book's reading also ``along_max``, ``along_min`` (method -> ``(S, T)``: the loss along
    the unit eigenvectors of lambda_max and lambda_min through each final point over the
    plotted steps), ``loss0`` (method -> ``(S,)``) and ``in_group`` (boolean ``(S,)``: the
    Flat seeds, the group the paper names). Methods in display order, at least ``asam`` and
    ``hsr``.

    Statements (the book's reading): each method's point shown is the tip of its lambda_min
    whisker in the group, as the box plot of Fig. 12D draws it (:func:`whisker_tip`, factor
    ``whis``, over all runs of the group); it is a *clear* saddle when the loss falls below
    L(theta*) along v_min by at least ``clear_frac`` of its rise along v_max on the same
    plotted range (:func:`saddle_depth`).

    - ``hsr-fig13-asam-saddle``, "a clear saddle point was observed for A-SAM": holds when
      A-SAM's point is a clear saddle, else does not hold;
    - ``hsr-fig13-hsr-no-saddle``, "no clear saddle point was observed for HSR
      regularization": holds when HSR Reg.'s point is not a clear saddle, else does not hold;
    - two judgements (escaping saddles; stopping at one is not desirable): not checkable.

    The row combines the two observations (:func:`hsr.claims.combine_verdicts`). Earlier
    readings, kept as ``earlier``: one rule for both sentences on the same points (A-SAM's
    clear and HSR Reg.'s not: holds; the reverse: does not hold; else partly), and before it
    a count over all runs (a saddle is a converged run with lambda_min < -``saddle_rel`` *
    lambda_max; A-SAM >= 1 and HSR Reg. 0: holds; HSR Reg. fewer than A-SAM but > 0: partly).
    Without the curves the statements are read on those counts (A-SAM at least one saddle;
    HSR Reg. none)."""
    need = ("asam", "hsr")
    lmin = method_arrays("lambda_min", lambda_min, need)
    lmax = method_arrays("lambda_max", lambda_max, tuple(lmin))
    S = next(iter(lmin.values())).size
    if next(iter(lmax.values())).size != S:
        raise ValueError(f"lambda_max must hold one value per run ({S},)")
    if not isinstance(converged, dict) or any(m not in converged for m in lmin):
        raise ValueError(f"converged must be a dict holding the methods {list(lmin)}")
    conv = {}
    for m in lmin:
        c = np.asarray(converged[m])
        if c.dtype != bool or c.shape != (S,):
            raise ValueError(f"converged[{m!r}] must be a boolean mask of shape ({S},)")
        conv[m] = c
    positive("saddle_rel", saddle_rel, allow_zero=True)

    def counts_at(r):
        return {m: int((conv[m] & (lmin[m] < -r * lmax[m])).sum()) for m in lmin}

    saddles = counts_at(float(saddle_rel))
    a, h = saddles["asam"], saddles["hsr"]
    old_verdict = "holds" if a >= 1 and h == 0 else "partly" if h > 0 and a > h else "does not hold"
    old_measured = (
        f"saddles (converged, lambda_min < -{saddle_rel:g} lambda_max) among {S} runs each: "
        + ", ".join(f"{METHOD_LABELS.get(m, m)} {saddles[m]}" for m in lmin)
    )
    old_test = (
        "a saddle is a converged run with lambda_min < -saddle_rel lambda_max, over all runs: "
        "A-SAM >= 1 saddle and HSR Reg. 0: holds; HSR Reg. fewer than A-SAM but > 0: partly; "
        "else does not hold (one rule for both sentences)"
    )
    values = dict(saddles=saddles, n_runs=S, verdict_earlier=old_verdict)
    earlier_count = dict(test=old_test, measured=old_measured, verdict=old_verdict)
    given = [x is not None for x in (along_max, along_min, loss0, in_group)]
    if any(given) and not all(given):
        raise ValueError("along_max, along_min, loss0 and in_group go together: give all four")
    rels = sorted({1e-5, 1e-4, 1e-3, 1e-2, 1e-1, float(saddle_rel)})
    if not all(given):  # the statements on the counts alone

        def asam_count(r):
            n = counts_at(r)["asam"]
            return n, "holds" if n >= 1 else "does not hold"

        def hsr_count(r):
            n = counts_at(r)["hsr"]
            return n, "holds" if n == 0 else "does not hold"

        count_text = (
            f"(on the counts of saddles: converged runs with lambda_min < -{saddle_rel:g} "
            "lambda_max, over all runs)"
        )
        sts = [
            statement(
                "hsr-fig13-asam-saddle",
                _SAYS_ASAM,
                asam_count(float(saddle_rel))[1],
                f"A-SAM: {a} saddle(s) among {S} runs",
                f"A-SAM has at least one saddle {count_text}: holds, else does not hold",
                "a clear saddle point at the tip of A-SAM's lambda_min whisker (Flat seeds)",
                series("saddle_rel", rels, float(saddle_rel), asam_count),
            ),
            statement(
                "hsr-fig13-hsr-no-saddle",
                _SAYS_HSR,
                hsr_count(float(saddle_rel))[1],
                f"HSR Reg.: {h} saddle(s) among {S} runs",
                f"HSR Reg. has no saddle {count_text}: holds, else does not hold",
                "no clear saddle for HSR Reg.",
                series("saddle_rel", rels, float(saddle_rel), hsr_count),
            ),
            *_judgements(),
        ]
        claim = row(
            "hsr-fig13",
            "Fig. 13",
            _CLAIM,
            _FIG13_REPORTS,
            sts,
            QUOTES,
            READINGS,
            (earlier_count,),
        )
        values.update(asam_saddle=sts[0].verdict, hsr_no_saddle=sts[1].verdict)
        return Outcome(claim, values)

    methods = list(lmin)
    amax = method_arrays("along_max", along_max, methods, ndim=2)
    amin = method_arrays("along_min", along_min, methods, ndim=2)
    l0 = method_arrays("loss0", loss0, methods)
    if (
        next(iter(amax.values())).shape[0] != S
        or next(iter(amin.values())).shape != next(iter(amax.values())).shape
    ):
        raise ValueError(f"along_max and along_min must hold ({S}, T) losses per method")
    if next(iter(l0.values())).shape != (S,):
        raise ValueError(f"loss0 must hold one loss per run ({S},)")
    grp = np.asarray(in_group)
    if grp.dtype != bool or grp.shape != (S,) or not grp.any():
        raise ValueError(f"in_group must be a boolean mask of shape ({S},) with a True entry")
    positive("whis", whis)
    positive("clear_frac", clear_frac)
    depth = {m: saddle_depth(amax[m], amin[m], l0[m]) for m in methods}
    rows = np.flatnonzero(grp)

    def tips(w):
        out = {}
        for m in methods:
            if np.all(np.isnan(lmin[m][rows])):
                out[m] = -1
            else:
                out[m] = int(rows[whisker_tip(lmin[m][rows], w)])
        return out

    def rule(w, cf):
        tp = tips(w)
        r = {m: (float(depth[m][tp[m]]) if tp[m] >= 0 else NAN) for m in need}
        clear = {m: bool(r[m] >= cf) for m in need}
        return tp, r, clear

    def asam_at(w, cf):
        _, r, clear = rule(w, cf)
        return r["asam"], "holds" if clear["asam"] else "does not hold"

    def hsr_at(w, cf):
        _, r, clear = rule(w, cf)
        return r["hsr"], "does not hold" if clear["hsr"] else "holds"

    def combined_at(w, cf):  # the earlier rule: one verdict for both sentences
        _, r, clear = rule(w, cf)
        if clear["asam"] and not clear["hsr"]:
            return "holds"
        if clear["hsr"] and not clear["asam"]:
            return "does not hold"
        return "partly"

    tip, ratio, clear = rule(whis, clear_frac)
    n_clear = {
        m: int(np.sum(depth[m][rows] >= clear_frac)) for m in methods
    }  # clear saddles among every run of the group, converged or not
    lo_q = {m: float(np.nanquantile(lmin[m][rows] / lmax[m][rows], 0.1)) for m in methods}

    def point_text(m):
        if tip[m] < 0:
            return f"{METHOD_LABELS.get(m, m)}: no finite run in the group"
        return (
            f"{METHOD_LABELS.get(m, m)}'s point at the tip of the lambda_min whisker (run "
            f"{tip[m]} of the comparison): lambda_min {fmt(lmin[m][tip[m]])}, lambda_max "
            f"{fmt(lmax[m][tip[m]])}, the loss falls along v_min by {fmt(ratio[m])} of its rise "
            f"along v_max ({'a clear saddle' if clear[m] else 'not a clear saddle'}); clear "
            f"saddles among the group's {rows.size} runs: {n_clear[m]}"
        )

    rule_text = (
        f"the point at the tip of the method's lambda_min whisker on the Flat seeds (box plot, "
        f"whiskers at {whis:g} IQR) is a clear saddle when the loss falls along v_min by >= "
        f"{clear_frac:g} of its rise along v_max over the plotted steps"
    )
    cfs = (0.01, 0.02, 0.1, 0.2)
    ws_ = (1.0, 3.0, float("inf"))
    wknob = "whisker factor (inf: the most negative run)"
    sts = [
        statement(
            "hsr-fig13-asam-saddle",
            _SAYS_ASAM,
            asam_at(whis, clear_frac)[1],
            point_text("asam"),
            f"{rule_text}: A-SAM's point a clear saddle: holds; not a clear saddle: does not hold",
            "a clear saddle point at the tip of A-SAM's lambda_min whisker (Flat seeds)",
            series("clear_frac", cfs, clear_frac, lambda cf: asam_at(whis, cf))
            + series(wknob, ws_, whis, lambda w: asam_at(w, clear_frac)),
        ),
        statement(
            "hsr-fig13-hsr-no-saddle",
            _SAYS_HSR,
            hsr_at(whis, clear_frac)[1],
            point_text("hsr"),
            f"{rule_text}: HSR Reg.'s point not a clear saddle: holds; a clear saddle: does not "
            "hold",
            "no clear saddle at the tip of HSR Reg.'s lambda_min whisker (Flat seeds)",
            series("clear_frac", cfs, clear_frac, lambda cf: hsr_at(whis, cf))
            + series(wknob, ws_, whis, lambda w: hsr_at(w, clear_frac)),
        ),
        *_judgements(),
    ]
    combined = combined_at(whis, clear_frac)
    earlier_tip = dict(
        test=f"{rule_text}; one rule for both sentences: A-SAM's clear and HSR Reg.'s not: "
        "holds; the reverse: does not hold; else partly (it could not say 'does not hold' when "
        "A-SAM's point is simply no saddle)",
        measured="; ".join(point_text(m) for m in need),
        verdict=combined,
    )
    claim = row(
        "hsr-fig13",
        "Fig. 13",
        _CLAIM,
        _FIG13_REPORTS,
        sts,
        QUOTES,
        READINGS,
        (earlier_tip, earlier_count),
    )
    values.update(
        tip=tip,
        ratio=ratio,
        clear=clear,
        depth=depth,
        n_clear=n_clear,
        lambda_min_q10=lo_q,
        most_negative={m: int(rows[np.nanargmin(lmin[m][rows])]) for m in methods},
        verdict_combined=combined,
        asam_saddle=sts[0].verdict,
        hsr_no_saddle=sts[1].verdict,
    )
    return Outcome(claim, values)


_CLAIM = "A-SAM can stop at a saddle; HSR does not"

_FIG13_REPORTS = (
    "a clear saddle point at the tip of A-SAM's lambda_min whisker (Flat seeds); "
    "no clear saddle for HSR Reg."
)

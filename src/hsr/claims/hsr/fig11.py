"""HSR Fig. 11, "HSR consistently reaches flat minima": the test of ledger row ``hsr-fig11``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    fraction,
    positive,
)
from ...experiments.methods import METHOD_LABELS
from ...experiments.stats import paired_wilcoxon
from ..ledger import (
    Outcome,
    Quote,
    fmt,
)
from ..sensitivity import series
from ._shared import ALPHAS, method_arrays, row, share_of_methods, statement

__all__ = ["QUOTES", "READINGS", "hsr_fig11"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "hsr-fig11": Quote(
        "HSR",
        "Section VI-B",
        "From this plot, it can be seen that each method controlling the eigenvalues "
        "prefers flatter minima compared to the plain gradient descent method. Among them, "
        "it can be confirmed that HSR regularization consistently converges to flat minima.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig11": "Flatness is read as the HSR paper defines it (Section I: quantified by the "
    "eigenvalues of the Hessian of the Taylor-expanded loss): the rise of the loss along the "
    "top eigenvector at a small step, t = 0.1, inside the quadratic regime, on the figure's "
    "own line. The passage makes two statements. 'Each method controlling the eigenvalues "
    "prefers flatter minima compared to the plain gradient descent method' is said of each "
    "of the three regularizers and compares it with Baseline from the same Sharp seeds; "
    "'prefers' is a tendency, read as the papers' test of a paired difference: the rise of "
    "each regularizer below Baseline's in a one-sided paired Wilcoxon signed-rank test at 1% "
    "(all three: holds; two: partly). 'Among them, ... HSR regularization consistently "
    "converges to flat minima', said of a plot of all Sharp seeds, is read as a statement "
    "about the distribution over seeds: HSR Reg. has the smallest median and the smallest "
    "upper tail (90% quantile) of that rise of the four methods ('among them'); the "
    "seed-by-seed share against Baseline is shown beside it.",
}


# ----- HSR Fig. 11: flat minima along the top eigenvector ----------------------------------------
def _rises_by_step(rises, step, methods_needed):
    """``{t: {method: (S,)}}`` checked: every step holds the same methods and seed count."""
    if not isinstance(rises, dict) or not rises:
        raise ValueError("rises must be a non-empty dict step t -> {method: (S,) rise}")
    out = {}
    for t, by in rises.items():
        if isinstance(t, bool) or not (isinstance(t, (int, float)) and np.isfinite(t) and t > 0):
            raise ValueError(f"rises must be keyed by positive steps t, got {t!r}")
        out[float(t)] = method_arrays(f"rises[{t!r}]", by, methods_needed)
    shapes = {(tuple(v), next(iter(v.values())).shape) for v in out.values()}
    if len(shapes) != 1:
        raise ValueError("rises must hold the same methods and seeds at every step")
    if step is None or float(step) not in out:
        raise ValueError(f"step must be one of the steps of rises {sorted(out)}, got {step!r}")
    return out, float(step)


_SAYS_EACH = (
    "each method controlling the eigenvalues prefers flatter minima compared to the plain "
    "gradient descent method"
)
_SAYS_HSR = "Among them, ... HSR regularization consistently converges to flat minima"


def hsr_fig11(
    curves: dict,
    loss0: dict,
    step_max: float,
    rises: dict | None = None,
    step: float | None = None,
    tail: float = 0.9,
    alpha: float = 0.01,
) -> Outcome:
    """HSR Fig. 11, "HSR consistently reaches flat minima", at each method's final point on
    the Sharp seeds. ``curves``: method -> ``(S, T)`` losses along the top eigenvector at the
    steps t in [-step_max, step_max] (first and last columns at -step_max and +step_max);
    ``loss0``: method -> ``(S,)`` the loss at the final point; ``rises``: step t -> method
    -> ``(S,)`` the rise max(L(theta* +- t v)) - L(theta*) at small steps (see
    :func:`hsr.experiments.probes.loss_rise_along_top_eigenvector` with ``side="max"``) and
    ``step`` the t the test uses. Methods in display order, at least ``baseline`` and
    ``hsr``.

    Two statements, on the rise at the small step ``step`` (the Taylor quadratic term, HSR
    Section I; without ``rises``, on the rise at the ends of the line, +-step_max):

    - ``hsr-fig11-each-flatter``, "each method controlling the eigenvalues prefers flatter
      minima": for each regularizer present (Hessian Reg., A-SAM, HSR Reg.) a one-sided
      paired Wilcoxon signed-rank test, its rise below Baseline's on the same seeds, at
      ``alpha``; all of them: holds, at least 60% (two of three): partly, else does not hold;
    - ``hsr-fig11-hsr-consistent``, "HSR regularization consistently converges to flat
      minima": HSR Reg. has the smallest median AND the smallest ``tail`` quantile (upper
      tail) of the rise of all methods: holds; both below Baseline's: partly; else does not
      hold. The seed-by-seed share of seeds where HSR Reg. ends flatter than Baseline is
      reported, not tested.

    The earlier reading (the test the book published first: the rise at +-step_max, HSR Reg.
    below Baseline on >= 90% of seeds and the smallest median: holds; >= 50%: partly) is
    kept as ``earlier``; without ``rises`` it decides the second statement."""
    curves = method_arrays("curves", curves, ("baseline", "hsr"), ndim=2)
    loss0 = method_arrays("loss0", loss0, tuple(curves))
    S = next(iter(curves.values())).shape[0]
    if next(iter(loss0.values())).shape != (S,):
        raise ValueError(f"loss0 must hold one loss per seed ({S},)")
    positive("step_max", step_max)
    fraction("tail", tail)
    fraction("alpha", alpha)
    methods = list(curves)
    regs = [m for m in methods if m != "baseline"]
    rise = {m: np.maximum(curves[m][:, 0], curves[m][:, -1]) - loss0[m] for m in methods}
    med = {m: float(np.median(rise[m])) for m in methods}
    frac = float(np.mean(rise["hsr"] < rise["baseline"]))
    lowest = min(med, key=med.get)
    T = next(iter(curves.values())).shape[1]

    def old_rule(share, i=0):
        r = {m: np.maximum(curves[m][:, i], curves[m][:, -1 - i]) - loss0[m] for m in methods}
        md = {m: float(np.median(r[m])) for m in methods}
        f = float(np.mean(r["hsr"] < r["baseline"]))
        low = min(md, key=md.get)
        return f, (
            "holds" if f >= share and low == "hsr" else "partly" if f >= 0.5 else "does not hold"
        )

    old_verdict = old_rule(0.9)[1]
    old_measured = (
        f"median loss rise at t = +-{step_max} on {S} Sharp seeds: "
        + ", ".join(f"{METHOD_LABELS.get(m, m)} {med[m]:.3g}" for m in methods)
        + f"; HSR below Baseline on {frac:.0%} of the seeds"
    )
    old_test = (
        f"the rise at the ends of the plotted line (t = +-{step_max}): HSR's rise below "
        "Baseline's on >= 90% of Sharp seeds and the smallest median rise: holds; below "
        "Baseline on >= 50%: partly"
    )
    values = dict(rise=rise, medians=med, frac=frac, lowest=lowest, verdict_earlier=old_verdict)

    if rises is None:  # the ends of the line: the earlier reading's measure
        by_step, t0, where = {float(step_max): rise}, float(step_max), f"t = +-{fmt(step_max)}"
    else:
        by_step, t0 = _rises_by_step(rises, step, methods)
        if list(by_step[t0]) != methods or next(iter(by_step[t0].values())).shape != (S,):
            raise ValueError(
                f"rises must hold the methods {methods} with one value per seed ({S},)"
            )
        where = f"the small step t = {fmt(t0)}"

    # ----- each regularizer flatter than Baseline ------------------------------------------
    def each_at(t, a):
        r = by_step[t]
        p = {m: paired_wilcoxon(r[m], r["baseline"], "less")[0] for m in regs}
        n_ok = sum(bool(p[m] < a) for m in regs)
        return p, n_ok, share_of_methods(n_ok, len(regs))

    p_each, n_each, v_each = each_at(t0, alpha)
    r0 = by_step[t0]
    md = {m: float(np.median(r0[m])) for m in methods}
    tl = {m: float(np.quantile(r0[m], tail)) for m in methods}
    each_measured = (
        f"loss rise at {where} on {S} Sharp seeds, median / {tail:.0%} quantile: "
        + ", ".join(f"{METHOD_LABELS.get(m, m)} {md[m]:.3g} / {tl[m]:.3g}" for m in methods)
        + "; one-sided paired Wilcoxon p (rise below Baseline's): "
        + ", ".join(f"{METHOD_LABELS.get(m, m)} {fmt(p_each[m], 2)}" for m in regs)
        + f"; {n_each} of {len(regs)} significant at {alpha:g}"
    )
    each_test = (
        f"the rise at {where}: for each regularizer a one-sided paired Wilcoxon signed-rank "
        f"test, its rise below Baseline's on the same Sharp seeds, at {alpha:g}; all "
        f"{len(regs)}: holds; at least 60%: partly; else does not hold"
    )
    sens_each = series(
        "Wilcoxon alpha", ALPHAS, alpha, lambda a: (each_at(t0, a)[1], each_at(t0, a)[2])
    )
    if len(by_step) > 1:
        sens_each += series(
            "step t of the loss rise",
            tuple(by_step),
            t0,
            lambda t: (each_at(t, alpha)[1], each_at(t, alpha)[2]),
        )

    # ----- HSR Reg. consistently flat --------------------------------------------------------
    def new_rule(t, q):
        r = by_step[t]
        md_ = {m: float(np.median(r[m])) for m in methods}
        tl_ = {m: float(np.quantile(r[m], q)) for m in methods}
        best_md = min(md_, key=md_.get) == "hsr"
        best_tl = min(tl_, key=tl_.get) == "hsr"
        if best_md and best_tl:
            v = "holds"
        elif md_["hsr"] < md_["baseline"] and tl_["hsr"] < tl_["baseline"]:
            v = "partly"
        else:
            v = "does not hold"
        return md_, tl_, v

    frac_local = float(np.mean(r0["hsr"] < r0["baseline"]))
    if rises is None:
        v_hsr = old_verdict
        hsr_measured, hsr_test = old_measured, old_test
        sens_hsr = series("share for holds", (0.75, 0.8, 0.9, 0.95, 1.0), 0.9, old_rule)
        if T >= 5:
            sens_hsr += series(
                "t_max / step_max",
                (0.25, 0.5, 0.75),
                1.0,
                lambda sc: old_rule(0.9, int(round((1 - sc) * (T - 1) / 2))),
            )
        earlier = ()
    else:
        v_hsr = new_rule(t0, tail)[2]
        hsr_measured = (
            f"loss rise at {where} on {S} Sharp seeds, median / {tail:.0%} quantile: "
            + ", ".join(f"{METHOD_LABELS.get(m, m)} {md[m]:.3g} / {tl[m]:.3g}" for m in methods)
            + f"; seed by seed, HSR Reg. below Baseline on {frac_local:.0%} of the seeds"
        )
        hsr_test = (
            f"the rise at {where}: HSR Reg. has the smallest median and the smallest "
            f"{tail:.0%} quantile of all methods: holds; both below Baseline's: partly; else "
            "does not hold"
        )

        def hsr_stat(t, q, which):  # HSR Reg.'s median (0) or tail (1) and the verdict
            r = new_rule(t, q)
            return r[which]["hsr"], r[2]

        sens_hsr = series(
            "tail quantile", (0.75, 0.8, 0.95, 1.0), tail, lambda q: hsr_stat(t0, q, 1)
        )
        if len(by_step) > 1:
            sens_hsr += series(
                "step t of the loss rise", tuple(by_step), t0, lambda t: hsr_stat(t, tail, 0)
            )
        earlier = (
            dict(
                test=old_test + " (the statement 'HSR regularization consistently converges "
                "to flat minima')",
                measured=old_measured,
                verdict=old_verdict,
            ),
        )
    sts = [
        statement(
            "hsr-fig11-each-flatter",
            _SAYS_EACH,
            v_each,
            each_measured,
            each_test,
            "every eigenvalue-controlling method prefers flatter minima than plain GD along "
            "the top eigenvector",
            sens_each,
        ),
        statement(
            "hsr-fig11-hsr-consistent",
            _SAYS_HSR,
            v_hsr,
            hsr_measured,
            hsr_test,
            "HSR Reg. consistently converges to flat minima",
            sens_hsr,
        ),
    ]
    claim = row(
        "hsr-fig11",
        "Fig. 11",
        "HSR consistently reaches flat minima",
        _FIG11_REPORTS,
        sts,
        QUOTES,
        READINGS,
        earlier,
    )
    values.update(
        medians_local=md,
        tails_local=tl,
        frac_local=frac_local,
        lowest_local=min(md, key=md.get),
        lowest_tail_local=min(tl, key=tl.get),
        p_each=p_each,
        n_each=n_each,
        each_flatter=v_each,
        hsr_consistent=v_hsr,
        step_tested=t0,
    )
    return Outcome(claim, values)


_FIG11_REPORTS = (
    "every eigenvalue-controlling method prefers flatter minima than plain "
    "GD along the top eigenvector; HSR Reg. consistently converges to flat minima"
)

"""Kiselev et al., Fig. 2: the tests of ledger rows ``landscape-convergence``,
``landscape-rate`` and ``landscape-depth-width`` from the curves of
:func:`hsr.experiments.landscape.run_landscape_grid`.

:func:`convergence_test`, :func:`rate_test` and :func:`order_test` apply the rules; the row
functions return the rows (:class:`~hsr.claims.ledger.Outcome`) with the paper's words
(:data:`QUOTES`), the reading (:data:`READINGS`) and each threshold's sensitivity.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...experiments.landscape import fall_ratio, rank_correlation, rate_slope, window_mean
from ..ledger import (
    UNCHECKABLE,
    Outcome,
    Quote,
    Statement,
    combine_verdicts,
    fmt,
    statement_row,
    verdict_from_fraction,
)
from ..sensitivity import entry

__all__ = [
    "QUOTES",
    "READINGS",
    "FIG",
    "convergence_test",
    "rate_test",
    "bound_test",
    "order_rule",
    "order_test",
    "authors_order_test",
    "landscape_convergence",
    "landscape_rate",
    "landscape_depth_width",
]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "landscape-convergence": Quote(
        "Landscape",
        "Section 7, Conclusion",
        "Our theoretical analysis and empirical results demonstrate that the absolute "
        "difference between the average loss function values when adding one more object to "
        "the sample tends to zero as the number of available objects tends to infinity.",
    ),
    "landscape-rate": Quote(
        "Landscape",
        "Section 4.2",
        "Finally, the resulting estimate is inversely proportional to the sample size, "
        "exhibiting a sublinear rate of convergence.",
    ),
    "landscape-rate (second sentence)": Quote(
        "Landscape",
        "Section 5.2",
        "Additionally, the upper bound on the rate of this convergence holds true.",
    ),
    "landscape-depth-width": Quote(
        "Landscape",
        "Section 5.1",
        "From the dependencies observed, it is evident that although the change is not "
        "substantial, adding more layers leads to a greater difference in the loss functions "
        "(see the right side). Conversely, increasing the hidden size results in a smaller "
        "difference between the loss functions (see the left side).",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "landscape-convergence": "One statement. A limit cannot be observed in a finite run; its "
    "visible consequence is that the curve has no floor: it keeps falling through the last "
    "decade of k. The ratio of the curve's mean over [m/2, m) to its mean over [m/20, m/10) is "
    "about 0.1 for a 1/k fall and 1 on a floor; 0.5 sits between (a halving over a decade).",
    "landscape-rate": "Three statements. Eq. (3) is a proportionality to 1/k, so the measured "
    "curve should fall with slope -1 on log-log axes where k is large (the paper's bound is "
    "asymptotic); fitted on the unsmoothed average over the upper decade of k, where the "
    "running mean has settled. 'The upper bound on the rate of this convergence holds true' "
    "(said of the experiments) is read as: the curves fall at least as fast as 1/k, a slope "
    "no shallower than -1 + 0.1 (a bound C/k allows a faster fall, not a slower one). 'A "
    "sublinear rate of convergence' is the name of a 1/k rate, not a further observation.",
    "landscape-depth-width": "A statement about the vertical order of the curves in each "
    "panel: the level of a curve (its geometric mean over the upper decade of k, its height on "
    "the log plot) should rise with L and fall with h. What the words claim: 'adding more "
    "layers leads to a greater difference' and 'increasing the hidden size results in a "
    "smaller difference' state the direction of a dependence, each read off five curves "
    "('from the dependencies observed, it is evident'); neither states a size, and 'although "
    "the change is not substantial' (in the sentence on depth) concedes that the depth effect "
    "is small, so curves of neighbouring depths lie close and the noise of one training and "
    "100 orderings can swap them. The test therefore asks for an evident trend, not a perfect "
    "order: Spearman's rho of the level with L at least 0.5 (with h at most -0.5), the usual "
    "threshold of a strong correlation (with five curves: the order up to one curve two places "
    "out of line, or two swaps of neighbours, but not a curve three places out); a weaker "
    "trend in the claimed direction is partly. The book first asked rho >= 0.9 (one swap of "
    "neighbours); the authors' own Fig. 2, digitised, fails that threshold (rho_h = -0.7, "
    "their h = 4 curve below h = 8 and h = 16), so it was stricter than the authors' reading "
    "of their own figure; it is kept as the earlier reading. Whether the change is "
    "'substantial' has no yardstick in the paper: a judgement, listed as not checkable.",
}

#: the depth/width rule's threshold: Spearman's |rho| for 'holds' (an evident trend)
RHO_MIN = 0.5
#: the threshold the book published first (at most one adjacent swap of five curves)
RHO_MIN_EARLIER = 0.9


FIG = "Fig. 2"


def _verdict_fraction(passes) -> tuple[float, str]:
    f = float(np.mean(passes))
    return f, verdict_from_fraction(f)


def convergence_test(nets: dict, fall_max: float = 0.5) -> tuple[list[float], float, str]:
    """Row ``landscape-convergence``: the :func:`fall_ratio` of every net, the fraction of nets
    with ratio <= ``fall_max``, and the verdict (holds at >= 95% of nets, partly at >= 50%)."""
    ratios = [fall_ratio(n) for n in nets.values()]
    return (ratios, *_verdict_fraction([r <= fall_max for r in ratios]))


def rate_test(
    nets: dict, k_frac: float = 0.1, slope_tol: float = 0.1
) -> tuple[list[float], float, str]:
    """Row ``landscape-rate``: the :func:`rate_slope` of every net over ``k >= k_frac m``, the
    fraction with ``|slope + 1| <= slope_tol``, and the verdict (95% / 50%)."""
    slopes = [rate_slope(n, k_frac) for n in nets.values()]
    return (slopes, *_verdict_fraction([abs(s + 1.0) <= slope_tol for s in slopes]))


def order_rule(
    level_h: dict[int, float], level_L: dict[int, float], rho_min: float = RHO_MIN
) -> dict:
    """The depth/width rule on given curve levels: ``level_h`` ``{h: level}`` of the panel with
    h varied, ``level_L`` ``{L: level}`` of the panel with L varied. Spearman's rho of the level
    with L and with h; depth holds if ``rho_L >= rho_min``, partly if > 0; width holds if
    ``rho_h <= -rho_min``, partly if < 0; the row combines them
    (:func:`hsr.claims.combine_verdicts`). Returns ``rho_L``, ``rho_h``, ``verdict_L``,
    ``verdict_h``, ``verdict`` and ``text``."""
    rho_L = rank_correlation(list(level_L), list(level_L.values()))
    rho_h = rank_correlation(list(level_h), list(level_h.values()))
    v_L = "holds" if rho_L >= rho_min else "partly" if rho_L > 0 else "does not hold"
    v_h = "holds" if rho_h <= -rho_min else "partly" if rho_h < 0 else "does not hold"
    return {
        "rho_L": rho_L,
        "rho_h": rho_h,
        "verdict_L": v_L,
        "verdict_h": v_h,
        "verdict": combine_verdicts([v_L, v_h]),
        "text": f"rho_L = {rho_L:.2f} ({v_L}), rho_h = {rho_h:.2f} ({v_h})",
    }


def order_test(
    nets: dict,
    left: Sequence[tuple[int, int]],
    right: Sequence[tuple[int, int]],
    k_frac: float = 0.1,
    rho_min: float = RHO_MIN,
) -> dict:
    """Row ``landscape-depth-width``: the level of each curve (geometric mean over
    ``k >= k_frac m``), Spearman's rho of the level with L over the ``right`` panel's points and
    with h over the ``left`` panel's, and the verdicts of :func:`order_rule`. Returns its dict
    and ``levels`` ``{(h, L): level}``."""
    lev = {p: window_mean(nets[p], k_frac, 1.0, geometric=True) for p in (*left, *right)}
    od = order_rule({p[0]: lev[p] for p in left}, {p[1]: lev[p] for p in right}, rho_min)
    return {"levels": lev, **od}


def authors_order_test(curves: dict, k_frac: float = 0.1, rho_min: float = RHO_MIN) -> dict:
    """:func:`order_rule` on the landscape authors' own Fig. 2 curves
    (:func:`hsr.experiments.landscape.authors.authors_fig2`: ``{"hidden_size": {(h, L): curve},
    "num_layers": {...}}``), each panel on its own curves (their h = 16, L = 5 net is drawn in
    both, with different orderings). The level is the geometric mean of the drawn curve over
    ``k >= k_frac m`` (m = 10,000): their curves exist only smoothed by the EMA, ours are
    levelled unsmoothed. Returns the :func:`order_rule` dict and ``levels_h``, ``levels_L``."""
    lev = {
        panel: {p: c.window_mean(k_frac, 1.0, geometric=True) for p, c in curves[panel].items()}
        for panel in ("hidden_size", "num_layers")
    }
    level_h = {h: v for (h, _), v in lev["hidden_size"].items()}
    level_L = {L: v for (_, L), v in lev["num_layers"].items()}
    return {"levels_h": level_h, "levels_L": level_L, **order_rule(level_h, level_L, rho_min)}


# ----- the rows of the Figure 2 page ---------------------------------------------------------
def _range_text(values, digits: int = 2) -> str:
    """``"<min> to <max>"`` of ``values`` with ``digits`` significant digits."""
    return f"{fmt(min(values), digits)} to {fmt(max(values), digits)}"


def _statement(sid, says, verdict, measured, test, paper_reports, sens) -> Statement:
    return Statement(
        sid,
        says,
        verdict,
        measured=measured,
        test=test,
        paper_reports=paper_reports,
        sensitivity=tuple(sens),
    )


def _row(rid, claim, paper_reports, statements, earlier=(), paper_says=None):
    return statement_row(
        rid,
        "Landscape",
        FIG,
        claim,
        paper_reports,
        statements,
        paper_says if paper_says is not None else str(QUOTES[rid]),
        READINGS[rid],
        earlier,
    )


def landscape_convergence(
    nets: dict, runs: dict, main: str, fall_max: float = 0.5, k_small: int = 10
) -> Outcome:
    """Row ``landscape-convergence`` from the nets ``{(h, L): NetCurves}`` of the data set
    ``main`` (``runs``: the nets of every data set, for the sensitivity): one statement,
    ``landscape-convergence-to-zero``, :func:`convergence_test` at ``fall_max``; ``values``:
    ``ratios``, ``fraction``, ``small``/``large`` (the smoothed curves at ``k_small`` and at
    the largest k)."""
    ratios, frac, verdict = convergence_test(nets, fall_max)
    m = next(iter(nets.values())).losses.size
    ks = min(int(k_small), m - 1)
    small = [n.smoothed[ks - 1] for n in nets.values()]
    large = [n.smoothed[-1] for n in nets.values()]
    sens = []
    for t in sorted({0.2, 0.3, 0.5, 0.7, 0.9, float(fall_max)}):
        _, f, v = convergence_test(nets, t)
        sens.append(entry("fall_max", t, f"{f:.2f} of nets pass", v, t == fall_max))
    for name, R in runs.items():
        r, f, v = convergence_test(R, fall_max)
        stat = f"ratios {_range_text(r)}; {f:.2f} pass"
        sens.append(entry("dataset", name, stat, v, name == main))
    reports = (
        "curves fall from about 0.3-0.5 at small k to about 3e-5 to 8e-5 at k = 10^4 (10,000 "
        "MNIST images)"
    )
    st = _statement(
        "landscape-convergence-to-zero",
        "the absolute difference between the average loss function values when adding one more "
        "object to the sample tends to zero as the number of available objects tends to "
        "infinity",
        verdict,
        f"fall ratio (mean over [m/2, m)) / (mean over [m/20, m/10)) {_range_text(ratios)} "
        f"over {len(nets)} nets; smoothed curve {_range_text(small)} at k = {ks}, "
        f"{_range_text(large)} at k = {m - 1} ({main}, m = {m})",
        f"a net passes if its fall ratio <= {fall_max}; holds if >= 95% of nets pass, partly if "
        ">= 50%",
        reports,
        sens,
    )
    claim = _row(
        "landscape-convergence",
        "the difference |L_{k+1} - L_k| at theta-hat tends to zero as k grows",
        reports,
        [st],
    )
    return Outcome(claim, dict(ratios=ratios, fraction=frac, small=small, large=large))


def bound_test(
    nets: dict, k_frac: float = 0.1, slope_tol: float = 0.1
) -> tuple[list[float], float, str]:
    """Statement ``landscape-rate-upper-bound``: the :func:`rate_slope` of every net over
    ``k >= k_frac m``, the fraction falling at least as fast as 1/k (``slope <= -1 +
    slope_tol``), and the verdict (holds at >= 95% of nets, partly at >= 50%)."""
    slopes = [rate_slope(n, k_frac) for n in nets.values()]
    return (slopes, *_verdict_fraction([s <= -1.0 + slope_tol for s in slopes]))


def landscape_rate(
    nets: dict, runs: dict, main: str, k_frac: float = 0.1, slope_tol: float = 0.1
) -> Outcome:
    """Row ``landscape-rate``: three statements, ``landscape-rate-inverse`` (:func:`rate_test`
    on the nets of ``main``: |slope + 1| <= ``slope_tol``), ``landscape-rate-sublinear`` (the
    name of the rate: not checkable) and ``landscape-rate-upper-bound`` (:func:`bound_test`:
    slope <= -1 + ``slope_tol``); ``values``: ``slopes``, ``fraction``, ``fraction_bound``."""
    slopes, frac, verdict = rate_test(nets, k_frac, slope_tol)
    _, frac_b, verdict_b = bound_test(nets, k_frac, slope_tol)

    def grid(test):
        sens = []
        for fr in sorted({0.01, 0.03, 0.1, 0.3, float(k_frac)}):
            for tl in sorted({0.05, 0.1, 0.2, float(slope_tol)}):
                sl, f, v = test(nets, fr, tl)
                stat = f"slopes {_range_text(sl, 3)}; {f:.2f} pass"
                chosen = (fr, tl) == (k_frac, slope_tol)
                sens.append(entry("k_frac, slope_tol", f"{fr}, {tl}", stat, v, chosen))
        for name, R in runs.items():
            sl, f, v = test(R, k_frac, slope_tol)
            stat = f"slopes {_range_text(sl, 3)}; {f:.2f} pass"
            sens.append(entry("dataset", name, stat, v, name == main))
        return sens

    measured = f"log-log slopes over k >= {k_frac} m: {_range_text(slopes, 3)} over {len(nets)} "
    sts = [
        _statement(
            "landscape-rate-inverse",
            "the resulting estimate is inversely proportional to the sample size",
            verdict,
            measured + f"nets ({main}); {frac:.2f} within {slope_tol} of -1",
            f"a net passes if |slope + 1| <= {slope_tol}; holds if >= 95% of nets pass, partly "
            "if >= 50%",
            "eq. (3): |L_{k+1} - L_k| proportional to L (h M)^(2L) R^2 / k",
            grid(rate_test),
        ),
        Statement(
            "landscape-rate-sublinear",
            "exhibiting a sublinear rate of convergence",
            UNCHECKABLE,
            why="the name of the 1/k rate of the statement before (a rate like 1/k is called "
            "sublinear), not a further observation",
            paper_reports="a sublinear rate of convergence",
        ),
        _statement(
            "landscape-rate-upper-bound",
            "the upper bound on the rate of this convergence holds true",
            verdict_b,
            measured + f"nets ({main}); {frac_b:.2f} fall at least as fast as 1/k",
            f"a net passes if its slope <= -1 + {slope_tol} (no slower than 1/k); holds if >= "
            "95% of nets pass, partly if >= 50%",
            "'the upper bound on the rate of this convergence holds true' (no slope reported)",
            grid(bound_test),
        ),
    ]
    claim = _row(
        "landscape-rate",
        "|L_{k+1} - L_k| falls like 1/k (eq. (3))",
        "eq. (3): |L_{k+1} - L_k| proportional to L (h M)^(2L) R^2 / k; 'the upper bound on the "
        "rate of this convergence holds true' (no slope reported)",
        sts,
        paper_says=f"{QUOTES['landscape-rate']}; {QUOTES['landscape-rate (second sentence)']}",
    )
    return Outcome(claim, dict(slopes=slopes, fraction=frac, fraction_bound=frac_b))


def _spread_text(levels: dict) -> str:
    """The highest level over the lowest, of ``{param: level}``."""
    v = [x for x in levels.values() if x > 0]
    return fmt(max(v) / min(v), 3) if v else "undefined"


def landscape_depth_width(
    nets: dict,
    runs: dict,
    seed_runs: dict,
    left: Sequence[tuple[int, int]],
    right: Sequence[tuple[int, int]],
    main: str,
    k_frac: float = 0.1,
    rho_min: float = RHO_MIN,
    authors: dict | None = None,
) -> Outcome:
    """Row ``landscape-depth-width``: :func:`order_test` on the nets of ``main`` (``left``: the
    panel with h varied, ``right``: with L varied), three statements: ``landscape-depth``
    (rho_L >= ``rho_min``: holds, > 0: partly), ``landscape-width`` (rho_h <= -``rho_min``:
    holds, < 0: partly) and ``landscape-not-substantial`` (a judgement without a yardstick:
    not checkable; the spread of the levels is reported). Each statement's sensitivity
    re-applies its rule at other ``rho_min``, windows of k, training seeds (``seed_runs``,
    ``{seed: nets}``) and data sets, and, given ``authors`` (the authors' own Fig. 2 curves,
    :func:`hsr.experiments.landscape.authors.authors_fig2`), to their curves at every
    ``rho_min`` (:func:`authors_order_test`; never chosen). The reading published first
    (``rho_min`` = :data:`RHO_MIN_EARLIER`) is kept as ``earlier``, with the authors' figure
    under it. ``values``: the :func:`order_test` dict, ``authors`` (the
    :func:`authors_order_test` dict at ``k_frac``, ``rho_min``, or None), ``authors_earlier``
    (the same at :data:`RHO_MIN_EARLIER`) and ``earlier`` (ours at :data:`RHO_MIN_EARLIER`)."""
    od = order_test(nets, left, right, k_frac, rho_min)
    rhos = sorted({0.3, 0.5, 0.7, 0.8, 0.9, 1.0, float(rho_min)})
    sens = {"L": [], "h": []}

    def add(knob, value, o, chosen):
        for key in ("L", "h"):
            rho = o[f"rho_{key}"]
            sens[key].append(
                entry(knob, value, f"rho_{key} = {rho:.2f}", o[f"verdict_{key}"], chosen)
            )

    for t in rhos:
        add("rho_min", t, order_test(nets, left, right, k_frac, t), t == rho_min)
    for lo in sorted({0.0, 0.01, 0.1, 0.5, float(k_frac)}):
        o = order_test(nets, left, right, lo, rho_min)
        add("k window of the level", f"k >= {lo} m", o, lo == k_frac)
    for sd, R in seed_runs.items():
        add("training seed", sd, order_test(R, left, right, k_frac, rho_min), False)
    for name, R in runs.items():
        add("dataset", name, order_test(R, left, right, k_frac, rho_min), name == main)
    theirs = theirs_old = None
    if authors is not None:
        theirs = authors_order_test(authors, k_frac, rho_min)
        theirs_old = authors_order_test(authors, k_frac, RHO_MIN_EARLIER)
        knob = "rho_min on the authors' own Fig. 2 curves (their PDF, smoothed)"
        for t in rhos:
            add(knob, t, authors_order_test(authors, k_frac, t), False)
    levels_L = {p[1]: od["levels"][p] for p in right}
    their_L = their_h = ""
    if theirs is not None:
        their_L = f"; the authors' figure: rho_L = {theirs['rho_L']:.2f} ({theirs['verdict_L']})"
        their_h = f"; the authors' figure: rho_h = {theirs['rho_h']:.2f} ({theirs['verdict_h']})"
    sts = [
        _statement(
            "landscape-depth",
            "adding more layers leads to a greater difference in the loss functions",
            od["verdict_L"],
            f"Spearman rho(L, level) = {od['rho_L']:.2f} over L = {[p[1] for p in right]}"
            + their_L,
            f"holds if rho_L >= {rho_min} (an evident rising trend), partly if rho_L > 0, else "
            "does not hold",
            "right panel: the curves rise with L (h = 16), 'although the change is not "
            "substantial'",
            sens["L"],
        ),
        _statement(
            "landscape-width",
            "increasing the hidden size results in a smaller difference between the loss functions",
            od["verdict_h"],
            f"Spearman rho(h, level) = {od['rho_h']:.2f} over h = {[p[0] for p in left]}" + their_h,
            f"holds if rho_h <= -{rho_min} (an evident falling trend), partly if rho_h < 0, else "
            "does not hold",
            "left panel: the curves fall with h (L = 5)",
            sens["h"],
        ),
        Statement(
            "landscape-not-substantial",
            "although the change is not substantial",
            UNCHECKABLE,
            why="a judgement of size without a yardstick (the paper names none); the highest "
            f"level over the lowest across L: {_spread_text(levels_L)} here"
            + (
                f", {_spread_text(theirs['levels_L'])} on the authors' figure"
                if theirs is not None
                else ""
            ),
            paper_reports="the change with depth is not substantial",
        ),
    ]
    old = order_test(nets, left, right, k_frac, RHO_MIN_EARLIER)
    old_theirs = (
        f"; the authors' own figure under it: {theirs_old['text']}: {theirs_old['verdict']}"
        if theirs_old is not None
        else ""
    )
    earlier = (
        dict(
            test=f"depth holds if rho_L >= {RHO_MIN_EARLIER}, partly if > 0; width holds if "
            f"rho_h <= -{RHO_MIN_EARLIER}, partly if < 0 (at most one adjacent swap of five "
            "curves; the threshold published first)",
            measured=f"{old['text']}{old_theirs}",
            verdict=old["verdict"],
        ),
    )
    claim = _row(
        "landscape-depth-width",
        "more layers give a larger difference; a larger hidden size a smaller one",
        "right panel: the curves rise with L (h = 16), 'although the change is not "
        "substantial'; left panel: the curves fall with h (L = 5)",
        sts,
        earlier,
    )
    return Outcome(claim, {**od, "authors": theirs, "authors_earlier": theirs_old, "earlier": old})

"""Kiselev et al., Fig. 2: the tests of ledger rows ``landscape-convergence``,
``landscape-rate`` and ``landscape-depth-width`` from the curves of
:func:`hsr.experiments.landscape.run_landscape_grid`.

:func:`convergence_test`, :func:`rate_test` and :func:`order_test` apply the rules; the row
functions return the rows (:class:`~hsr.claims.ledger.Outcome`) with the paper's words
(:data:`QUOTES`), the reading (:data:`READINGS`) and each threshold's sensitivity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ...experiments.landscape import fall_ratio, rank_correlation, rate_slope, window_mean
from ..ledger import (
    Claim,
    Outcome,
    Quote,
    combine_verdicts,
    fmt,
    merge_claims,
    verdict_from_fraction,
)
from ..sensitivity import entry

__all__ = [
    "QUOTES",
    "READINGS",
    "FIG",
    "convergence_test",
    "rate_test",
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
    "landscape-convergence": "a limit cannot be observed in a finite run; its visible "
    "consequence is that the curve has no floor: it keeps falling through the last decade of k. "
    "The ratio of the curve's mean over [m/2, m) to its mean over [m/20, m/10) is about 0.1 for "
    "a 1/k fall and 1 on a floor; 0.5 sits between (a halving over a decade).",
    "landscape-rate": "eq. (3) is a proportionality to 1/k, so the measured curve should fall "
    "with slope -1 on log-log axes where k is large (the paper's bound is asymptotic); fitted on "
    "the unsmoothed average over the upper decade of k, where the running mean has settled.",
    "landscape-depth-width": "a statement about the vertical order of the curves in each "
    "panel: the level of a curve (its geometric mean over the upper decade of k, its height on "
    "the log plot) should rise with L and fall with h. With five nets a panel, rho >= 0.9 allows "
    "one adjacent swap; the paper's 'not substantial' is read as: the order, not the size of the "
    "gaps, is claimed.",
}


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


def order_rule(level_h: dict[int, float], level_L: dict[int, float], rho_min: float = 0.9) -> dict:
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
    rho_min: float = 0.9,
) -> dict:
    """Row ``landscape-depth-width``: the level of each curve (geometric mean over
    ``k >= k_frac m``), Spearman's rho of the level with L over the ``right`` panel's points and
    with h over the ``left`` panel's, and the verdicts of :func:`order_rule`. Returns its dict
    and ``levels`` ``{(h, L): level}``."""
    lev = {p: window_mean(nets[p], k_frac, 1.0, geometric=True) for p in (*left, *right)}
    od = order_rule({p[0]: lev[p] for p in left}, {p[1]: lev[p] for p in right}, rho_min)
    return {"levels": lev, **od}


def authors_order_test(curves: dict, k_frac: float = 0.1, rho_min: float = 0.9) -> dict:
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


def landscape_convergence(
    nets: dict, runs: dict, main: str, fall_max: float = 0.5, k_small: int = 10
) -> Outcome:
    """Row ``landscape-convergence`` from the nets ``{(h, L): NetCurves}`` of the data set
    ``main`` (``runs``: the nets of every data set, for the sensitivity): :func:`convergence_test`
    at ``fall_max``; ``values``: ``ratios``, ``fraction``, ``small``/``large`` (the smoothed
    curves at ``k_small`` and at the largest k)."""
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
    claim = Claim(
        id="landscape-convergence",
        paper="Landscape",
        figure=FIG,
        claim="the difference |L_{k+1} - L_k| at theta-hat tends to zero as k grows",
        paper_reports="curves fall from about 0.3-0.5 at small k to about 3e-5 to 8e-5 at "
        "k = 10^4 (10,000 MNIST images)",
        measured=f"fall ratio (mean over [m/2, m)) / (mean over [m/20, m/10)) "
        f"{_range_text(ratios)} over {len(nets)} nets; smoothed curve {_range_text(small)} at "
        f"k = {ks}, {_range_text(large)} at k = {m - 1} ({main}, m = {m})",
        test=f"a net passes if its fall ratio <= {fall_max}; holds if >= 95% of nets pass, "
        "partly if >= 50%",
        verdict=verdict,
        paper_says=str(QUOTES["landscape-convergence"]),
        reading=READINGS["landscape-convergence"],
        sensitivity=tuple(sens),
    )
    return Outcome(claim, dict(ratios=ratios, fraction=frac, small=small, large=large))


def landscape_rate(
    nets: dict, runs: dict, main: str, k_frac: float = 0.1, slope_tol: float = 0.1
) -> Outcome:
    """Row ``landscape-rate``: :func:`rate_test` on the nets of ``main``; ``values``:
    ``slopes``, ``fraction``."""
    slopes, frac, verdict = rate_test(nets, k_frac, slope_tol)
    sens = []
    for fr in sorted({0.01, 0.03, 0.1, 0.3, float(k_frac)}):
        for tl in sorted({0.05, 0.1, 0.2, float(slope_tol)}):
            sl, f, v = rate_test(nets, fr, tl)
            stat = f"slopes {_range_text(sl, 3)}; {f:.2f} pass"
            chosen = (fr, tl) == (k_frac, slope_tol)
            sens.append(entry("k_frac, slope_tol", f"{fr}, {tl}", stat, v, chosen))
    for name, R in runs.items():
        sl, f, v = rate_test(R, k_frac, slope_tol)
        stat = f"slopes {_range_text(sl, 3)}; {f:.2f} pass"
        sens.append(entry("dataset", name, stat, v, name == main))
    claim = Claim(
        id="landscape-rate",
        paper="Landscape",
        figure=FIG,
        claim="|L_{k+1} - L_k| falls like 1/k (eq. (3))",
        paper_reports="eq. (3): |L_{k+1} - L_k| proportional to L (h M)^(2L) R^2 / k; 'the "
        "upper bound on the rate of this convergence holds true' (no slope reported)",
        measured=f"log-log slopes over k >= {k_frac} m: {_range_text(slopes, 3)} over "
        f"{len(nets)} nets ({main})",
        test=f"a net passes if |slope + 1| <= {slope_tol}; holds if >= 95% of nets pass, partly "
        "if >= 50%",
        verdict=verdict,
        paper_says=f"{QUOTES['landscape-rate']}; {QUOTES['landscape-rate (second sentence)']}",
        reading=READINGS["landscape-rate"],
        sensitivity=tuple(sens),
    )
    return Outcome(claim, dict(slopes=slopes, fraction=frac))


def landscape_depth_width(
    nets: dict,
    runs: dict,
    seed_runs: dict,
    left: Sequence[tuple[int, int]],
    right: Sequence[tuple[int, int]],
    main: str,
    k_frac: float = 0.1,
    rho_min: float = 0.9,
    authors: dict | None = None,
) -> Outcome:
    """Row ``landscape-depth-width``: :func:`order_test` on the nets of ``main`` (``left``: the
    panel with h varied, ``right``: with L varied), its depth and width parts merged; the
    sensitivity also re-applies the rule to the nets of other training seeds (``seed_runs``,
    ``{seed: nets}``) and data sets, and, given ``authors`` (the authors' own Fig. 2 curves,
    :func:`hsr.experiments.landscape.authors.authors_fig2`), to their curves at every ``rho_min``
    of the series (:func:`authors_order_test`). ``values``: the :func:`order_test` dict, and
    ``authors``: the :func:`authors_order_test` dict at ``k_frac``, ``rho_min`` (or None)."""
    od = order_test(nets, left, right, k_frac, rho_min)
    sens = []
    for t in sorted({0.7, 0.8, 0.9, 1.0, float(rho_min)}):
        o = order_test(nets, left, right, k_frac, t)
        sens.append(entry("rho_min", t, o["text"], o["verdict"], t == rho_min))
    for lo in sorted({0.0, 0.01, 0.1, 0.5, float(k_frac)}):
        o = order_test(nets, left, right, lo, rho_min)
        knob = "k window of the level"
        sens.append(entry(knob, f"k >= {lo} m", o["text"], o["verdict"], lo == k_frac))
    for s, R in seed_runs.items():
        o = order_test(R, left, right, k_frac, rho_min)
        sens.append(entry("training seed", s, o["text"], o["verdict"], False))
    for name, R in runs.items():
        o = order_test(R, left, right, k_frac, rho_min)
        sens.append(entry("dataset", name, o["text"], o["verdict"], name == main))
    theirs = None
    if authors is not None:
        theirs = authors_order_test(authors, k_frac, rho_min)
        knob = "rho_min on the authors' own Fig. 2 curves (their PDF, smoothed)"
        for t in sorted({0.7, 0.8, 0.9, 1.0, float(rho_min)}):
            o = authors_order_test(authors, k_frac, t)
            sens.append(entry(knob, t, o["text"], o["verdict"], False))
    parts = [
        Claim(
            id="landscape-depth",
            paper="Landscape",
            figure=FIG,
            claim="more layers give a larger difference",
            paper_reports="right panel: the curves rise with L (h = 16), 'although the change "
            "is not substantial'",
            measured=f"Spearman rho(L, level) = {od['rho_L']:.2f} over L = {[p[1] for p in right]}",
            test=f"holds if rho_L >= {rho_min}, partly if rho_L > 0",
            verdict=od["verdict_L"],
        ),
        Claim(
            id="landscape-width",
            paper="Landscape",
            figure=FIG,
            claim="a larger hidden size gives a smaller difference",
            paper_reports="left panel: the curves fall with h (L = 5)",
            measured=f"Spearman rho(h, level) = {od['rho_h']:.2f} over h = {[p[0] for p in left]}",
            test=f"holds if rho_h <= -{rho_min}, partly if rho_h < 0",
            verdict=od["verdict_h"],
        ),
    ]
    claim = replace(
        merge_claims(
            parts,
            "landscape-depth-width",
            "more layers give a larger difference; a larger hidden size a smaller one",
        ),
        paper_says=str(QUOTES["landscape-depth-width"]),
        reading=READINGS["landscape-depth-width"],
        sensitivity=tuple(sens),
    )
    return Outcome(claim, {**od, "authors": theirs})

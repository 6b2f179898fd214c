"""The tests of the WS paper's claims, one function per ledger row (``ws-figNN``).

Each function takes the measured arrays, applies the test stated in its docstring (chosen
before the runs, never tuned to the outcome) and returns an :class:`~hsr.claims.ledger.Outcome`:
the ledger row and the numbers behind it for the figure's page.

>>> import numpy as np
>>> t = ws_fig02(ws_upper=np.array([1.0, 2.0, 3.0]), lambda_max=np.array([0.9, 1.5, 2.9]))
>>> t.claim.verdict, round(t.values["median_ratio"], 3)
('holds', 1.111)
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
from scipy import stats as _stats

from ..core._checks import (
    finite_vector,
    fraction,
    integer_at_least,
    positive,
    real_array,
    same_length,
)
from ..experiments.groups import low_high_groups
from ..experiments.stats import iqr as _iqr
from ..experiments.stats import mann_whitney, spearman_or_nan
from .ledger import Claim, Outcome, Quote, combine_verdicts, fmt, merge_claims, weaker
from .ledger import verdict_from_fraction as _frac
from .ledger import verdict_from_pvalue as _pval
from .sensitivity import series

_NAN = float("nan")

#: the note of a row whose sweep found no critical point
_NO_POINT = "No critical point was found in this run, so there is nothing to test."

__all__ = [
    "QUOTES",
    "READINGS",
    "ws_fig01",
    "ws_fig02",
    "ws_fig03",
    "ws_fig04",
    "ws_fig05",
    "ws_fig06",
    "ws_fig07",
    "ws_fig08",
    "ws_fig09",
    "ws_fig10",
    "ws_fig11",
    "ws_fig12",
    "ws_fig13",
    "ws_fig07_power",
    "ws_norm_bounds_hold",
    "ws_thm7_limit",
    "ws_prop8_psd",
]


#: the words of the WS paper each row rests on (ledger id -> Quote), verbatim from its text
QUOTES: dict[str, Quote] = {
    "ws-fig01": Quote(
        "WS",
        "Section III-A",
        "Figure 1 illustrates the three-layer feedforward neural network analyzed in this study.",
    ),
    "ws-fig02": Quote(
        "WS",
        "Section IV-C",
        "From this figure, it can be observed that the proposed upper bound is close to the "
        "maximum eigenvalue . Therefore, it can be considered a tight and effective upper bound "
        "in practice.",
    ),
    "ws-fig03": Quote(
        "WS",
        "Section IV-C",
        "These results confirm that when the upper bound on the maximum eigenvalue is large, the "
        "loss at the critical point is sharply peaked, and the decision boundaries are "
        "significantly distorted.",
    ),
    "ws-fig04": Quote(
        "WS",
        "Section IV-C",
        "This figure demonstrates that when the upper bound on the maximum eigenvalue is small, "
        "the loss at the critical point is flat, and the distortion of the decision boundaries "
        "is minimal.",
    ),
    "ws-fig05": Quote(
        "WS",
        "Section IV-C",
        "These results reveal two distinct types of learning dynamics: one in which the loss "
        "decreases while increases, and another in which the loss decreases without an "
        "increase in . Furthermore, it can be confirmed that the analytical upper bound derived "
        "in Theorem 1 closely tracks the maximum eigenvalue , which can only be determined "
        "numerically.",
    ),
    "ws-fig06": Quote(
        "WS",
        "Section IV-C",
        "This figure shows that the distribution of is heavily right-skewed; while most "
        "critical points are concentrated at low values, there exists a long tail of a few "
        "cases with exceptionally high upper bounds.",
    ),
    "ws-fig07": Quote(
        "WS",
        "Section IV-C",
        "Observations of the macro F1-scores reveal that critical points with a low exhibit "
        "stable test performance. In contrast, those with a high show significant variance in "
        "performance, along with a lower median score. The results of a two-sided Mann-Whitney "
        "U test showed a significant difference at the 1% level.",
    ),
    "ws-fig08": Quote(
        "WS",
        "Section V-B",
        "To evaluate the correctness of the analytical solution, we compared the analytical and "
        "numerical solutions using a single critical point obtained from the experiment in "
        "Appendix C. The results are shown in Figure 8, and it can be seen that they are "
        "consistent with each other.",
    ),
    "ws-fig09": Quote(
        "WS",
        "Section V-C",
        "The numerical solutions using the \u201cnumpy.trace\u201d function and the analytical "
        "solutions are shown in the left part of Figure 9, confirming that they are "
        "consistent.",
    ),
    "ws-fig10": Quote(
        "WS",
        "Section VI",
        "This result is shown in the left part of Figure 10, and it can be seen that tends to "
        "increase as becomes larger. For reference, we also created a scatter plot of versus . "
        "As shown in the right part of Figure 10, no clear relationship was observed between "
        "the parameters used for the transformation from the input to the hidden layer and .",
    ),
    "ws-fig11": Quote(
        "WS",
        "Section VI",
        "A comparison of the upper bounds between the two groups using a two-sided Mann-Whitney "
        "U test revealed a significant difference at the 1% level.",
    ),
    "ws-fig12": Quote(
        "WS",
        "Section VI",
        "Accordingly, we used the critical points obtained in Appendix C to verify whether a "
        "lower degree of orthogonality among the hidden layer data leads to an increase in . "
        "These results are shown in Figure 12, where the left part shows a scatter plot of all "
        "critical points and the right part provides an enlarged view of the lower region. From "
        "this figure, it can be observed that as increases, the lower bound of also rises.",
    ),
    "ws-fig13": Quote(
        "WS",
        "Appendix A-A",
        "Note that the five activation functions considered in this study are shown in Figure 13.",
    ),
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

#: how each row's test turns the quoted words into a measurable statement, and why
READINGS: dict[str, str] = {
    "ws-fig01": "The figure defines the model, so the claim is that the code computes that "
    "model: hsr's output and loss must equal the network written out by hand from WS Eqs. "
    "(1)-(3) (prepend 1, W1, f, prepend 1, w2, sigmoid) to round-off (1e-10 relative), for "
    "every activation the paper treats.",
    "ws-fig02": '"Upper bound" (Theorem 1) means no point above y = x, read as at least 95% of '
    'the unique critical points, with a 1e-9 relative allowance for round-off; "close to the '
    'maximum eigenvalue" and "tight" carry no number in the paper, so we read them as a '
    "typical (median) overshoot lambda_WS / lambda_max below a factor of 2.",
    "ws-fig03": 'The paper judges two points by eye. "Sharply peaked" is read with the '
    "paper's own definition of sharpness (Section IV-A: the quadratic term of the Taylor "
    "expansion around the critical point, higher-order terms dominating at large steps): the "
    "loss rise along the top eigenvector at a small step (t = 0.1, inside the quadratic "
    'regime) in the top 10% of all unique points; "significantly distorted" a disagreement '
    "with the Bayes-optimal linear boundary above the median, for each of the points shown.",
    "ws-fig04": 'The mirror of Fig. 3, with the same local reading of sharpness: "flat" is a '
    "loss rise along the top eigenvector at a small step (t = 0.1) in the bottom 10% of all "
    'unique points, and "distortion ... minimal" a disagreement with the Bayes-optimal '
    "boundary at or below the median, for each of the points shown.",
    "ws-fig05": '"Two distinct types" is read from the sentence itself: in the '
    "highest-lambda_WS run the loss falls while lambda_WS rises (by more than 10%, to exceed "
    'noise), in the lowest it falls without such a rise; "closely tracks" is read as '
    "lambda_max <= lambda_WS <= 2 lambda_max at (nearly, 95%) every recorded iteration.",
    "ws-fig06": '"Heavily right-skewed" with a long tail is read with the usual rule of thumb '
    "for the sample skewness: g1 > 1 is highly skewed (holds), 0.5 < g1 <= 1 moderately "
    "(partly).",
    "ws-fig07": "The paper's own test: a two-sided Mann-Whitney U test at the 1% level, with the "
    'High group the worse one ("a lower median score"), read from the direction of the U '
    "statistic.",
    "ws-fig08": '"Consistent" (and a small mean Frobenius norm of the difference, its value '
    "lost in the text) is read as: at each point the difference is within what central finite "
    "differences can resolve, 1e-6 + 1e-4 |H|_F, at 95% of the points.",
    "ws-fig09": '"Consistent" is read as for Fig. 8: for both traces, numerical and closed '
    "form agree within what central finite differences resolve, 1e-6 + 1e-4 |t|, at 95% of "
    "the points.",
    "ws-fig10": '"Tends to increase" is a monotone association, measured by Spearman\'s rho: a '
    'clear positive one (rho >= 0.3, p < 0.01); "no clear relationship" is a weak one '
    "(|rho| < 0.3, the usual bound of a weak correlation).",
    "ws-fig11": "The paper's own test: a two-sided Mann-Whitney U test at the 1% level, with the "
    "wider network the higher (Eq. (22): the width raises the bound), read from the direction "
    "of the U statistic.",
    "ws-fig12": '"The lower bound of [lambda_WS] also rises" is about the envelope, not the '
    "cloud: the minimum of lambda_WS in equal-count bins of the Gram norm must rise with the "
    "bins' position, nearly monotonically (Spearman rho >= 0.7).",
    "ws-fig13": "The figure shows the activations of Appendix A with their derivatives; the "
    "claim is that the closed-form derivatives are right, read as: each of f', f'' and f''' "
    "equals the central difference of the one before it to 1e-6 on the plotted range.",
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


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with its quote and reading filled in from :data:`QUOTES`, :data:`READINGS`,
    and its ``sensitivity`` series."""
    return replace(
        claim,
        paper_says=str(QUOTES[claim.id]),
        reading=READINGS[claim.id],
        sensitivity=tuple(sensitivity),
    )


def ws_fig02(ws_upper, lambda_max) -> Outcome:
    """WS Fig. 2, "the bound holds and is tight", over the unique critical points
    (``ws_upper``, ``lambda_max``: ``(M,)``).

    Test: holds if >= 95% of the points satisfy lambda_max <= lambda_WS (1e-9 relative) and
    the median lambda_WS / lambda_max < 2; partly if >= 50% and median < 5 (the weaker of the
    two); no point: does not hold."""
    ws, lmax = finite_vector("ws_upper", ws_upper), finite_vector("lambda_max", lambda_max)
    same_length(ws_upper=ws, lambda_max=lmax)
    M = ws.size
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(lmax > 0, ws / np.where(lmax > 0, lmax, 1.0), np.inf)
    below = lmax <= ws + 1e-9 * np.abs(ws)
    frac = float(below.mean()) if M else _NAN
    med = float(np.median(ratio)) if M else _NAN
    test = (
        "holds if >= 95% of unique critical points satisfy lambda_max <= lambda_WS (1e-9 "
        "relative) and the median lambda_WS / lambda_max < 2; partly if >= 50% and median < 5 "
        "(weaker of the two)"
    )
    if M == 0:
        verdict, measured = "does not hold", "no unique critical point: nothing to test"
    else:
        v_bound = _frac(frac, holds_at=0.95, partly_at=0.5)
        v_tight = "holds" if med < 2 else "partly" if med < 5 else "does not hold"
        verdict = weaker(v_bound, v_tight)
        measured = (
            f"{int(below.sum())} of {M} unique critical points ({fmt(100 * frac, 4)}%) satisfy "
            f"lambda_max <= lambda_WS; lambda_WS / lambda_max median {fmt(med)}, "
            f"max {fmt(float(ratio.max()))}"
        )
    claim = Claim(
        id="ws-fig02",
        paper="WS",
        figure="Fig. 2",
        claim="the bound holds and is tight",
        paper_reports="scatter of lambda_max against lambda_WS at the 353 unique critical "
        "points: every point below y = x and close to it (no number given)",
        measured=measured,
        test=test,
        verdict=verdict,
    )
    note = "" if M else _NO_POINT
    values = dict(
        n=M, n_below=int(below.sum()), frac_below=frac, median_ratio=med, ratio=ratio, note=note
    )

    def rule(holds_at=0.95, tight_below=2.0):
        if M == 0:
            return "does not hold"
        tight = "holds" if med < tight_below else "partly" if med < 5 else "does not hold"
        return weaker(_frac(frac, holds_at=holds_at, partly_at=0.5), tight)

    sens = series(
        "share of points below the bound needed to hold",
        (0.9, 0.99, 1.0),
        0.95,
        lambda v: (frac, rule(holds_at=v)),
    ) + series(
        "median lambda_WS / lambda_max below which the bound is tight",
        (1.25, 1.5, 3.0, 5.0),
        2.0,
        lambda v: (med, rule(tight_below=v)),
    )
    return Outcome(_quoted(claim, sens), values)


def ws_fig07(ws_upper, test_f1, frac_high: float = 0.1) -> Outcome:
    """WS Fig. 7, "High group worse; significant at 1%": the test macro-F1 (``test_f1 (M,)``)
    of the High group (top ``frac_high`` of ``ws_upper (M,)``) against the Low group.

    Test: two-sided Mann-Whitney U; holds if p < 0.01 and High is worse
    (U_High / (n_High n_Low) < 0.5), partly if p < 0.05 in that direction, else does not
    hold (also with fewer than 2 points in a group)."""
    ws, f1 = finite_vector("ws_upper", ws_upper), finite_vector("test_f1", test_f1)
    same_length(ws_upper=ws, test_f1=f1)
    fraction("frac_high", frac_high)
    if ws.size:
        low, high = low_high_groups(ws, frac_high)
    else:
        low = high = np.zeros(0, int)
    enough = low.size >= 2 and high.size >= 2
    mw = mann_whitney(f1[high], f1[low]) if low.size and high.size else None
    cles = mw.statistic / (mw.n_a * mw.n_b) if mw else _NAN  # P(High > Low), ties half
    if not enough:
        verdict = "does not hold"
        measured = f"Low {low.size} and High {high.size} points: too few to test"
    else:
        verdict = _pval(mw.pvalue, alpha=0.01, direction_ok=cles < 0.5)
        measured = (
            f"Low {low.size} points, median F1 {fmt(mw.median_b)}; High {high.size} points, "
            f"median F1 {fmt(mw.median_a)}; two-sided Mann-Whitney p = {fmt(mw.pvalue, 2)}, "
            f"P(High > Low) = {fmt(cles)}"
        )
    claim = Claim(
        id="ws-fig07",
        paper="WS",
        figure="Fig. 7",
        claim="High group worse; significant at 1%",
        paper_reports="Low 317 points with stable test macro-F1; High 36 points with a lower "
        "median and a large spread; two-sided Mann-Whitney U significant at the 1% level",
        measured=measured,
        test="two-sided Mann-Whitney U test of test macro-F1, High (top 10% of lambda_WS) vs "
        "Low: holds if p < 0.01 and High is worse (U_High / (n_High n_Low) < 0.5), partly if "
        "p < 0.05 in that direction, else does not hold (also with fewer than 2 points in a "
        "group)",
        verdict=verdict,
    )
    values = dict(
        low=low,
        high=high,
        enough=enough,
        mw=mw,
        cles=cles,
        p=mw.pvalue if mw else _NAN,
        iqr_low=_iqr(f1[low]),
        iqr_high=_iqr(f1[high]),
    )
    if not enough:
        values["note"] = (
            f"Too few points to compare (Low {low.size}, High {high.size}): the test needs 2 in "
            "each group."
        )
    else:
        values["note"] = "" if cles < 0.5 else "In this run the High group is not the worse one."

    def at_split(fh):  # the test with another High group
        lo, hi = low_high_groups(ws, fh) if ws.size else (np.zeros(0, int),) * 2
        if lo.size < 2 or hi.size < 2:
            return _NAN, "does not hold"
        m = mann_whitney(f1[hi], f1[lo])
        return m.pvalue, _pval(
            m.pvalue, alpha=0.01, direction_ok=m.statistic / (m.n_a * m.n_b) < 0.5
        )

    p = mw.pvalue if mw else _NAN
    sens = series(
        "significance level alpha",
        (0.001, 0.005, 0.05),
        0.01,
        lambda a: (p, _pval(p, alpha=a, direction_ok=cles < 0.5) if enough else "does not hold"),
    ) + series(
        "frac_high (share of points in the High group)", (0.05, 0.15, 0.2), frac_high, at_split
    )
    return Outcome(_quoted(claim, sens), values)


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
    cles = mw.statistic / (mw.n_a * mw.n_b) if mw else _NAN  # P(wide > narrow), ties half
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
    values = dict(enough=enough, mw=mw, cles=cles, p=mw.pvalue if mw else _NAN, note=note)
    p = values["p"]
    sens = series(
        "significance level alpha",
        (0.001, 0.005, 0.05),
        0.01,
        lambda a: (p, _pval(p, alpha=a, direction_ok=cles > 0.5) if enough else "does not hold"),
    )
    return Outcome(_quoted(claim, sens), values)


# ----- the figures without a headline test ---------------------------------------------------
def _vector(name, value) -> np.ndarray:
    """``value`` as a 1-D float array (NaN allowed: a measurement that failed)."""
    a = real_array(name, value)
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {a.shape}")
    return a


def _mask(name, value, size=None) -> np.ndarray:
    """``value`` as a 1-D boolean array (of length ``size`` when given)."""
    a = np.asarray(value)
    if a.ndim != 1 or (a.size and a.dtype != bool):
        raise ValueError(f"{name} must be a 1-D boolean array, got {a.dtype} of shape {a.shape}")
    if size is not None and a.size != size:
        raise ValueError(f"{name} must have {size} entries, got {a.size}")
    return a.astype(bool)


def ws_fig01(
    worst_output,
    worst_loss,
    layout_ok,
    n_params_ok,
    n_nets: int = 20,
    n_inputs: int = 200,
    rel_tol: float = 1e-10,
) -> Outcome:
    """WS Fig. 1, "architecture": ``hsr``'s forward pass against the model written out by
    hand from WS Eqs. (1)-(3), per activation checked (each ``(A,)``): the largest relative
    difference of the outputs (``worst_output``) and of the mean cross-entropy
    (``worst_loss``) over ``n_nets`` random networks x ``n_inputs`` inputs, whether
    ``Net.unpack`` gives the column-by-column layout (``layout_ok``) and whether the parameter
    count is h(d+1) + h + 1 (``n_params_ok``).

    Test: four checks per activation (count, outputs and loss below ``rel_tol``, layout);
    holds if every check passes, partly if >= 50% do; no activation: does not hold."""
    wp, wl = _vector("worst_output", worst_output), _vector("worst_loss", worst_loss)
    same_length(worst_output=wp, worst_loss=wl)
    lay = _mask("layout_ok", layout_ok, wp.size)
    cnt = _mask("n_params_ok", n_params_ok, wp.size)
    positive("rel_tol", rel_tol)
    A = wp.size
    checks = np.stack([cnt, wp < rel_tol, wl < rel_tol, lay], axis=1).ravel() if A else []
    n_checks, n_passed = len(checks), int(np.sum(checks))
    worst = float(np.max(np.maximum(wp, wl))) if A else _NAN
    frac = n_passed / n_checks if n_checks else 0.0
    verdict = _frac(frac, holds_at=1.0, partly_at=0.5)

    def at_tol(tol):
        ok = [np.sum(cnt), np.sum(wp < tol), np.sum(wl < tol), np.sum(lay)]
        f = float(sum(ok)) / n_checks if n_checks else 0.0
        return f, _frac(f, holds_at=1.0, partly_at=0.5)

    sens = series(
        "rel_tol (relative difference allowed)", (1e-14, 1e-12, 1e-8, 1e-6), rel_tol, at_tol
    )
    claim = Claim(
        id="ws-fig01",
        paper="WS",
        figure="Fig. 1",
        claim="architecture",
        paper_reports="diagram of the 3-layer network x -> [1; x] -> W1 -> f -> [1; a] -> w2 "
        "-> sigmoid (WS Eqs. 1-3): the model every result is about",
        measured=f"{n_passed} of {n_checks} checks pass over {A} activations x {n_nets} "
        f"networks x {n_inputs} inputs; largest relative difference {fmt(worst, 2)}",
        test="holds if, for every activation and random network, hsr.predict_proba and "
        "hsr.loss match the model computed by hand from the definitions to a relative "
        "difference below 1e-10, and the parameter count h(d+1)+h+1 and the column-by-column "
        "layout agree; partly if >= 50% of checks pass",
        verdict=verdict,
        paper_says=str(QUOTES["ws-fig01"]),
        reading=READINGS["ws-fig01"],
        sensitivity=sens,
    )
    note = "" if n_checks else "No activation was checked in this run."
    values = dict(worst=worst, n_checks=n_checks, n_passed=n_passed, frac=frac, note=note)
    return Outcome(claim, values)


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
    t = _NAN if step is None else float(step)
    return {t: finite_vector("loss_rise", loss_rise)}, t, None


def _extreme_points(
    fig: int, largest: bool, ws_upper, loss_rise, disagreement, n_show, step, earlier_step
):
    """WS Figs. 3 and 4: the ``n_show`` points of largest (smallest) lambda_WS against all."""
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
            return _NAN, "does not hold"
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
        paper_says=str(QUOTES[rid]),
        reading=READINGS[rid],
        sensitivity=sens,
        earlier=earlier,
    )
    values = dict(idx=idx, passed=passed, note=note)
    for r in range(2):  # the two ranks the page cites (NaN where the run has fewer points)
        ok = r < len(idx)
        i = idx[r] if ok else 0
        values[f"ws_{r + 1}"] = float(ws[i]) if ok else _NAN
        values[f"rise_{r + 1}"] = float(rise[i]) if ok else _NAN
        values[f"rise_pct_{r + 1}"] = _pct(rise, rise[i]) if ok else _NAN
        values[f"dis_{r + 1}"] = 100 * float(dis[i]) if ok else _NAN
        values[f"dis_pct_{r + 1}"] = _pct(dis, dis[i]) if ok else _NAN
        if t_old is not None:
            r_old = by_step[t_old]
            values[f"rise_earlier_{r + 1}"] = float(r_old[i]) if ok else _NAN
            values[f"rise_pct_earlier_{r + 1}"] = _pct(r_old, r_old[i]) if ok else _NAN
    values["rise_median"] = float(np.median(rise)) if M else _NAN
    values["dis_median"] = 100 * float(np.median(dis)) if M else _NAN
    values["verdict_earlier"] = earlier[0]["verdict"] if earlier else ""
    return Outcome(claim, values)


def ws_fig03(
    ws_upper, loss_rise, disagreement, n_show: int = 2, step=None, earlier_step=None
) -> Outcome:
    """WS Fig. 3, "large lambda_WS = sharp loss and distorted boundary", from per unique
    critical point (each ``(M,)``): ``ws_upper``, ``loss_rise`` (the loss rise
    DeltaL(t) = [L(theta + t v) + L(theta - t v)] / 2 - L(theta) along the unit top
    eigenvector v, see :func:`hsr.experiments.probes.loss_rise_along_top_eigenvector`: one
    ``(M,)`` array, or a dict step t -> ``(M,)`` with ``step`` the t the test uses) and
    ``disagreement`` (the fraction of test inputs where the network's class differs from the
    Bayes-optimal rule's).

    Test: for each of the ``n_show`` largest-lambda_WS points, (i) DeltaL(step) >= its 90%
    quantile over all points and (ii) disagreement > its median; holds if all 2 ``n_show``
    checks pass, partly if >= half; fewer than ``n_show`` points: does not hold. The book
    reads sharpness locally (``step`` = 0.1: WS Section IV-A's quadratic term); with a dict,
    every step is a sensitivity value, and ``earlier_step`` (3.0, the test the book
    published before) is kept as the row's earlier reading."""
    return _extreme_points(3, True, ws_upper, loss_rise, disagreement, n_show, step, earlier_step)


def ws_fig04(
    ws_upper, loss_rise, disagreement, n_show: int = 2, step=None, earlier_step=None
) -> Outcome:
    """WS Fig. 4, "small lambda_WS = flat loss, simple boundary", from the same arrays as
    :func:`ws_fig03`.

    Test: for each of the ``n_show`` smallest-lambda_WS points, (i) DeltaL(step) <= its 10%
    quantile over all points and (ii) disagreement <= its median; holds if all 2 ``n_show``
    checks pass, partly if >= half; fewer than ``n_show`` points: does not hold."""
    return _extreme_points(4, False, ws_upper, loss_rise, disagreement, n_show, step, earlier_step)


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
        note = _NO_POINT
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
            return _NAN, _NAN, "does not hold"
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
        pct_track=100 * float(track_all.mean()) if track_all.size else _NAN,
        n_recorded=int(track_all.size),
        checks=checks,
        dynamics=v_a,
        tracks=v_b,
        measured_dynamics=measured_a,
        measured_tracks=measured_b,
        note=note,
    )
    return Outcome(claim, values)


def ws_fig06(ws_upper, frac_high: float = 0.1) -> Outcome:
    """WS Fig. 6, "right-skewed, long tail", from lambda_WS at the unique critical points
    (``ws_upper (M,)``); ``frac_high``: the High group above the ``1 - frac_high`` quantile
    (the dashed line of the figure).

    Test: sample skewness g1 (``scipy.stats.skew``): holds if g1 > 1, partly if
    0.5 < g1 <= 1, else (or with fewer than 3 points) does not hold."""
    ws = finite_vector("ws_upper", ws_upper)
    fraction("frac_high", frac_high)
    M = ws.size
    if M:
        q = float(np.quantile(ws, 1 - frac_high))
        low, high = low_high_groups(ws, frac_high)
    else:
        q, low, high = _NAN, np.zeros(0, int), np.zeros(0, int)
    skew = float(_stats.skew(ws)) if M >= 3 else _NAN
    if M < 3:
        verdict = "does not hold"
        note = f"Only {M} unique critical point(s): too few to measure skewness."
    else:
        verdict = "holds" if skew > 1 else "partly" if skew > 0.5 else "does not hold"
        note = ""
    median = float(np.median(ws)) if M else _NAN
    wmax = float(ws.max()) if M else _NAN
    claim = Claim(
        id="ws-fig06",
        paper="WS",
        figure="Fig. 6",
        claim="right-skewed, long tail",
        paper_reports="heavily right-skewed histogram: most critical points at low lambda_WS, a "
        "long tail of a few with exceptionally high values; the 90% quantile splits 317 Low "
        "from 36 High",
        measured=f"skewness {fmt(skew)} over {M} unique points; median {fmt(median)}, "
        f"90% quantile {fmt(q)}, max {fmt(wmax)}; Low {low.size}, High {high.size}",
        test="sample skewness g1 of lambda_WS over the unique critical points "
        "(scipy.stats.skew): holds if g1 > 1, partly if 0.5 < g1 <= 1, else does not hold "
        "(also with fewer than 3 points)",
        verdict=verdict,
        paper_says=str(QUOTES["ws-fig06"]),
        reading=READINGS["ws-fig06"],
        sensitivity=series(
            "skewness above which the distribution is heavily right-skewed",
            (0.5, 0.75, 1.5, 2.0),
            1.0,
            lambda v: (
                skew,
                "does not hold"
                if M < 3
                else "holds"
                if skew > v
                else "partly"
                if skew > 0.5
                else "does not hold",
            ),
        ),
    )
    values = dict(skew=skew, q=q, low=low, high=high, median=median, max=wmax, note=note)
    return Outcome(claim, values)


def _tolerance(name_num, num, name_cf, cf, atol, rtol):
    a, b = finite_vector(name_num, num), finite_vector(name_cf, cf)
    same_length(**{name_num: a, name_cf: b})
    return a, b, np.abs(a - b) <= atol + rtol * np.abs(b)


def ws_fig08(diff, size, atol: float = 1e-6, rtol: float = 1e-4) -> Outcome:
    """WS Fig. 8, "the closed-form Hessian is right", from per unique critical point
    (``(M,)``): ``diff`` = |H_num - H|_F (H_num: central differences of the loss) and
    ``size`` = |H|_F of the closed form (WS Theorem 2).

    Test: holds if >= 95% of the points satisfy diff <= ``atol`` + ``rtol`` size, partly if
    >= 50%; no point: does not hold."""
    diff, size = finite_vector("diff", diff), finite_vector("size", size)
    same_length(diff=diff, size=size)
    positive("atol", atol)
    positive("rtol", rtol)
    M = diff.size
    ok = diff <= atol + rtol * size

    def at(r=rtol, holds_at=0.95):
        if M == 0:
            return _NAN, "does not hold"
        f = float(np.mean(diff <= atol + r * size))
        return f, _frac(f, holds_at=holds_at, partly_at=0.5)

    sens = series(
        "rtol (tolerance relative to |H|_F)", (1e-6, 1e-5, 1e-3, 1e-2), rtol, at
    ) + series(
        "share of points within tolerance needed to hold",
        (0.9, 0.99, 1.0),
        0.95,
        lambda v: at(holds_at=v),
    )
    if M == 0:
        verdict, note = (
            "does not hold",
            _NO_POINT,
        )
        measured = "no critical point"
    else:
        verdict = _frac(float(ok.mean()), holds_at=0.95, partly_at=0.5)
        note = ""
        measured = (
            f"mean |H_num - H|_F = {fmt(float(diff.mean()))} over {M} unique points (max "
            f"{fmt(float(diff.max()))}, median |H|_F {fmt(float(np.median(size)))}); "
            f"{ok.sum()} of {M} within tolerance"
        )
    claim = Claim(
        id="ws-fig08",
        paper="WS",
        figure="Fig. 8",
        claim="the closed-form Hessian is right",
        paper_reports="closed-form and numerical Hessians agree at one critical point (side by "
        "side and difference); small mean Frobenius norm of the difference over all critical "
        "points (value lost in extraction)",
        measured=measured,
        test="holds if >= 95% of unique critical points satisfy |H_num - H|_F <= 1e-6 + 1e-4 "
        "|H|_F (H_num: central differences of the loss, step fd_eps); partly if >= 50%",
        verdict=verdict,
        paper_says=str(QUOTES["ws-fig08"]),
        reading=READINGS["ws-fig08"],
        sensitivity=sens,
    )
    nan = _NAN
    values = dict(
        ok=ok,
        mean_frob=float(diff.mean()) if M else nan,
        max_frob=float(diff.max()) if M else nan,
        median_rel=float(np.median(diff / size)) if M else nan,
        median_size=float(np.median(size)) if M else nan,
        pct_ok=100 * float(ok.mean()) if M else nan,
        note=note,
    )
    return Outcome(claim, values)


def ws_fig09(tr_num, tr_cf, tr2_num, tr2_cf, atol: float = 1e-6, rtol: float = 1e-4) -> Outcome:
    """WS Fig. 9, "the closed-form traces are right", from per unique critical point
    (``(M,)``): tr(H) and tr(H^2) from ``np.trace`` of the central-difference Hessian
    (``tr_num``, ``tr2_num``) and in closed form (``tr_cf``, ``tr2_cf``; WS Theorems 3 and 6).

    Test: holds if >= 95% of the points satisfy |t_num - t| <= ``atol`` + ``rtol`` |t| for
    both traces, partly if >= 50%; no point: does not hold."""
    positive("atol", atol)
    positive("rtol", rtol)
    tr_num, tr_cf, ok_tr = _tolerance("tr_num", tr_num, "tr_cf", tr_cf, atol, rtol)
    tr2_num, tr2_cf, ok_tr2 = _tolerance("tr2_num", tr2_num, "tr2_cf", tr2_cf, atol, rtol)
    same_length(tr_num=tr_num, tr2_num=tr2_num)
    ok = ok_tr & ok_tr2
    M = ok.size

    def at(r=rtol, holds_at=0.95):
        if M == 0:
            return _NAN, "does not hold"
        both = (np.abs(tr_num - tr_cf) <= atol + r * np.abs(tr_cf)) & (
            np.abs(tr2_num - tr2_cf) <= atol + r * np.abs(tr2_cf)
        )
        f = float(both.mean())
        return f, _frac(f, holds_at=holds_at, partly_at=0.5)

    sens = series("rtol (tolerance relative to |t|)", (1e-6, 1e-5, 1e-3, 1e-2), rtol, at) + series(
        "share of points within tolerance needed to hold",
        (0.9, 0.99, 1.0),
        0.95,
        lambda v: at(holds_at=v),
    )

    def rel(a, b):
        return float(np.max(np.abs(a - b) / np.abs(b))) if M else _NAN

    if M == 0:
        verdict, note = (
            "does not hold",
            _NO_POINT,
        )
        measured = "no critical point"
    else:
        verdict = _frac(float(ok.mean()), holds_at=0.95, partly_at=0.5)
        note = ""
        measured = (
            f"{ok.sum()} of {M} unique points within tolerance for both traces; largest "
            f"relative difference tr(H) {fmt(rel(tr_num, tr_cf), 2)}, tr(H^2) "
            f"{fmt(rel(tr2_num, tr2_cf), 2)}"
        )
    claim = Claim(
        id="ws-fig09",
        paper="WS",
        figure="Fig. 9",
        claim="the closed-form traces are right",
        paper_reports="numerical (numpy.trace) and closed-form tr(H) and tr(H^2) agree at the "
        "critical points (scatter on y = x; no number)",
        measured=measured,
        test="holds if >= 95% of unique critical points satisfy |t_num - t| <= 1e-6 + 1e-4 |t| "
        "for both t = tr(H) and t = tr(H^2) (t_num: np.trace of the central-difference "
        "Hessian); partly if >= 50%",
        verdict=verdict,
        paper_says=str(QUOTES["ws-fig09"]),
        reading=READINGS["ws-fig09"],
        sensitivity=sens,
    )
    values = dict(
        ok=ok,
        maxrel_tr=rel(tr_num, tr_cf),
        maxrel_tr2=rel(tr2_num, tr2_cf),
        maxabs_tr=float(np.max(np.abs(tr_num - tr_cf))) if M else _NAN,
        maxabs_tr2=float(np.max(np.abs(tr2_num - tr2_cf))) if M else _NAN,
        pct_ok=100 * float(ok.mean()) if M else _NAN,
        note=note,
    )
    return Outcome(claim, values)


def ws_fig10(ws_upper, norm_theta1, norm_theta2) -> Outcome:
    """WS Fig. 10, "grows with the output-layer norm; no clear link to theta1", from per
    unique critical point (``(M,)``): ``ws_upper``, |theta1| and |theta2|.

    Two parts, merged by :func:`~hsr.claims.ledger.merge_claims`:

    - theta2: Spearman rho(lambda_WS, |theta2|) >= 0.3 with p < 0.01 holds, rho > 0 with
      p < 0.05 partly;
    - theta1: |rho(lambda_WS, |theta1|)| < 0.3 holds, < 0.5 partly.

    Undefined rho (fewer than 3 points, constant input): both do not hold."""
    ws = finite_vector("ws_upper", ws_upper)
    n1, n2 = finite_vector("norm_theta1", norm_theta1), finite_vector("norm_theta2", norm_theta2)
    same_length(ws_upper=ws, norm_theta1=n1, norm_theta2=n2)
    M = ws.size
    rho2, p2 = spearman_or_nan(n2, ws)
    rho1, p1 = spearman_or_nan(n1, ws)
    claim_2, claim_1 = "grows with the output-layer norm", "no clear link to theta1"
    if not (np.isfinite(rho2) and np.isfinite(rho1)):
        v2 = v1 = "does not hold"
        note = f"Spearman's rho is undefined with {M} unique critical point(s): nothing to test."
    else:
        v2 = (
            "holds"
            if rho2 >= 0.3 and p2 < 0.01
            else "partly"
            if rho2 > 0 and p2 < 0.05
            else "does not hold"
        )
        v1 = "holds" if abs(rho1) < 0.3 else "partly" if abs(rho1) < 0.5 else "does not hold"
        note = ""
    m2 = f"Spearman rho = {fmt(rho2, 2)} (p = {fmt(p2, 2)}) over {M} unique points"
    m1 = f"Spearman rho = {fmt(rho1, 2)} (p = {fmt(p1, 2)}) over {M} unique points"
    parts = [
        Claim(
            id="ws-fig10-theta2",
            paper="WS",
            figure="Fig. 10",
            claim=claim_2,
            paper_reports="lambda_WS tends to increase with |theta2| (scatter, no coefficient)",
            measured=m2,
            test="Spearman rho(lambda_WS, |theta2|): holds if rho >= 0.3 and p < 0.01, partly "
            "if rho > 0 and p < 0.05",
            verdict=v2,
        ),
        Claim(
            id="ws-fig10-theta1",
            paper="WS",
            figure="Fig. 10",
            claim=claim_1,
            paper_reports="no clear relationship between |theta1| and lambda_WS (scatter, no "
            "coefficient)",
            measured=m1,
            test="Spearman rho(lambda_WS, |theta1|): holds if |rho| < 0.3, partly if 0.3 <= "
            "|rho| < 0.5, else does not hold",
            verdict=v1,
        ),
    ]
    defined = bool(np.isfinite(rho2) and np.isfinite(rho1))

    def row(r2=0.3, r1=0.3):  # the row's verdict with other correlation thresholds
        if not defined:
            return "does not hold"
        a = (
            "holds"
            if rho2 >= r2 and p2 < 0.01
            else "partly"
            if rho2 > 0 and p2 < 0.05
            else "does not hold"
        )
        b = "holds" if abs(rho1) < r1 else "partly" if abs(rho1) < 0.5 else "does not hold"
        return combine_verdicts([a, b])

    sens = series(
        "rho above which lambda_WS grows with |theta2|",
        (0.1, 0.2, 0.4, 0.5),
        0.3,
        lambda v: (rho2, row(r2=v)),
    ) + series(
        "|rho| below which theta1 has no clear link",
        (0.1, 0.2, 0.4, 0.5),
        0.3,
        lambda v: (abs(rho1), row(r1=v)),
    )
    claim = _quoted(merge_claims(parts, "ws-fig10", f"{claim_2}; {claim_1}"), sens)
    values = dict(
        rho2=rho2,
        p2=p2,
        rho1=rho1,
        p1=p1,
        theta2=v2,
        theta1=v1,
        measured_theta2=m2,
        measured_theta1=m1,
        note=note,
    )
    return Outcome(claim, values)


def _envelope_rule(bins, centre, envelope, holds_at=0.7):
    """(rho, verdict) of WS Fig. 12's test for given bins and their lower envelope."""
    rho, _ = spearman_or_nan(centre, envelope)
    if len(bins) < 3 or not np.isfinite(rho):
        return rho, "does not hold"
    return rho, "holds" if rho >= holds_at else "partly" if rho > 0 else "does not hold"


def ws_fig12(ws_upper, gram_norm, n_bins: int = 10) -> Outcome:
    """WS Fig. 12, "less orthogonal hidden data raises the lower envelope", from per unique
    critical point (``(M,)``): ``ws_upper`` and ``gram_norm`` = |A~ A~^T|_F of the hidden
    outputs with the 1 prepended. The points are split into ``n_bins`` equal-count bins of
    the Gram norm (stable sort; fewer bins when M < ``n_bins``); the lower envelope is each
    bin's smallest lambda_WS, placed at the bin's median Gram norm.

    Test: Spearman rho(bin centre, bin minimum) >= 0.7 holds, > 0 partly, else (or with
    fewer than 3 bins) does not hold."""
    ws, gram = finite_vector("ws_upper", ws_upper), finite_vector("gram_norm", gram_norm)
    same_length(ws_upper=ws, gram_norm=gram)
    positive("n_bins", n_bins, integer=True)
    M = ws.size
    order = np.argsort(gram, kind="stable")

    def binned(k):
        bs = [b for b in np.array_split(order, min(int(k), M)) if b.size] if M else []
        return bs, np.array([np.median(gram[b]) for b in bs]), np.array([ws[b].min() for b in bs])

    bins, centre, envelope = binned(n_bins)
    edges = [(gram[b].min(), gram[b].max()) for b in bins]
    rho_env, p_env = spearman_or_nan(centre, envelope)
    rho_all, p_all = spearman_or_nan(gram, ws)
    if len(bins) < 3 or not np.isfinite(rho_env):
        verdict = "does not hold"
        note = f"Only {len(bins)} bin(s) of Gram norms in this run: too few to test."
    else:
        verdict = "holds" if rho_env >= 0.7 else "partly" if rho_env > 0 else "does not hold"
        note = ""
    first = float(envelope[0]) if len(bins) else _NAN
    last = float(envelope[-1]) if len(bins) else _NAN
    claim = Claim(
        id="ws-fig12",
        paper="WS",
        figure="Fig. 12",
        claim="less orthogonal hidden data raises the lower envelope",
        paper_reports="as the Frobenius norm of the hidden-output Gram matrix increases, the "
        "lower bound (envelope) of lambda_WS over the critical points rises (scatter and zoom, "
        "no number)",
        measured=f"{len(bins)} bins; bin minimum of lambda_WS from {fmt(first)} to "
        f"{fmt(last)}; Spearman rho(bin centre, bin minimum) = {fmt(rho_env, 2)}; rho over "
        f"all {M} points = {fmt(rho_all, 2)}",
        test="points split into n_bins equal-count bins of the hidden Gram norm; Spearman rho "
        "between each bin's median Gram norm and its minimum lambda_WS: holds if rho >= 0.7, "
        "partly if rho > 0, else does not hold (also with fewer than 3 bins)",
        verdict=verdict,
        paper_says=str(QUOTES["ws-fig12"]),
        reading=READINGS["ws-fig12"],
        sensitivity=series(
            "n_bins", (5, 8, 15, 20), int(n_bins), lambda k: _envelope_rule(*binned(k))
        )
        + series(
            "rho above which the envelope rises",
            (0.5, 0.6, 0.8, 0.9),
            0.7,
            lambda v: _envelope_rule(bins, centre, envelope, v),
        ),
    )
    values = dict(
        bins=bins,
        centre=centre,
        envelope=envelope,
        edges=edges,
        rho_env=rho_env,
        p_env=p_env,
        rho_all=rho_all,
        p_all=p_all,
        env_first=first,
        env_last=last,
        note=note,
    )
    return Outcome(claim, values)


def ws_fig13(errors, u_min: float = -6.0, u_max: float = 6.0, abs_tol: float = 1e-6) -> Outcome:
    """WS Fig. 13, "Appendix A": the largest absolute difference, on a grid of
    [``u_min``, ``u_max``], between each derivative f', f'', f''' of each activation and the
    central difference of the derivative before it (``errors (A, 3)``, one row per
    activation; WS Appendix A).

    Test: holds if every difference is below ``abs_tol``, partly if >= half are; no
    activation: does not hold."""
    err = real_array("errors", errors)
    if err.size == 0:
        err = err.reshape(0, 3)
    if err.ndim != 2 or err.shape[1] != 3:
        raise ValueError(f"errors must have shape (A, 3), got {err.shape}")
    positive("abs_tol", abs_tol)
    checks = list((err < abs_tol).ravel())
    A = err.shape[0]
    worst = float(err.max()) if A else _NAN
    if not checks:
        verdict, note = "does not hold", "No activation was checked in this run."
    else:
        verdict = _frac(float(np.mean(checks)), holds_at=1.0, partly_at=0.5)
        note = ""
    n_passed = int(sum(checks))
    claim = Claim(
        id="ws-fig13",
        paper="WS",
        figure="Fig. 13",
        claim="Appendix A",
        paper_reports="the five activations (linear, sigmoid, tanh, softplus, GELU) with their "
        "first, second and third derivatives in closed form (Appendix A)",
        measured=f"{n_passed} of {len(checks)} derivatives ({A} activations x 3) match central "
        f"differences; largest absolute difference {fmt(worst, 2)} on [{u_min}, {u_max}]",
        test="every first, second and third derivative of every activation matches the central "
        "difference of the derivative before it (step fd_step) to an absolute difference below "
        "1e-6 on the grid; partly if >= half do",
        verdict=verdict,
        paper_says=str(QUOTES["ws-fig13"]),
        reading=READINGS["ws-fig13"],
        sensitivity=series(
            "abs_tol (absolute difference allowed)",
            (1e-10, 1e-8, 1e-4),
            abs_tol,
            lambda t: (
                float(np.mean(err < t)) if A else _NAN,
                _frac(float(np.mean(err < t)), holds_at=1.0, partly_at=0.5)
                if A
                else "does not hold",
            ),
        ),
    )
    return Outcome(claim, dict(worst=worst, n_checks=len(checks), n_passed=n_passed, note=note))


def ws_fig07_power(
    ws_upper, test_f1, n_unique: int, frac_high: float = 0.1, n_sim: int = 400, seed: int = 0
) -> float:
    """The power of :func:`ws_fig07`'s test (two-sided Mann-Whitney at 1%, High worse) in a
    sweep of ``n_unique`` unique points, if the effect were the one in ``ws_upper (M,)``,
    ``test_f1 (M,)``: the Low and High F1 values are resampled at the group sizes
    :func:`~hsr.experiments.groups.low_high_groups` gives ``n_unique`` points
    (:func:`~hsr.experiments.stats.mann_whitney_power`). NaN where a group has fewer than 2
    points. A miss of the claim where the power is low says little about the claim."""
    from ..core._checks import integer_at_least
    from ..experiments.stats import mann_whitney_power

    ws, f1 = finite_vector("ws_upper", ws_upper), finite_vector("test_f1", test_f1)
    same_length(ws_upper=ws, test_f1=f1)
    n_unique = integer_at_least("n_unique", n_unique, 0)
    fraction("frac_high", frac_high)
    if ws.size < 4 or n_unique < 4:
        return _NAN
    low, high = low_high_groups(ws, frac_high)
    n_low, n_high = (g.size for g in low_high_groups(np.arange(float(n_unique)), frac_high))
    if min(low.size, high.size, n_low, n_high) < 2:
        return _NAN
    return mann_whitney_power(f1[high], f1[low], n_high, n_low, n_sim=n_sim, seed=seed)


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
            _vector(f"pairs[{name!r}] bound", pair[0]),
            _vector(f"pairs[{name!r}] exact", pair[1]),
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
    median = {k: float(np.median(r)) if r.size else _NAN for k, r in ratio.items()}

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
    gamma: float = _NAN,
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
    ts, ws, b = _vector("ts", ts), _vector("ws_upper", ws_upper), _vector("bound", bound)
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
        drop = float(ws[-1] / ws[0]) if ws[0] > 0 else _NAN
        decreasing = bool(np.all(np.diff(ws[ts.size // 2 :]) <= 0))
        slope = float(np.diff(np.log(np.maximum(ws[-2:], 1e-300)))[0] / np.diff(ts[-2:])[0])
        note = ""
    else:
        gamma, drop, slope, below, decreasing = _NAN, _NAN, _NAN, False, False
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
    t = _vector("trace", trace)
    q = _vector("trace_squared", trace_squared)
    w = _vector("ws_upper", ws_upper)
    lmin, lmax = _vector("lambda_min", lambda_min), _vector("lambda_max", lambda_max)
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

"""The tests of the HSR paper's claims, one function per ledger row (``hsr-figNN``).

Each function takes the measured arrays, applies the test stated in its docstring (chosen
before the runs, never tuned to the outcome) and returns an :class:`~hsr.claims.ledger.Outcome`:
the ledger row and the numbers behind it for the figure's page. Every row carries the
sentences of the paper it rests on (:data:`QUOTES`, verbatim, with the section), how its test
reads them (:data:`READINGS`), and its sensitivity: the row's verdict re-computed from the
same arrays over a range of each threshold or free choice of the test
(:func:`hsr.claims.sensitivity.series`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy import stats as _stats

from ..core._checks import (
    finite_vector,
    fraction,
    positive,
    positive_values,
    real_array,
    same_length,
)
from ..experiments.groups import top_bottom_groups
from ..experiments.methods import METHOD_LABELS
from ..experiments.stats import paired_wilcoxon, spearman_or_nan, whisker_tip
from ..experiments.timing import growth_exponent
from .ledger import (
    UNTESTED,
    Claim,
    Outcome,
    Quote,
    combine_verdicts,
    fmt,
    merge_claims,
    verdict_from_count,
    weaker,
)
from .ledger import verdict_from_fraction as _frac
from .ledger import verdict_from_pvalue as _pval
from .sensitivity import series

_NAN = float("nan")

#: the paper's words each row rests on (verbatim from the HSR paper's text)
QUOTES: dict[str, Quote] = {
    "hsr-fig02": Quote(
        "HSR",
        "Section IV-A",
        "It can be observed that the computation time increases linearly with respect to . "
        "The WS upper bound is a function based on the traces of the Hessian and the "
        "squared Hessian, and the computation time of the trace is affected by the number "
        "of diagonal components . Therefore, it is considered that the computation time "
        "increases linearly with . Fig. 2 (right) illustrates the case where the training "
        "data size is increased. Although the details are described later, includes a "
        "double sum with respect to . Thus, the computation time is expected to be "
        "proportional to . Although an increasing trend in computation time is observed "
        "with respect to both and , the analytical solution completes the computation in "
        "less time than the numerical solution in either case.",
    ),
    "hsr-fig03": Quote(
        "HSR",
        "Section IV-B",
        "The difference norms between the numerical and analytical solutions are both on "
        "the order of , confirming that they are strongly consistent. This trend remains "
        "identical for parameters generated with different random seeds. These results "
        "demonstrate that the analytical solutions derived in this study are correct.",
    ),
    "hsr-fig04": Quote(
        "HSR",
        "Section V-A",
        "As can be seen from the figure, the closer is to 0, that is, the closer is to , "
        "the smaller the gradient norm becomes. From this observation, it can be concluded "
        "that data samples that can be correctly estimated with high confidence do not "
        "influence the direction toward a flat minimum.",
    ),
    "hsr-fig05": Quote(
        "HSR",
        "Section V-B",
        "As can be seen from the figure, training data with a higher inner product leads to"
        " a larger gradient norm of the squared Hessian trace. In light of Eq. (2), this "
        "implies that pairs of similar training data samples exert a strong influence in "
        "the direction that reduces the standard deviation of the eigenspectrum. However, "
        "the scaling effect due to the inner product is large for linear activation and "
        "small for sigmoid activation.",
    ),
    "hsr-fig06": Quote(
        "HSR",
        "Section V-C",
        "Therefore, it is expected that the direction toward flat minima, , is strongly "
        "influenced by the direction that reduces the standard deviation of the "
        "eigenspectrum rather than its mean. To verify whether this hypothesis is correct, "
        "we calculated the norms of and using multiple randomly generated initial "
        "parameters. The results are shown in Fig. 6. As can be seen from the figure, as "
        "expected, it can be determined that the norm of is larger than that of .",
    ),
    "hsr-fig07": Quote(
        "HSR",
        "Section V-E",
        "As can be seen from the figure, as the training progresses, the WS upper bound "
        "decreases while the WS lower bound increases. Concurrently, it can be observed "
        "that the maximum eigenvalue approaches 0 from the positive direction, and the "
        "minimum eigenvalue approaches 0 from the negative direction. The lower panel of "
        "Fig. 7 illustrates the details of the eigenspectrum, confirming that the range of "
        "the eigenvalues narrows as the training progresses.",
    ),
    "hsr-fig09": Quote(
        "HSR",
        "Section VI-A",
        "As can be seen from the figure, the WS upper bound is tight with respect to the "
        "maximum eigenvalue. Therefore, the WS upper bound can be regarded as a function "
        "that evaluates the sharpness of the loss function. Additionally, a histogram "
        "regarding the WS upper bound of the 1,124 critical points is shown in the right "
        "panel of Fig. 9. From this plot, it can be confirmed that the distribution of the "
        "WS upper bound is right-skewed with a long tail. Therefore, the 113 critical "
        "points whose WS upper bounds lie in the top 90% or higher are termed “Sharp "
        "Minima” and serve as the primary subject of analysis in this study. To perform a "
        "comparative analysis, the 113 critical points whose WS upper bounds lie in the "
        "bottom 10% or lower are termed “Flat Minima” and are also included in the analysis"
        " of this study.",
    ),
    "hsr-fig10": Quote(
        "HSR",
        "Section VI-B",
        "On the other hand, it can be observed that the maximum eigenvalue reaches a large "
        "value at the critical point under the plain gradient descent method. In contrast, "
        "the three methods that control the eigenvalues finish training while maintaining "
        "the maximum eigenvalue at a low value.",
    ),
    "hsr-fig11": Quote(
        "HSR",
        "Section VI-B",
        "From this plot, it can be seen that each method controlling the eigenvalues "
        "prefers flatter minima compared to the plain gradient descent method. Among them, "
        "it can be confirmed that HSR regularization consistently converges to flat minima.",
    ),
    "hsr-fig12": Quote(
        "HSR",
        "Section VI-B",
        "In the case of the Sharp Minima Seeds, it can be seen that all methods "
        "successfully reduced the maximum eigenvalue compared to the plain gradient descent"
        " method without regularization. Among these, A-SAM and HSR regularization were "
        "particularly effective. The reason HSR regularization outperformed Hessian "
        "regularization is considered to be that while Hessian regularization relies solely"
        " on the Hessian trace, HSR regularization additionally incorporates the squared "
        "Hessian trace.",
    ),
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
    "hsr-fig14": Quote(
        "HSR",
        "Section VI-C",
        "Looking at the results for the Sharp Minima Seeds, it can be confirmed that the "
        "three methods controlling the eigenvalues successfully improved the test "
        "performance compared to the plain gradient descent method without regularization. "
        "Among these, A-SAM and HSR regularization exhibited a higher improvement than "
        "Hessian regularization. Therefore, it can be said that HSR regularization is "
        "expected to achieve a performance improvement comparable to that of A-SAM. "
        "Furthermore, the results for the Flat Minima Seeds suggest that HSR regularization"
        " does not induce any adverse effects on initial parameters that inherently lead to"
        " flat minima without any specific modifications.",
    ),
    "hsr-fig15": Quote(
        "HSR",
        "Section VI-C",
        "From these plots, it can be seen that the application of HSR regularization has "
        "the effect of simplifying the decision boundaries. This implies the suppression of"
        " overfitting, which is a desirable property from the perspective of "
        "generalization.",
    ),
}

#: how each row's test reads those words, and why
READINGS: dict[str, str] = {
    "hsr-fig02": "'Less time than the numerical solution in either case' is read as: the closed "
    "form as shipped is faster than central differences at every size timed, in both panels. "
    "'Increases linearly' in d_h and 'proportional to' N^2 (the symbols are blank in the "
    "extracted text; the paper's argument: the trace grows with the number of diagonal "
    "components, tr(H^2) is a double sum over the samples) are read as the slope of a log-log "
    "fit of time on size of the paper's double-sum closed form, within 0.5 of 1 and of 2: a "
    "slope is the measurable form of 'grows linearly (quadratically)', and the window allows "
    "for the fixed overheads that flatten every curve at small sizes.",
    "hsr-fig03": "'Strongly consistent ... identical for parameters generated with different "
    "random seeds' is read as: at several random networks, every block (theta1, theta2) of the "
    "central-difference gradient of tr(H) and tr(H^2) agrees with the closed form to 1e-6 "
    "relative. The paper's order of magnitude is blank in the extracted text; central "
    "differences with this step are accurate to about 1e-9 relative, so 1e-6 separates a "
    "correct formula from a wrong one with a wide margin.",
    "hsr-fig04": "'The closer e_i is to 0, the smaller the gradient norm becomes' is a monotone "
    "relation, read as a positive Spearman rank correlation between |e_i| and the norm of "
    "sample i's contribution to grad lambda_WS (p < 0.01); 'do not influence the direction' is "
    "read as: the 10% of samples closest to their labels carry less than 1% of the summed "
    "norms. Both at one trained network, as in the paper (a critical point of the Section VI "
    "sweep).",
    "hsr-fig05": "'Training data with a higher inner product leads to a larger gradient norm' is "
    "read as a monotone rise of the mean norm of grad tr(H^2) over random networks with the "
    "input covariance (Spearman rho > 0, p < 0.01), for each activation; 'large for linear "
    "activation and small for sigmoid activation' as a larger relative increase over the "
    "covariance grid for linear than for sigmoid. The mean over networks, because the paper's "
    "figure shows one curve per activation.",
    "hsr-fig06": "'The norm of [the spread term] is larger than that of [the mean term]' (the "
    "symbols are blank in the extracted text: sqrt(n-1) grad s and grad m of Theorem 1) over "
    "'multiple randomly generated initial parameters' is read as a share: the spread term's "
    "norm exceeds the mean term's at >= 95% of random initial parameters drawn as the sweep's "
    "(>= 50%: partly).",
    "hsr-fig07": "Each observation of the paper's two runs becomes a check of the last iterate "
    "against the first: top (alpha = beta = 1, Section V-D) lambda_WS and lambda_max fall; "
    "middle (alpha = 0, quoted) lambda_WS falls, the WS lower bound rises, lambda_max "
    "'approaches 0 from the positive direction' (ends positive, within 10% of the initial "
    "spectral range of 0), lambda_min 'approaches 0 from the negative direction' (ends "
    "non-positive, within the same distance) and 'the range of the eigenvalues narrows' "
    "(lambda_max - lambda_min shrinks). Proposition 2 proves only that the WS interval "
    "[m - s sqrt(n-1), m + s sqrt(n-1)] narrows when m stays and s falls, not that the "
    "spectrum's range does; so the range is read on the eigenvalues themselves, not inferred "
    "from the bounds.",
    "hsr-fig09": "'Tight' is read as no violation of lambda_max <= lambda_WS and a median "
    "lambda_max / lambda_WS of at least 0.8; 'right-skewed with a long tail' as a positive "
    "sample skewness that D'Agostino's test finds significant at 1%; the Sharp and Flat groups "
    "are the paper's own definition (top and bottom 10% of lambda_WS), and their sizes are "
    "compared with the paper's 113 scaled to our number of seeds.",
    "hsr-fig10": "'Finish training while maintaining the maximum eigenvalue at a low value', "
    "against plain gradient descent's 'large value at the critical point', is read as: the "
    "final lambda_max of each regularizer is below Baseline's from the same Sharp seeds, a "
    "one-sided paired Wilcoxon signed-rank test at 1% (the papers' level) per regularizer, "
    "since 'the three methods' is said of each.",
    "hsr-fig11": "Flatness is read as the HSR paper defines it (Section I: quantified by the "
    "eigenvalues of the Hessian of the Taylor-expanded loss): the rise of the loss along the "
    "top eigenvector at a small step, t = 0.1, inside the quadratic regime, on the figure's "
    "own line. 'Consistently converges to flat minima', said of a plot of all Sharp seeds, "
    "is read as a statement about the distribution over seeds: HSR Reg. has the smallest "
    "median and the smallest upper tail (90% quantile) of that rise of the four methods "
    "('among them'); the seed-by-seed share against Baseline is shown beside it.",
    "hsr-fig12": "'A-SAM and HSR regularization were particularly effective' is read as: they "
    "have the two lowest medians of the final lambda_max on the Sharp seeds (Fig. 12A); 'HSR "
    "regularization outperformed Hessian regularization' as HSR Reg.'s lambda_max below "
    "Hessian Reg.'s on the same seeds, a one-sided paired Wilcoxon signed-rank test at 1%.",
    "hsr-fig13": "The paper shows the point 'at the tip of the whisker' of A-SAM's lambda_min "
    "box on the Flat seeds (Fig. 12D) and the same for HSR Reg.; we take that point as the "
    "box plot draws it (the lowest lambda_min within 1.5 IQR of the lower quartile, over all "
    "runs of the group). 'A clear saddle point was observed' is read from the figure's two "
    "lines on one axis: along v_min the loss falls below its value at the point by at least "
    "5% of its rise along v_max over the plotted steps (a fall that small relative to the "
    "blue line would not be seen); 'no clear saddle point ... for HSR regularization' as "
    "HSR Reg.'s point not a clear saddle in that sense.",
    "hsr-fig14": "'Successfully improved the test performance' is read per method as test "
    "macro-F1 above Baseline's on the same Sharp seeds, a one-sided paired Wilcoxon "
    "signed-rank test at 1%, for the two methods the claim names (A-SAM and HSR Reg.); 'does "
    "not induce any adverse effects' on the Flat seeds as a median paired change of at least "
    "-0.01 in macro-F1: a tolerance, since 'no effect' cannot be shown by a test that fails to "
    "reject.",
    "hsr-fig15": "The paper shows a few seeds; 'simplifying the decision boundaries' is read "
    "as a shorter p = 0.5 contour inside the plotted square (a straight boundary is the "
    "shortest across it; folds and extra pieces add length), over all Sharp seeds: HSR Reg.'s "
    "length below Baseline's in a one-sided paired Wilcoxon signed-rank test at 1%, with a "
    "lower median.",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with the paper's words it rests on, how its test reads them, and the
    sensitivity of its verdict to the test's free choices."""
    return replace(
        claim,
        paper_says=str(QUOTES[claim.id]),
        reading=READINGS[claim.id],
        sensitivity=tuple(sensitivity),
    )


#: the significance levels every p-value rule is re-applied at (the papers use 1%)
ALPHAS = (0.001, 0.005, 0.01, 0.02, 0.05)


__all__ = [
    "QUOTES",
    "READINGS",
    "hsr_fig02",
    "hsr_fig03",
    "hsr_fig04",
    "hsr_fig05",
    "hsr_fig06",
    "hsr_fig07",
    "hsr_fig09",
    "hsr_fig10",
    "hsr_fig11",
    "hsr_fig12",
    "hsr_fig13",
    "hsr_fig14",
    "hsr_fig15",
    "sample_steering",
    "saddle_depth",
]


def hsr_fig09(
    lambda_max, ws_upper, n_seeds: int, group_frac: float = 0.1, tight_ratio: float = 0.8
) -> Outcome:
    """HSR Fig. 9, "tight bound; skewed; defines Flat and Sharp seeds", over the unique
    critical points (``lambda_max``, ``ws_upper``: ``(M,)``) of a sweep of ``n_seeds`` seeds.

    Three parts, combined by :func:`hsr.claims.combine_verdicts`:

    - tight: no violation of lambda_max <= lambda_WS (1e-10 relative) and median
      lambda_max / lambda_WS >= ``tight_ratio``: holds; the bound holds but looser: partly;
    - skewed: skewness > 0 and ``scipy.stats.skewtest`` p < 0.01 (partly: p < 0.05);
    - groups: each of Flat and Sharp (bottom and top ``group_frac`` of lambda_WS) within
      10% of the paper's 113 of 3,000 seeds scaled to ``n_seeds``: holds; within 25%:
      partly (the worse group).
    """
    lmax, ws = finite_vector("lambda_max", lambda_max, 1), finite_vector("ws_upper", ws_upper, 1)
    same_length(lambda_max=lmax, ws_upper=ws)
    if int(n_seeds) < 1:
        raise ValueError(f"n_seeds must be a positive integer, got {n_seeds}")
    fraction("group_frac", group_frac)
    flat, sharp = top_bottom_groups(ws, group_frac)
    lo, hi = np.quantile(ws, [group_frac, 1 - group_frac])
    rel_excess = (lmax - ws) / np.maximum(np.abs(ws), 1e-300)
    n_violate = int(np.sum(rel_excess > 1e-10))
    ratio = float(np.median(lmax / ws))
    v_tight = "does not hold" if n_violate else ("holds" if ratio >= tight_ratio else "partly")
    skew = float(_stats.skew(ws)) if ws.size > 2 else _NAN
    if ws.size >= 8:
        p_skew, note_skew = float(_stats.skewtest(ws).pvalue), ""
    else:
        p_skew, note_skew = _NAN, f" (too few points, {ws.size}, for the skewness test)"
    v_skew = _pval(p_skew, direction_ok=bool(skew > 0))
    expected = 113 * int(n_seeds) / 3000
    v_groups = weaker(*(verdict_from_count(n, expected) for n in (flat.size, sharp.size)))
    # only the paper's 3,000 seeds test the group sizes: fewer seeds keep more of their
    # converged points as unique, so a count scaled by the seeds alone is not the paper's
    paper_scale = int(n_seeds) == 3000
    scaled_groups = v_groups
    if not paper_scale:
        v_groups = UNTESTED
    parts = [
        Claim(
            id="hsr-fig09-tight",
            paper="HSR",
            figure="Fig. 9",
            claim="tight bound",
            paper_reports="the WS upper bound is tight with respect to the maximum eigenvalue",
            measured=f"{n_violate} violations at {ws.size} unique points; median "
            f"lambda_max / lambda_WS = {ratio:.3f}",
            test=f"no violation (1e-10 relative) and median ratio >= {tight_ratio}; "
            "bound holds but looser: partly",
            verdict=v_tight,
        ),
        Claim(
            id="hsr-fig09-skewed",
            paper="HSR",
            figure="Fig. 9",
            claim="skewed",
            paper_reports="right-skewed with a long tail",
            measured=f"skewness {skew:.3f}, skewtest p = {p_skew:.2g}{note_skew}",
            test="skewness > 0 and scipy.stats.skewtest p < 0.01 (partly: p < 0.05)",
            verdict=v_skew,
        ),
        Claim(
            id="hsr-fig09-groups",
            paper="HSR",
            figure="Fig. 9",
            claim="defines Flat and Sharp seeds",
            paper_reports="113 Flat and 113 Sharp seeds of 1,124 unique points (3,000 seeds)",
            measured=f"{flat.size} Flat and {sharp.size} Sharp seeds of {ws.size} unique "
            f"points ({int(n_seeds)} seeds"
            + (")" if paper_scale else "; only the paper's 3,000 seeds can test the sizes)"),
            test="each group within 10% of the paper's 113: holds; within 25%: partly (worse "
            "group); with another number of seeds: not tested at this scale",
            verdict=v_groups,
        ),
    ]
    claim = merge_claims(parts, "hsr-fig09", "tight bound; skewed; defines Flat and Sharp seeds")
    if not paper_scale:
        earlier = {
            "test": "(groups part) each group within 10% of the paper's 113 scaled to our "
            "seeds: holds; within 25%: partly (the reading published before; the unique "
            "fraction does not scale with the seeds)",
            "measured": f"{flat.size} Flat and {sharp.size} Sharp against {expected:.0f} scaled",
            "verdict": scaled_groups,
        }
        claim = replace(claim, earlier=(earlier,))

    def tight_at(r):
        v = "does not hold" if n_violate else ("holds" if ratio >= r else "partly")
        return ratio, combine_verdicts([v, v_skew, v_groups])

    def skew_at(a):
        v = _pval(p_skew, alpha=a, direction_ok=bool(skew > 0), partly_alpha=max(a, 0.05))
        return p_skew, combine_verdicts([v_tight, v, v_groups])

    def groups_at(w):
        counts = [verdict_from_count(n, expected, w, max(w, 0.25)) for n in (flat.size, sharp.size)]
        worst = max(abs(n - expected) / expected for n in (flat.size, sharp.size))
        return worst, combine_verdicts([v_tight, v_skew, weaker(*counts)])

    sensitivity = (
        series("tight_ratio", (0.5, 0.6, 0.7, 0.8, 0.9, 0.95), tight_ratio, tight_at)
        + series("skewtest alpha", ALPHAS, 0.01, skew_at)
        + (
            series("group count tolerance (holds within)", (0.05, 0.1, 0.15, 0.2), 0.1, groups_at)
            if paper_scale
            else ()
        )
    )
    values = dict(
        n_violate=n_violate,
        ratio=ratio,
        skew=skew,
        p_skew=p_skew,
        expected=expected,
        flat=flat,
        sharp=sharp,
        q_lo=float(lo),
        q_hi=float(hi),
        tight=v_tight,
        skewed=v_skew,
        groups=v_groups,
    )
    return Outcome(_quoted(claim, sensitivity), values)


def _methods(name: str, by_method: dict, need) -> dict:
    if not isinstance(by_method, dict):
        raise ValueError(f"{name} must be a dict of method -> array")
    missing = [m for m in need if m not in by_method]
    if missing:
        raise ValueError(f"{name} must hold the methods {list(need)}, missing {missing}")
    out = {m: finite_vector(f"{name}[{m!r}]", v, 1) for m, v in by_method.items()}
    same_length(**{f"{name}[{m!r}]": v for m, v in out.items()})
    return out


def hsr_fig12(lambda_max_sharp: dict) -> Outcome:
    """HSR Fig. 12, "HSR and A-SAM lowest; HSR beats Hessian Reg.", from the final
    lambda_max of every method on the same Sharp seeds (``lambda_max_sharp``: method ->
    ``(S,)``, methods ``baseline``, ``hessian``, ``asam``, ``hsr``).

    Two parts, combined by :func:`hsr.claims.combine_verdicts`:

    - lowest: HSR Reg. and A-SAM have the two lowest medians: holds; one of them: partly;
    - beats Hessian Reg.: one-sided paired Wilcoxon, HSR's lambda_max < Hessian Reg.'s,
      p < 0.01 (partly: p < 0.05) with a negative median paired difference.
    """
    lam = _methods("lambda_max_sharp", lambda_max_sharp, ("baseline", "hessian", "asam", "hsr"))
    med = {m: float(np.median(v)) for m, v in lam.items()}
    two_lowest = sorted(med, key=med.get)[:2]
    hits = len({"hsr", "asam"} & set(two_lowest))
    v_lowest = _frac(hits / 2, holds_at=1.0, partly_at=0.5)
    p, n, note = paired_wilcoxon(lam["hsr"], lam["hessian"], "less")
    d_med = float(np.median(lam["hsr"] - lam["hessian"]))
    v_beats = _pval(p, direction_ok=bool(d_med < 0))
    S = next(iter(lam.values())).size
    medians_txt = ", ".join(f"{METHOD_LABELS.get(m, m)} {med[m]:.3g}" for m in lam)
    parts = [
        Claim(
            id="hsr-fig12-lowest",
            paper="HSR",
            figure="Fig. 12",
            claim="HSR and A-SAM lowest",
            paper_reports="on Sharp seeds every method lowers lambda_max against Baseline; "
            "A-SAM and HSR Reg. are particularly effective",
            measured=f"median lambda_max on {S} Sharp seeds: {medians_txt}",
            test="HSR Reg. and A-SAM have the two lowest medians of lambda_max on Sharp seeds: "
            "holds; one of them: partly",
            verdict=v_lowest,
        ),
        Claim(
            id="hsr-fig12-beats-hessian",
            paper="HSR",
            figure="Fig. 12",
            claim="HSR beats Hessian Reg.",
            paper_reports="HSR Reg. outperforms Hessian Reg. in lowering lambda_max (Sharp seeds)",
            measured=f"median paired difference HSR - Hessian Reg. {d_med:.3g}, one-sided "
            f"Wilcoxon p = {p:.2g} over {n} Sharp seeds{note}",
            test="one-sided paired Wilcoxon, HSR's lambda_max < Hessian Reg.'s, p < 0.01",
            verdict=v_beats,
        ),
    ]
    claim = merge_claims(parts, "hsr-fig12", "HSR and A-SAM lowest; HSR beats Hessian Reg.")

    def beats_at(a):
        v = _pval(p, alpha=a, direction_ok=bool(d_med < 0), partly_alpha=max(a, 0.05))
        return p, combine_verdicts([v_lowest, v])

    sensitivity = series("Wilcoxon alpha", ALPHAS, 0.01, beats_at)
    values = dict(
        medians=med, two_lowest=two_lowest, p=p, d_med=d_med, lowest=v_lowest, beats=v_beats
    )
    return Outcome(_quoted(claim, sensitivity), values)


def hsr_fig14(f1: dict, sharp, flat, harm_margin: float = 0.01) -> Outcome:
    """HSR Fig. 14, "HSR and A-SAM improve Sharp seeds; no harm on Flat seeds", from the
    test macro-F1 of every method on the same seeds (``f1``: method -> ``(S,)``, methods
    ``baseline``, ``hessian``, ``asam``, ``hsr``) and the boolean masks ``sharp``, ``flat``
    ``(S,)`` of the two groups.

    Two parts, combined by :func:`hsr.claims.combine_verdicts`:

    - Sharp improves: one-sided paired Wilcoxon (F1 > Baseline's) at 1% for HSR Reg. and
      A-SAM: both holds, one partly;
    - no harm on Flat: median paired change against Baseline >= -``harm_margin`` for HSR
      Reg. and A-SAM: both holds, one partly.
    """
    f1 = _methods("f1", f1, ("baseline", "hessian", "asam", "hsr"))
    S_all = next(iter(f1.values())).size
    masks = {}
    for name, m in (("sharp", sharp), ("flat", flat)):
        m = np.asarray(m)
        if m.dtype != bool or m.shape != (S_all,):
            raise ValueError(f"{name} must be a boolean mask of shape ({S_all},)")
        if not m.any():
            raise ValueError(f"{name} must select at least one seed")
        masks[name] = m
    if not float(harm_margin) >= 0:
        raise ValueError(f"harm_margin must be >= 0, got {harm_margin}")
    S, F = masks["sharp"], masks["flat"]
    rows, n_better, n_noharm, notes = {}, 0, 0, ""
    for m in ("hsr", "asam", "hessian"):
        p, _, note = paired_wilcoxon(f1[m][S], f1["baseline"][S], "greater")
        gain = float(np.median(f1[m][S] - f1["baseline"][S]))
        change_flat = float(np.median(f1[m][F] - f1["baseline"][F]))
        if m != "hessian":  # the claim names HSR Reg. and A-SAM
            n_better += bool(p < 0.01)
            n_noharm += bool(change_flat >= -float(harm_margin))
            notes = notes or note
        rows[m] = {"gain": gain, "p": p, "flat_change": change_flat}
    v_sharp = _frac(n_better / 2, holds_at=1.0, partly_at=0.5)
    v_flat = _frac(n_noharm / 2, holds_at=1.0, partly_at=0.5)

    def txt(key, spec):
        return "; ".join(f"{METHOD_LABELS[m]} {r[key]:{spec}}" for m, r in rows.items())

    parts = [
        Claim(
            id="hsr-fig14-sharp-improves",
            paper="HSR",
            figure="Fig. 14",
            claim="HSR and A-SAM improve Sharp seeds",
            paper_reports="on Sharp seeds all three regularizers improve the test macro-F1 over "
            "Baseline, A-SAM and HSR Reg. more than Hessian Reg.",
            measured=f"median paired F1 gain over Baseline on {int(S.sum())} Sharp seeds: "
            f"{txt('gain', '.3g')}; one-sided Wilcoxon p: {txt('p', '.2g')}{notes}",
            test="one-sided paired Wilcoxon (F1 > Baseline) at 1% for HSR Reg. and A-SAM: both "
            "holds, one partly",
            verdict=v_sharp,
        ),
        Claim(
            id="hsr-fig14-flat-no-harm",
            paper="HSR",
            figure="Fig. 14",
            claim="no harm on Flat seeds",
            paper_reports="HSR Reg. induces no adverse effect on the Flat seeds",
            measured=f"median paired F1 change against Baseline on {int(F.sum())} Flat seeds: "
            f"{txt('flat_change', '.3g')}",
            test=f"median paired change >= -{float(harm_margin):g} for HSR Reg. and A-SAM: "
            "both holds, one partly",
            verdict=v_flat,
        ),
    ]
    claim = merge_claims(
        parts, "hsr-fig14", "HSR and A-SAM improve Sharp seeds; no harm on Flat seeds"
    )

    def sharp_at(a):
        n = sum(bool(rows[m]["p"] < a) for m in ("hsr", "asam"))
        return n, combine_verdicts([_frac(n / 2, holds_at=1.0, partly_at=0.5), v_flat])

    def flat_at(margin):
        n = sum(bool(rows[m]["flat_change"] >= -margin) for m in ("hsr", "asam"))
        return n, combine_verdicts([v_sharp, _frac(n / 2, holds_at=1.0, partly_at=0.5)])

    sensitivity = series("Wilcoxon alpha", ALPHAS, 0.01, sharp_at) + series(
        "harm_margin", (0.0, 0.005, 0.01, 0.02, 0.05), float(harm_margin), flat_at
    )
    values = dict(rows=rows, sharp_improves=v_sharp, flat_no_harm=v_flat)
    return Outcome(_quoted(claim, sensitivity), values)


# ----- argument checks of the comparison's arrays (Figs. 10-15) ----------------------------------
def _method_arrays(name: str, by_method: dict, need, ndim: int = 1) -> dict:
    """``by_method`` (method -> array) as float arrays of ``ndim`` dimensions and one shape,
    holding at least the methods ``need``. Non-finite entries are allowed (a diverged run's
    statistics); the tests drop or propagate them as the notebooks always did."""
    if not isinstance(by_method, dict) or not by_method:
        raise ValueError(f"{name} must be a non-empty dict of method -> array")
    missing = [m for m in need if m not in by_method]
    if missing:
        raise ValueError(f"{name} must hold the methods {list(need)}, missing {missing}")
    out = {m: real_array(f"{name}[{m!r}]", v) for m, v in by_method.items()}
    for m, v in out.items():
        if v.ndim != ndim or v.shape[0] < 1:
            raise ValueError(
                f"{name}[{m!r}] must be {ndim}-D with at least one seed, got shape {v.shape}"
            )
    if len({v.shape for v in out.values()}) > 1:
        raise ValueError(
            f"{name} must hold arrays of one shape, got { ({m: v.shape for m, v in out.items()}) }"
        )
    return out


# ----- HSR Fig. 2: computation time --------------------------------------------------------------
def hsr_fig02(
    d_hidden,
    n_samples,
    seconds_h: dict,
    seconds_n: dict,
    closed: str | None = None,
    growth: str | None = None,
) -> Outcome:
    """HSR Fig. 2, "closed form is faster; grows ~linearly in d_h, ~quadratically in N", from
    the measured seconds per gradient of grad lambda_WS.

    ``d_hidden (H,)`` and ``n_samples (K,)``: the sizes of the two panels; ``seconds_h``:
    curve -> ``(H,)`` seconds against d_h, ``seconds_n``: curve -> ``(K,)`` seconds against N,
    with the same curves: ``"numerical"`` (central differences) and the closed forms (e.g.
    ``"closed form (auto)"``, ``"closed form (pairwise)"``). ``closed``: the closed form as
    shipped (default: the first curve other than "numerical"); ``growth``: the curve whose
    growth is tested (default: "closed form (pairwise)" when timed, else ``closed``).

    Two parts, combined by :func:`hsr.claims.combine_verdicts`:

    - faster: ``closed`` takes less time than "numerical" at every size of both panels:
      holds; at >= half of them: partly;
    - growth: the log-log slope (:func:`hsr.experiments.timing.growth_exponent`) of
      ``growth`` is in [0.5, 1.5] against d_h and in [1.5, 2.5] against N: both holds, one
      partly.
    """
    sizes_h = positive_values("d_hidden", d_hidden, integer=True, minimum=1)
    sizes_n = positive_values("n_samples", n_samples, integer=True, minimum=1)
    for name, by_curve, sizes in (
        ("seconds_h", seconds_h, sizes_h),
        ("seconds_n", seconds_n, sizes_n),
    ):
        if not isinstance(by_curve, dict) or "numerical" not in by_curve or len(by_curve) < 2:
            raise ValueError(
                f"{name} must be a dict of curve -> seconds holding 'numerical' and a closed form"
            )
        for m, v in by_curve.items():
            a = finite_vector(f"{name}[{m!r}]", v)
            if a.size != len(sizes) or np.any(a <= 0):
                raise ValueError(
                    f"{name}[{m!r}] must hold {len(sizes)} positive times, one per size"
                )
    if set(seconds_h) != set(seconds_n):
        raise ValueError("seconds_h and seconds_n must hold the same curves")
    curves = ["numerical"] + [m for m in seconds_h if m != "numerical"]
    closed = curves[1] if closed is None else closed
    if growth is None:
        growth = "closed form (pairwise)" if "closed form (pairwise)" in curves else closed
    for name, value in (("closed", closed), ("growth", growth)):
        if value not in curves[1:]:
            raise ValueError(
                f"{name} must be one of the closed-form curves {curves[1:]}, got {value!r}"
            )
    sh = {m: np.asarray(seconds_h[m], float) for m in curves}
    sn = {m: np.asarray(seconds_n[m], float) for m in curves}
    slopes = {}
    for m in curves:
        slopes[("d_hidden", m)] = growth_exponent(sizes_h, sh[m])
        slopes[("N", m)] = growth_exponent(sizes_n, sn[m])
    t_num = np.concatenate([sh["numerical"], sn["numerical"]])
    t_closed = np.concatenate([sh[closed], sn[closed]])
    faster = t_closed < t_num
    frac = float(faster.mean())
    v_fast = _frac(frac, holds_at=1.0, partly_at=0.5)
    e_h, e_n = slopes[("d_hidden", growth)], slopes[("N", growth)]
    n_ok = int(0.5 <= e_h <= 1.5) + int(1.5 <= e_n <= 2.5)
    v_grow = _frac(n_ok / 2, holds_at=1.0, partly_at=0.5)
    speedup = t_num / t_closed
    others = "; ".join(
        f"{m}: {slopes[('d_hidden', m)]:.2f} in d_h, {slopes[('N', m)]:.2f} in N"
        for m in curves
        if m != growth
    )
    parts = [
        Claim(
            id="hsr-fig02-faster",
            paper="HSR",
            figure="Fig. 2",
            claim="closed form is faster",
            paper_reports="the analytical solution takes less time than the numerical one at every "
            "d_h and N tried",
            measured=(
                f"{closed} faster than central differences at {int(faster.sum())} of "
                f"{faster.size} sizes (d_h in {sizes_h}, N in {sizes_n}); "
                f"speed-up {speedup.min():.2g}x to {speedup.max():.2g}x"
            ),
            test="closed form faster at every size: holds; at >= half: partly",
            verdict=v_fast,
        ),
        Claim(
            id="hsr-fig02-growth",
            paper="HSR",
            figure="Fig. 2",
            claim="grows ~linearly in d_h, ~quadratically in N",
            paper_reports="computation time increases linearly with d_h and is expected to grow "
            "with N^2 (double sum over samples)",
            measured=(
                f"fitted log-log exponents of the {growth}: {e_h:.2f} in d_h, {e_n:.2f} in N "
                f"({others})"
            ),
            test="exponent of the double-sum closed form in [0.5, 1.5] for d_h and in [1.5, 2.5] "
            "for N: both holds, one partly",
            verdict=v_grow,
        ),
    ]
    claim = merge_claims(
        parts, "hsr-fig02", "closed form is faster; grows ~linearly in d_h, ~quadratically in N"
    )
    values = dict(
        slopes=slopes,
        closed=closed,
        growth=growth,
        n_faster=int(faster.sum()),
        n_sizes=int(faster.size),
        frac_faster=frac,
        speedup_min=float(speedup.min()),
        speedup_max=float(speedup.max()),
        e_h=e_h,
        e_n=e_n,
        faster=v_fast,
        growth_verdict=v_grow,
    )

    def window_at(w):
        n = int(1 - w <= e_h <= 1 + w) + int(2 - w <= e_n <= 2 + w)
        return n, combine_verdicts([v_fast, _frac(n / 2, holds_at=1.0, partly_at=0.5)])

    def faster_at(share):
        return frac, combine_verdicts([_frac(frac, holds_at=1.0, partly_at=share), v_grow])

    sensitivity = series(
        "exponent window half-width", (0.25, 0.5, 0.75, 1.0), 0.5, window_at
    ) + series("faster: share of sizes for partly", (0.25, 0.5, 0.75), 0.5, faster_at)
    return Outcome(_quoted(claim, sensitivity), values)


# ----- HSR Fig. 3: the closed-form gradients -----------------------------------------------------
def hsr_fig03(rel, n_networks: int, rel_tol: float = 1e-6) -> Outcome:
    """HSR Fig. 3, "Theorems 2-5 are right", from ``rel (C,)``: for every check (network,
    quantity tr(H) or tr(H^2), block theta1 or theta2) the norm of the difference between
    central differences and the closed-form gradient (HSR Theorems 2-5) divided by the norm
    of the whole closed-form gradient, over ``n_networks`` networks.

    Test: the share of checks with ``rel < rel_tol``: >= 95% holds, >= 50% partly
    (:func:`hsr.claims.verdict_from_fraction`)."""
    rel = finite_vector("rel", rel, 1)
    if np.any(rel < 0):
        raise ValueError("rel must hold relative differences >= 0")
    positive("n_networks", n_networks, integer=True)
    positive("rel_tol", rel_tol)
    passed = rel < float(rel_tol)
    frac = float(passed.mean())
    verdict = _frac(frac)
    worst = float(rel.max())
    claim = Claim(
        id="hsr-fig03",
        paper="HSR",
        figure="Fig. 3",
        claim="Theorems 2-5 are right",
        paper_reports=(
            "numerical and analytical gradients of tr(H) and tr(H^2) agree (difference "
            "norms small; the same for other seeds)"
        ),
        measured=(
            f"{int(passed.sum())} of {passed.size} (network, quantity, block) checks below "
            f"{rel_tol:g} relative over {n_networks} networks; "
            f"worst {worst:.2g}"
        ),
        test=(
            f"|FD - closed| / |closed| < {rel_tol:g} per block: "
            ">= 95% of checks holds, >= 50% partly"
        ),
        verdict=verdict,
    )
    values = dict(n_passed=int(passed.sum()), n_checks=int(passed.size), frac=frac, worst=worst)

    def tol_at(tol):
        f = float(np.mean(rel < tol))
        return f, _frac(f)

    sensitivity = series("rel_tol", (1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4), rel_tol, tol_at)
    return Outcome(_quoted(claim, sensitivity), values)


# ----- HSR Fig. 4: which samples steer grad lambda_WS --------------------------------------------
def sample_steering(norms, e, low_frac: float = 0.1) -> tuple[float, float, float]:
    """How much the samples predicted with confidence steer grad lambda_WS at one network
    (HSR Proposition 1): ``norms (N,)``, the norm of each sample's contribution to the
    gradient; ``e (N,)``, its estimation error p_i - y_i.

    Returns ``(rho, p, share)``: Spearman's rank correlation of |e_i| with the norms and its
    two-sided p-value (NaN where undefined: fewer than 3 samples or a constant array), and
    the share of the summed norms carried by the ``low_frac`` of the samples with the
    smallest |e_i| (at least one sample; ties kept in sample order)."""
    norms, e = finite_vector("norms", norms, 1), finite_vector("e", e, 1)
    same_length(norms=norms, e=e)
    fraction("low_frac", low_frac)
    a = np.abs(e)
    k = max(1, int(round(float(low_frac) * a.size)))
    share = float(norms[np.argsort(a, kind="stable")[:k]].sum() / norms.sum())
    rho, p = spearman_or_nan(a, norms)
    return rho, p, share


def hsr_fig04(
    norms,
    e,
    seed: int,
    low_frac: float = 0.1,
    share_max: float = 0.01,
    norms_all=None,
    e_all=None,
) -> Outcome:
    """HSR Fig. 4, "samples predicted with confidence (e_i near 0) do not steer the direction
    (Proposition 1)", at the network shown (the critical point of seed ``seed``):
    ``norms (N,)`` the norm of each sample's contribution to grad lambda_WS, ``e (N,)`` its
    estimation error (see :func:`sample_steering`).

    Test: (a) Spearman rho(|e_i|, norm) > 0 with p < 0.01, (b) the ``low_frac`` samples with
    the smallest |e_i| carry < ``share_max`` of the summed norms: both holds, one partly.
    ``norms_all``, ``e_all`` ``(M, N)``: the same at every unique critical point, reported as
    context (the share passing both checks), not part of the verdict."""
    rho, p, share = sample_steering(norms, e, low_frac)
    norms, e = np.asarray(norms, float), np.asarray(e, float)
    fraction("share_max", share_max)
    if (norms_all is None) != (e_all is None):
        raise ValueError("norms_all and e_all must be given together")
    if norms_all is not None:
        G, E = real_array("norms_all", norms_all), real_array("e_all", e_all)
        if G.ndim != 2 or G.shape != E.shape or G.shape[0] < 1:
            raise ValueError(
                f"norms_all and e_all must be 2-D of one shape (M, N), got {G.shape}, {E.shape}"
            )
        res = np.array(
            [
                sample_steering(g, ee, low_frac)
                if np.all(np.isfinite(g)) and np.all(np.isfinite(ee))
                else (_NAN, _NAN, _NAN)  # a point with non-finite values passes no check
                for g, ee in zip(G, E, strict=True)
            ]
        )
        both = (res[:, 0] > 0) & (res[:, 1] < 0.01) & (res[:, 2] < float(share_max))
        all_txt = f"{both.mean():.0%} of the {G.shape[0]} unique critical points pass both checks"
    else:
        both = None
        all_txt = "not computed (check_all = False)"
    ok_rho = bool(rho > 0 and p < 0.01)
    ok_share = bool(share < float(share_max))
    verdict = _frac((ok_rho + ok_share) / 2, holds_at=1.0, partly_at=0.5)
    claim = Claim(
        id="hsr-fig04",
        paper="HSR",
        figure="Fig. 4",
        claim=(
            "samples predicted with confidence (e_i near 0) do not steer the direction "
            "(Proposition 1)"
        ),
        paper_reports=(
            "the closer e_i is to 0, the smaller the sample's gradient norm (one trained network)"
        ),
        measured=(
            f"critical point of seed {seed}: Spearman rho(|e|, norm) = "
            f"{rho:.3f} (p = {p:.2g}); the {low_frac:.0%} smallest |e_i| carry {share:.2%} "
            f"of the summed norms; {all_txt}"
        ),
        test=(
            f"Spearman rho > 0 with p < 0.01, and the {low_frac:.0%} smallest |e_i| carry < "
            f"{share_max:.0%}: both holds, one partly"
        ),
        verdict=verdict,
    )
    values = dict(
        rho=rho, p=p, share=share, ok_rho=ok_rho, ok_share=ok_share, all_txt=all_txt, both=both
    )

    def verdict_of(ok_a, ok_b):
        return _frac((bool(ok_a) + bool(ok_b)) / 2, holds_at=1.0, partly_at=0.5)

    def alpha_at(a):
        return p, verdict_of(rho > 0 and p < a, ok_share)

    def share_max_at(m):
        return share, verdict_of(ok_rho, share < m)

    def low_frac_at(f):
        sh = sample_steering(norms, e, f)[2]
        return sh, verdict_of(ok_rho, sh < float(share_max))

    sensitivity = (
        series("Spearman alpha", ALPHAS, 0.01, alpha_at)
        + series("share_max", (0.005, 0.01, 0.02, 0.05, 0.1), share_max, share_max_at)
        + series("low_frac", (0.05, 0.1, 0.2, 0.3), low_frac, low_frac_at)
    )
    return Outcome(_quoted(claim, sensitivity), values)


# ----- HSR Fig. 5: aligned inputs ---------------------------------------------------------------
def hsr_fig05(
    cov, norms_ref, norms_act, reference: str = "linear", activation: str = "sigmoid"
) -> Outcome:
    """HSR Fig. 5, "aligned inputs enlarge it; strongly for linear, weakly for sigmoid", from
    the norms of grad tr(H^2) of a batch of random networks at each input covariance:
    ``cov (C,)``, ``norms_ref (C, R)`` for the ``reference`` activation (linear),
    ``norms_act (C, R)`` for ``activation`` (sigmoid).

    Three checks on the mean norm over the networks (the curves): Spearman rho(cov, mean) > 0
    with p < 0.01 for the reference activation, the same for ``activation``, and a larger
    relative increase from the first to the last covariance for the reference: all three
    holds, two partly (:func:`hsr.claims.verdict_from_fraction`, partly at 0.6)."""
    covs = finite_vector("cov", cov, 1)
    arrays = {}
    for name, v in (("norms_ref", norms_ref), ("norms_act", norms_act)):
        a = real_array(name, v)
        if a.ndim != 2 or a.shape[0] != covs.size or a.shape[1] < 1:
            raise ValueError(f"{name} must be 2-D (len(cov), networks), got shape {a.shape}")
        arrays[name] = a

    def trend(norms):
        m = norms.mean(axis=1)
        rho, p = spearman_or_nan(covs, m)
        return rho, p, float(m[-1] / m[0] - 1)

    (rho_l, p_l, inc_l) = trend(arrays["norms_ref"])
    (rho_s, p_s, inc_s) = trend(arrays["norms_act"])
    checks = [rho_l > 0 and p_l < 0.01, rho_s > 0 and p_s < 0.01, inc_l > inc_s]
    n_ok = int(sum(map(bool, checks)))
    verdict = _frac(n_ok / 3, holds_at=1.0, partly_at=0.6)
    claim = Claim(
        id="hsr-fig05",
        paper="HSR",
        figure="Fig. 5",
        claim="aligned inputs enlarge it; strongly for linear, weakly for sigmoid",
        paper_reports=(
            "a higher inner product of the training data gives a larger norm of grad "
            "tr(H^2); the effect is large for linear and small for sigmoid activation"
        ),
        measured=(
            f"mean norm over {arrays['norms_act'].shape[1]} networks, cov {covs[0]:g} -> "
            f"{covs[-1]:g}: {reference} {inc_l:+.0%} (Spearman rho {rho_l:.2f}, "
            f"p = {p_l:.2g}), {activation} {inc_s:+.0%} (rho {rho_s:.2f}, p = {p_s:.2g})"
        ),
        test=(
            "Spearman rho(cov, mean norm) > 0 at p < 0.01 for both activations, and a larger "
            "relative increase for linear: all three holds, two partly"
        ),
        verdict=verdict,
    )
    values = dict(ref=(rho_l, p_l, inc_l), act=(rho_s, p_s, inc_s), checks=checks, n_ok=n_ok)

    def alpha_at(a):
        n = int(bool(rho_l > 0 and p_l < a)) + int(bool(rho_s > 0 and p_s < a)) + int(inc_l > inc_s)
        return n, _frac(n / 3, holds_at=1.0, partly_at=0.6)

    sensitivity = series("Spearman alpha", ALPHAS, 0.01, alpha_at)
    return Outcome(_quoted(claim, sensitivity), values)


# ----- HSR Fig. 6: mean and spread terms -------------------------------------------------------
def hsr_fig06(mean_norm, spread_norm) -> Outcome:
    """HSR Fig. 6, "the spread term dominates", from the norms of the mean term grad m
    (``mean_norm (R,)``) and of the spread term sqrt(n-1) grad s (``spread_norm (R,)``) of
    grad lambda_WS (HSR Theorem 1) at ``R`` random initial parameters.

    Test: the share of the networks with spread > mean: >= 95% holds, >= 50% partly."""
    n_mean = finite_vector("mean_norm", mean_norm, 1)
    n_spread = finite_vector("spread_norm", spread_norm, 1)
    same_length(mean_norm=n_mean, spread_norm=n_spread)
    if np.any(n_mean < 0) or np.any(n_spread < 0):
        raise ValueError("mean_norm and spread_norm must hold norms (>= 0)")
    ratio = n_spread / np.where(n_mean > 0, n_mean, np.nan)
    frac = float(np.mean(n_spread > n_mean))
    verdict = _frac(frac)
    med_ratio = float(np.nanmedian(ratio)) if np.any(n_mean > 0) else _NAN
    claim = Claim(
        id="hsr-fig06",
        paper="HSR",
        figure="Fig. 6",
        claim="the spread term dominates",
        paper_reports="the norm of sqrt(n-1) grad s is larger than that of grad m over random "
        "initial parameters",
        measured=(
            f"spread term larger at {frac:.1%} of {n_mean.size} random initial parameters; "
            f"median ratio {med_ratio:.3g}"
        ),
        test="share of networks with |spread| > |mean|: >= 95% holds, >= 50% partly",
        verdict=verdict,
    )
    values = dict(
        frac=frac,
        ratio=ratio,
        med_ratio=med_ratio,
        med_mean=float(np.median(n_mean)),
        med_spread=float(np.median(n_spread)),
    )
    sensitivity = series(
        "share for holds", (0.8, 0.9, 0.95, 0.99), 0.95, lambda h: (frac, _frac(frac, holds_at=h))
    )
    return Outcome(_quoted(claim, sensitivity), values)


# ----- HSR Fig. 7: HSR narrows the spectrum -----------------------------------------------------
_FIG07_TOP = ("ws_upper", "lambda_max")
_FIG07_MID = ("ws_upper", "ws_lower", "lambda_max", "lambda_min")


def hsr_fig07(
    top: dict,
    middle: dict,
    origin: str,
    n_iter: int,
    near_zero: float = 0.1,
    middle_step: str = "",
    earlier_middle: dict | None = None,
    earlier_step: str = "",
) -> Outcome:
    """HSR Fig. 7, "HSR narrows the spectrum (Proposition 2)", from the recorded histories
    (name -> ``(T,)``, first and last entries used) of two runs of ``n_iter`` iterations from
    the ``origin`` (text): ``top`` (alpha = beta = 1; ``ws_upper``, ``lambda_max``) and
    ``middle`` (alpha = 0; ``ws_upper``, ``ws_lower``, ``lambda_max``, ``lambda_min``).

    Seven checks, last iterate against the first: top lambda_WS falls, top lambda_max falls,
    middle lambda_WS falls, middle WS lower bound rises, middle lambda_max -> 0+ (ends in
    (0, near_zero * initial range]), middle lambda_min -> 0- (ends in
    [-near_zero * initial range, 0]), middle spectral range shrinks. All seven holds, at
    least half partly.

    ``middle_step``: how the middle run chose its step (text, shown in ``measured``).
    ``earlier_middle``: the middle run's histories with the step used before (``earlier_step``,
    text): the same seven checks on it become the row's ``earlier`` reading, shown beside
    and not combined into the verdict."""
    earlier = ()
    if earlier_middle is not None:
        old = hsr_fig07(top, earlier_middle, origin, n_iter, near_zero, earlier_step).claim
        earlier = (
            {
                "test": "the same seven checks with the alpha = 0 run at "
                f"{earlier_step or 'the earlier step'} (the reading published before)",
                "measured": old.measured,
                "verdict": old.verdict,
            },
        )
    first_last = {}
    for run, hist, need in (("top", top, _FIG07_TOP), ("middle", middle, _FIG07_MID)):
        if not isinstance(hist, dict) or any(q not in hist for q in need):
            raise ValueError(f"{run} must be a dict of histories holding {list(need)}")
        for q in need:
            h = real_array(f"{run}[{q!r}]", hist[q])
            if h.ndim != 1 or h.size < 1:
                raise ValueError(f"{run}[{q!r}] must be a 1-D history, got shape {h.shape}")
            first_last[(run, q)] = (float(h[0]), float(h[-1]))
    positive("near_zero", near_zero)
    ub_t, lmax_t = first_last[("top", "ws_upper")], first_last[("top", "lambda_max")]
    ub_m, lb_m = first_last[("middle", "ws_upper")], first_last[("middle", "ws_lower")]
    lmax_m, lmin_m = first_last[("middle", "lambda_max")], first_last[("middle", "lambda_min")]
    range0, range1 = lmax_m[0] - lmin_m[0], lmax_m[1] - lmin_m[1]
    checks = {
        "top: lambda_WS falls": ub_t[1] < ub_t[0],
        "top: lambda_max falls": lmax_t[1] < lmax_t[0],
        "middle: lambda_WS falls": ub_m[1] < ub_m[0],
        "middle: WS lower bound rises": lb_m[1] > lb_m[0],
        "middle: lambda_max -> 0+": 0 < lmax_m[1] <= near_zero * range0,
        "middle: lambda_min -> 0-": -near_zero * range0 <= lmin_m[1] <= 0,
        "middle: spectral range shrinks": range1 < range0,
    }
    n_ok = sum(map(bool, checks.values()))
    verdict = _frac(n_ok / len(checks), holds_at=1.0, partly_at=0.5)
    failed = [k for k, v in checks.items() if not v]
    claim = Claim(
        id="hsr-fig07",
        paper="HSR",
        figure="Fig. 7",
        claim="HSR narrows the spectrum (Proposition 2)",
        paper_reports=(
            "alpha = beta = 1: lambda_WS and the eigenvalues decrease; alpha = 0: "
            "lambda_WS decreases, the WS lower bound increases, lambda_max -> 0+, "
            "lambda_min -> 0-, the range of the spectrum narrows"
        ),
        measured=(
            f"from the {origin}, {n_iter} iterations: top lambda_WS {ub_t[0]:.3g} -> "
            f"{ub_t[1]:.3g}, lambda_max {lmax_t[0]:.3g} -> {lmax_t[1]:.3g}; middle lambda_WS "
            f"{ub_m[0]:.3g} -> {ub_m[1]:.3g}, lower bound {lb_m[0]:.3g} -> {lb_m[1]:.3g}, "
            f"lambda_max {lmax_m[0]:.3g} -> {lmax_m[1]:.3g}, lambda_min {lmin_m[0]:.3g} -> "
            f"{lmin_m[1]:.3g}"
            + (f" (middle run's step: {middle_step})" if middle_step else "")
            + f"; {n_ok} of {len(checks)} checks pass"
            + ((" (failed: " + "; ".join(failed) + ")") if failed else "")
        ),
        test=(
            "seven checks on first vs last iterate (see the notebook): all holds, >= half partly"
        ),
        verdict=verdict,
    )
    values = dict(
        checks=checks,
        n_ok=n_ok,
        failed=failed,
        first_last=dict(
            ub_top=ub_t,
            lmax_top=lmax_t,
            ub_mid=ub_m,
            lb_mid=lb_m,
            lmax_mid=lmax_m,
            lmin_mid=lmin_m,
            range_mid=(range0, range1),
        ),
    )

    def near_zero_at(z):
        ok = dict(checks)
        ok["middle: lambda_max -> 0+"] = 0 < lmax_m[1] <= z * range0
        ok["middle: lambda_min -> 0-"] = -z * range0 <= lmin_m[1] <= 0
        n = sum(map(bool, ok.values()))
        return n, _frac(n / len(ok), holds_at=1.0, partly_at=0.5)

    sensitivity = series("near_zero", (0.01, 0.05, 0.1, 0.2, 0.5), near_zero, near_zero_at)
    return Outcome(replace(_quoted(claim, sensitivity), earlier=earlier), values)


# ----- HSR Fig. 10: lambda_max kept low ----------------------------------------------------------
def hsr_fig10(final_lambda_max: dict) -> Outcome:
    """HSR Fig. 10, "all three regularizers keep lambda_max low on Sharp seeds", from the
    final lambda_max of every method on the same Sharp seeds (``final_lambda_max``: method ->
    ``(S,)``, methods ``baseline``, ``hessian``, ``asam``, ``hsr``).

    Test: for each regularizer a one-sided paired Wilcoxon signed-rank test, its final
    lambda_max < Baseline's, at 1%: all three significant holds, two partly
    (:func:`hsr.claims.verdict_from_fraction`, partly at 0.6)."""
    final = _method_arrays(
        "final_lambda_max", final_lambda_max, ("baseline", "hessian", "asam", "hsr")
    )
    base = final["baseline"]
    rows, pvalues, n_sig, notes = [], {}, 0, ""
    for m in ("hessian", "asam", "hsr"):
        p, _, note = paired_wilcoxon(final[m], base, "less")
        pvalues[m] = p
        sig = bool(p < 0.01)
        n_sig += sig
        notes = notes or note
        rows.append(
            {
                "method": METHOD_LABELS[m],
                "median lambda_max": np.median(final[m]),
                "Baseline median": np.median(base),
                "p (one-sided)": p,
                "lower at 1%": sig,
            }
        )
    verdict = _frac(n_sig / 3, holds_at=1.0, partly_at=0.6)
    measured = "; ".join(
        f"{r['method']}: median {r['median lambda_max']:.3g} (p = {r['p (one-sided)']:.2g})"
        for r in rows
    )
    claim = Claim(
        id="hsr-fig10",
        paper="HSR",
        figure="Fig. 10",
        claim="all three regularizers keep lambda_max low on Sharp seeds",
        paper_reports=(
            "Baseline's lambda_max reaches a large value on Sharp seeds; the three "
            "regularizers finish training with lambda_max kept low"
        ),
        measured=(
            f"final lambda_max on {base.size} Sharp seeds, Baseline median "
            f"{np.median(base):.3g}; {measured}{notes}"
        ),
        test=(
            "one-sided paired Wilcoxon, final lambda_max of each regularizer < Baseline on "
            "Sharp seeds at 1%: all three holds, two partly"
        ),
        verdict=verdict,
    )
    values = dict(
        rows=rows,
        medians={m: float(np.median(v)) for m, v in final.items()},
        p=pvalues,
        n_sig=n_sig,
    )

    def alpha_at(a):
        n = sum(bool(q < a) for q in pvalues.values())
        return n, _frac(n / 3, holds_at=1.0, partly_at=0.6)

    sensitivity = series("Wilcoxon alpha", ALPHAS, 0.01, alpha_at)
    return Outcome(_quoted(claim, sensitivity), values)


# ----- HSR Fig. 11: flat minima along the top eigenvector ----------------------------------------
def _rises_by_step(rises, step, methods_needed):
    """``{t: {method: (S,)}}`` checked: every step holds the same methods and seed count."""
    if not isinstance(rises, dict) or not rises:
        raise ValueError("rises must be a non-empty dict step t -> {method: (S,) rise}")
    out = {}
    for t, by in rises.items():
        if isinstance(t, bool) or not (isinstance(t, (int, float)) and np.isfinite(t) and t > 0):
            raise ValueError(f"rises must be keyed by positive steps t, got {t!r}")
        out[float(t)] = _method_arrays(f"rises[{t!r}]", by, methods_needed)
    shapes = {(tuple(v), next(iter(v.values())).shape) for v in out.values()}
    if len(shapes) != 1:
        raise ValueError("rises must hold the same methods and seeds at every step")
    if step is None or float(step) not in out:
        raise ValueError(f"step must be one of the steps of rises {sorted(out)}, got {step!r}")
    return out, float(step)


def hsr_fig11(
    curves: dict,
    loss0: dict,
    step_max: float,
    rises: dict | None = None,
    step: float | None = None,
    tail: float = 0.9,
) -> Outcome:
    """HSR Fig. 11, "HSR consistently reaches flat minima", at each method's final point on
    the Sharp seeds. ``curves``: method -> ``(S, T)`` losses along the top eigenvector at the
    steps t in [-step_max, step_max] (first and last columns at -step_max and +step_max);
    ``loss0``: method -> ``(S,)`` the loss at the final point; ``rises``: step t -> method
    -> ``(S,)`` the rise max(L(theta* +- t v)) - L(theta*) at small steps (see
    :func:`hsr.experiments.probes.loss_rise_along_top_eigenvector` with ``side="max"``) and
    ``step`` the t the test uses. Methods in display order, at least ``baseline`` and
    ``hsr``.

    Test (the book's reading, with ``rises``): flatness is the rise at the small step
    ``step`` (the Taylor quadratic term, HSR Section I); "consistently" is said of the
    distribution over seeds: holds when HSR Reg. has the smallest median AND the smallest
    ``tail`` quantile (upper tail) of the rise of all methods; partly when both are below
    Baseline's; else does not hold. The seed-by-seed share of seeds where HSR Reg. ends
    flatter than Baseline is reported, not tested. The earlier reading (the test the book
    published first: the rise at +-step_max, HSR Reg. below Baseline on >= 90% of seeds and
    the smallest median: holds; >= 50%: partly) is kept as ``earlier``; without ``rises`` it
    is the verdict."""
    curves = _method_arrays("curves", curves, ("baseline", "hsr"), ndim=2)
    loss0 = _method_arrays("loss0", loss0, tuple(curves))
    S = next(iter(curves.values())).shape[0]
    if next(iter(loss0.values())).shape != (S,):
        raise ValueError(f"loss0 must hold one loss per seed ({S},)")
    positive("step_max", step_max)
    fraction("tail", tail)
    methods = list(curves)
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
    values = dict(rise=rise, medians=med, frac=frac, lowest=lowest)
    earlier_claim = Claim(
        id="hsr-fig11",
        paper="HSR",
        figure="Fig. 11",
        claim="HSR consistently reaches flat minima",
        paper_reports=_FIG11_REPORTS,
        measured=old_measured,
        test=old_test,
        verdict=old_verdict,
    )
    if rises is None:  # the earlier reading alone
        sensitivity = series("share for holds", (0.75, 0.8, 0.9, 0.95, 1.0), 0.9, old_rule)
        if T >= 5:
            sensitivity += series(
                "t_max / step_max",
                (0.25, 0.5, 0.75),
                1.0,
                lambda sc: old_rule(0.9, int(round((1 - sc) * (T - 1) / 2))),
            )
        return Outcome(_quoted(earlier_claim, sensitivity), values)

    by_step, t0 = _rises_by_step(rises, step, methods)
    if list(by_step[t0]) != methods or next(iter(by_step[t0].values())).shape != (S,):
        raise ValueError(f"rises must hold the methods {methods} with one value per seed ({S},)")

    def new_rule(t, q):
        r = by_step[t]
        md = {m: float(np.median(r[m])) for m in methods}
        tl = {m: float(np.quantile(r[m], q)) for m in methods}
        best_md = min(md, key=md.get) == "hsr"
        best_tl = min(tl, key=tl.get) == "hsr"
        if best_md and best_tl:
            v = "holds"
        elif md["hsr"] < md["baseline"] and tl["hsr"] < tl["baseline"]:
            v = "partly"
        else:
            v = "does not hold"
        return md, tl, v

    md, tl, verdict = new_rule(t0, tail)
    r0 = by_step[t0]
    frac_local = float(np.mean(r0["hsr"] < r0["baseline"]))
    measured = (
        f"loss rise at t = {fmt(t0)} on {S} Sharp seeds, median / {tail:.0%} quantile: "
        + ", ".join(f"{METHOD_LABELS.get(m, m)} {md[m]:.3g} / {tl[m]:.3g}" for m in methods)
        + f"; seed by seed, HSR Reg. below Baseline on {frac_local:.0%} of the seeds"
    )
    test = (
        f"the rise at the small step t = {fmt(t0)}: HSR Reg. has the smallest median and the "
        f"smallest {tail:.0%} quantile of all methods: holds; both below Baseline's: partly; "
        "else does not hold"
    )

    def hsr_stat(t, q, which):  # HSR Reg.'s median (0) or tail (1) and the verdict
        r = new_rule(t, q)
        return r[which]["hsr"], r[2]

    sensitivity = series(
        "tail quantile", (0.75, 0.8, 0.95, 1.0), tail, lambda q: hsr_stat(t0, q, 1)
    )
    sensitivity += series(
        "step t of the loss rise", tuple(by_step), t0, lambda t: hsr_stat(t, tail, 0)
    )
    claim = replace(
        earlier_claim,
        measured=measured,
        test=test,
        verdict=verdict,
        earlier=(dict(test=old_test + ".", measured=old_measured, verdict=old_verdict),),
    )
    values.update(
        medians_local=md,
        tails_local=tl,
        frac_local=frac_local,
        lowest_local=min(md, key=md.get),
        lowest_tail_local=min(tl, key=tl.get),
        verdict_earlier=old_verdict,
    )
    return Outcome(_quoted(claim, sensitivity), values)


_FIG11_REPORTS = (
    "every eigenvalue-controlling method prefers flatter minima than plain "
    "GD along the top eigenvector; HSR Reg. consistently converges to flat minima"
)


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

    Test (the book's reading): each method's point shown is the tip of its lambda_min
    whisker in the group, as the box plot of Fig. 12D draws it (:func:`whisker_tip`, factor
    ``whis``, over all runs of the group); it is a *clear* saddle when the loss falls below
    L(theta*) along v_min by at least ``clear_frac`` of its rise along v_max on the same
    plotted range (:func:`saddle_depth`). Holds when A-SAM's point is a clear saddle and
    HSR Reg.'s is not; does not hold when the reverse; partly otherwise (one of the two
    sentences holds). The earlier reading (kept as ``earlier``; the verdict when the curves
    are not given): a saddle is a converged run with lambda_min < -``saddle_rel`` *
    lambda_max over all runs; A-SAM >= 1 and HSR Reg. 0: holds; HSR Reg. fewer than A-SAM
    but > 0: partly."""
    need = ("asam", "hsr")
    lmin = _method_arrays("lambda_min", lambda_min, need)
    lmax = _method_arrays("lambda_max", lambda_max, tuple(lmin))
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
    saddles = {m: int((conv[m] & (lmin[m] < -float(saddle_rel) * lmax[m])).sum()) for m in lmin}
    a, h = saddles["asam"], saddles["hsr"]
    old_verdict = "holds" if a >= 1 and h == 0 else "partly" if h > 0 and a > h else "does not hold"
    old_measured = (
        f"saddles (converged, lambda_min < -{saddle_rel:g} lambda_max) among {S} runs each: "
        + ", ".join(f"{METHOD_LABELS.get(m, m)} {saddles[m]}" for m in lmin)
    )
    old_test = "A-SAM >= 1 saddle and HSR Reg. 0: holds; HSR Reg. fewer than A-SAM but > 0: partly"

    def rel_at(r):
        n = {m: int((conv[m] & (lmin[m] < -r * lmax[m])).sum()) for m in ("asam", "hsr")}
        a, h = n["asam"], n["hsr"]
        v = "holds" if a >= 1 and h == 0 else "partly" if h > 0 and a > h else "does not hold"
        return f"A-SAM {a}, HSR Reg. {h}", v

    values = dict(saddles=saddles, n_runs=S)
    earlier_claim = Claim(
        id="hsr-fig13",
        paper="HSR",
        figure="Fig. 13",
        claim="A-SAM can stop at a saddle; HSR does not",
        paper_reports=_FIG13_REPORTS,
        measured=old_measured,
        test=old_test,
        verdict=old_verdict,
    )
    given = [x is not None for x in (along_max, along_min, loss0, in_group)]
    if any(given) and not all(given):
        raise ValueError("along_max, along_min, loss0 and in_group go together: give all four")
    if not all(given):  # the earlier reading alone
        sensitivity = series("saddle_rel", (1e-5, 1e-4, 1e-3, 1e-2, 1e-1), saddle_rel, rel_at)
        return Outcome(_quoted(earlier_claim, sensitivity), values)

    methods = list(lmin)
    amax = _method_arrays("along_max", along_max, methods, ndim=2)
    amin = _method_arrays("along_min", along_min, methods, ndim=2)
    l0 = _method_arrays("loss0", loss0, methods)
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
        r = {m: (float(depth[m][tp[m]]) if tp[m] >= 0 else _NAN) for m in need}
        clear = {m: bool(r[m] >= cf) for m in need}
        if clear["asam"] and not clear["hsr"]:
            v = "holds"
        elif clear["hsr"] and not clear["asam"]:
            v = "does not hold"
        else:
            v = "partly"
        return tp, r, clear, v

    tip, ratio, clear, verdict = rule(whis, clear_frac)
    n_clear = {
        m: int(np.sum(depth[m][rows] >= clear_frac)) for m in methods
    }  # clear saddles among every run of the group, converged or not
    lo_q = {m: float(np.nanquantile(lmin[m][rows] / lmax[m][rows], 0.1)) for m in methods}
    measured = (
        "point at the tip of the lambda_min whisker (Flat group): "
        + "; ".join(
            f"{METHOD_LABELS.get(m, m)} lambda_min {fmt(lmin[m][tip[m]])}, lambda_max "
            f"{fmt(lmax[m][tip[m]])}, loss falls along v_min by {fmt(ratio[m])} of its rise "
            f"along v_max ({'a clear saddle' if clear[m] else 'not a clear saddle'})"
            for m in need
            if tip[m] >= 0
        )
        + f"; clear saddles among the {rows.size} runs of the group: "
        + ", ".join(f"{METHOD_LABELS.get(m, m)} {n_clear[m]}" for m in methods)
    )
    test = (
        f"the point at the tip of each method's lambda_min whisker on the Flat seeds (box plot, "
        f"whiskers at {whis:g} IQR) is a clear saddle when the loss falls along v_min by >= "
        f"{clear_frac:g} of its rise along v_max over the plotted steps; A-SAM's clear and HSR "
        "Reg.'s not: holds; the reverse: does not hold; else partly"
    )

    def depths_at(w, cf):  # both points' fall ratios and the verdict
        _, r, _, v = rule(w, cf)
        return f"A-SAM {fmt(r['asam'])}, HSR Reg. {fmt(r['hsr'])}", v

    sensitivity = series(
        "clear_frac", (0.01, 0.02, 0.1, 0.2), clear_frac, lambda cf: depths_at(whis, cf)
    )
    sensitivity += series(
        "whisker factor (inf: the most negative run)",
        (1.0, 3.0, float("inf")),
        whis,
        lambda w: depths_at(w, clear_frac),
    )
    claim = replace(
        earlier_claim,
        measured=measured,
        test=test,
        verdict=verdict,
        earlier=(dict(test=old_test + ".", measured=old_measured, verdict=old_verdict),),
    )
    values.update(
        tip=tip,
        ratio=ratio,
        clear=clear,
        depth=depth,
        n_clear=n_clear,
        lambda_min_q10=lo_q,
        most_negative={m: int(rows[np.nanargmin(lmin[m][rows])]) for m in methods},
        verdict_earlier=old_verdict,
    )
    return Outcome(_quoted(claim, sensitivity), values)


_FIG13_REPORTS = (
    "a clear saddle point at the tip of A-SAM's lambda_min whisker (Flat seeds); "
    "no clear saddle for HSR Reg."
)


# ----- HSR Fig. 15: simpler boundaries -----------------------------------------------------
def hsr_fig15(length_baseline, length_hsr) -> Outcome:
    """HSR Fig. 15, "HSR simplifies the boundary", from the length of the p = 0.5 contour
    inside the plotted square at the final points of Baseline (``length_baseline (S,)``)
    and HSR Reg. (``length_hsr (S,)``) on the same Sharp seeds (0: no boundary in the
    square).

    Test: one-sided paired Wilcoxon signed-rank test, HSR Reg.'s length < Baseline's, p <
    0.01 with a lower median: holds; p < 0.05: partly
    (:func:`hsr.claims.verdict_from_pvalue`)."""
    lb = finite_vector("length_baseline", length_baseline, 1)
    lh = finite_vector("length_hsr", length_hsr, 1)
    same_length(length_baseline=lb, length_hsr=lh)
    if np.any(lb < 0) or np.any(lh < 0):
        raise ValueError("length_baseline and length_hsr must hold lengths (>= 0)")
    p, n, note = paired_wilcoxon(lh, lb, "less")
    med_b, med_h = float(np.median(lb)), float(np.median(lh))
    frac = float(np.mean(lh < lb))
    verdict = _pval(p, direction_ok=bool(med_h < med_b))
    claim = Claim(
        id="hsr-fig15",
        paper="HSR",
        figure="Fig. 15",
        claim="HSR simplifies the boundary",
        paper_reports="HSR regularization simplifies the decision boundaries of Sharp seeds "
        "(shown on a few seeds)",
        measured=(
            f"median p = 0.5 contour length in the square over {lb.size} Sharp seeds: "
            f"Baseline {med_b:.3g}, HSR Reg. {med_h:.3g}; HSR shorter on {frac:.0%} of the "
            f"seeds; one-sided paired Wilcoxon p = {p:.2g}{note}"
        ),
        test="one-sided paired Wilcoxon, HSR's boundary shorter than Baseline's, p < 0.01 with "
        "a lower median (partly: p < 0.05)",
        verdict=verdict,
    )
    values = dict(
        p=p,
        median_baseline=med_b,
        median_hsr=med_h,
        frac=frac,
        none_baseline=int(np.sum(lb == 0)),
        none_hsr=int(np.sum(lh == 0)),
    )
    sensitivity = series(
        "Wilcoxon alpha",
        ALPHAS,
        0.01,
        lambda a: (
            p,
            _pval(p, alpha=a, direction_ok=bool(med_h < med_b), partly_alpha=max(a, 0.05)),
        ),
    )
    return Outcome(_quoted(claim, sensitivity), values)

"""The quantitative tests of the headline claims, one function per claim.

Each function takes the measured arrays, applies the test stated in its docstring (chosen
before the runs, never tuned to the outcome) and returns an :class:`Outcome`: the ledger row
(:class:`hsr.report.Claim`) and the numbers behind it for the figure's page. The figure
notebooks (WS Figs. 2, 7, 11; HSR Figs. 9, 12, 14) and the robustness grid
(:mod:`hsr.robustness`) call the same functions, so a verdict means the same thing on every
page.

>>> import numpy as np
>>> t = ws_fig02(ws_upper=np.array([1.0, 2.0, 3.0]), lambda_max=np.array([0.9, 1.5, 2.9]))
>>> t.claim.verdict, round(t.values["median_ratio"], 3)
('holds', 1.111)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats as _stats

from .probes import mann_whitney, paired_wilcoxon
from .report import VERDICTS, Claim, fmt, merge_claims, verdict_from_count
from .report import verdict_from_fraction as _frac
from .report import verdict_from_pvalue as _pval
from .sweeps import _check_frac, low_high_groups, top_bottom_groups
from .training import METHOD_LABELS

__all__ = [
    "Outcome",
    "HEADLINE",
    "ws_fig02",
    "ws_fig07",
    "ws_fig11",
    "hsr_fig09",
    "hsr_fig12",
    "hsr_fig14",
    "weaker",
]

#: the headline claims of the robustness page, by ledger id
HEADLINE = ("ws-fig02", "ws-fig07", "ws-fig11", "hsr-fig09", "hsr-fig12", "hsr-fig14")

_NAN = float("nan")


@dataclass(frozen=True)
class Outcome:
    """A claim's ledger row and the numbers behind it (``values``, by name)."""

    claim: Claim
    values: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return self.claim.verdict


def weaker(*verdicts: str) -> str:
    """The weaker of several verdicts (``does not hold`` < ``partly`` < ``holds``).

    >>> weaker("holds", "partly")
    'partly'
    """
    return max(verdicts, key=VERDICTS.index)


def _vec(name: str, value, min_len: int = 0) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if a.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {a.shape}")
    if a.size < min_len:
        raise ValueError(f"{name} must hold at least {min_len} values, got {a.size}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite")
    return a


def _same_size(**arrays):
    sizes = {k: v.size for k, v in arrays.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"{' and '.join(sizes)} must have the same length, got {sizes}")


def _iqr(v: np.ndarray) -> float:
    return float(np.subtract(*np.quantile(v, [0.75, 0.25]))) if v.size else _NAN


# ----- WS -------------------------------------------------------------------------------------
def ws_fig02(ws_upper, lambda_max) -> Outcome:
    """WS Fig. 2, "the bound holds and is tight", over the unique critical points
    (``ws_upper``, ``lambda_max``: ``(M,)``).

    Test: holds if >= 95% of the points satisfy lambda_max <= lambda_WS (1e-9 relative) and
    the median lambda_WS / lambda_max < 2; partly if >= 50% and median < 5 (the weaker of the
    two); no point: does not hold."""
    ws, lmax = _vec("ws_upper", ws_upper), _vec("lambda_max", lambda_max)
    _same_size(ws_upper=ws, lambda_max=lmax)
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
    values = dict(n=M, n_below=int(below.sum()), frac_below=frac, median_ratio=med, ratio=ratio)
    return Outcome(claim, values)


def ws_fig07(ws_upper, test_f1, frac_high: float = 0.1) -> Outcome:
    """WS Fig. 7, "High group worse; significant at 1%": the test macro-F1 (``test_f1 (M,)``)
    of the High group (top ``frac_high`` of ``ws_upper (M,)``) against the Low group.

    Test: two-sided Mann-Whitney U; holds if p < 0.01 and High is worse
    (U_High / (n_High n_Low) < 0.5), partly if p < 0.05 in that direction, else does not
    hold (also with fewer than 2 points in a group)."""
    ws, f1 = _vec("ws_upper", ws_upper), _vec("test_f1", test_f1)
    _same_size(ws_upper=ws, test_f1=f1)
    _check_frac(frac_high, "frac_high")
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
    return Outcome(claim, values)


def ws_fig11(ws_narrow, ws_wide, d_narrow: int = 3, d_wide: int = 10) -> Outcome:
    """WS Fig. 11, "hidden width raises the bound; significant at 1%": lambda_WS at the
    unique critical points of the ``d_wide`` sweep (``ws_wide (M2,)``) against the
    ``d_narrow`` sweep (``ws_narrow (M1,)``).

    Test: two-sided Mann-Whitney U; holds if p < 0.01 and the wide network is higher
    (U_wide / (n_wide n_narrow) > 0.5), partly if p < 0.05 in that direction, else does not
    hold (also with fewer than 2 points in a sweep)."""
    a, b = _vec("ws_narrow", ws_narrow), _vec("ws_wide", ws_wide)
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
    return Outcome(claim, dict(enough=enough, mw=mw, cles=cles, p=mw.pvalue if mw else _NAN))


# ----- HSR ------------------------------------------------------------------------------------
def hsr_fig09(
    lambda_max, ws_upper, n_seeds: int, group_frac: float = 0.1, tight_ratio: float = 0.8
) -> Outcome:
    """HSR Fig. 9, "tight bound; skewed; defines Flat and Sharp seeds", over the unique
    critical points (``lambda_max``, ``ws_upper``: ``(M,)``) of a sweep of ``n_seeds`` seeds.

    Three parts, combined by :func:`hsr.report.combine_verdicts`:

    - tight: no violation of lambda_max <= lambda_WS (1e-10 relative) and median
      lambda_max / lambda_WS >= ``tight_ratio``: holds; the bound holds but looser: partly;
    - skewed: skewness > 0 and ``scipy.stats.skewtest`` p < 0.01 (partly: p < 0.05);
    - groups: each of Flat and Sharp (bottom and top ``group_frac`` of lambda_WS) within
      10% of the paper's 113 of 3,000 seeds scaled to ``n_seeds``: holds; within 25%:
      partly (the worse group).
    """
    lmax, ws = _vec("lambda_max", lambda_max, 1), _vec("ws_upper", ws_upper, 1)
    _same_size(lambda_max=lmax, ws_upper=ws)
    if int(n_seeds) < 1:
        raise ValueError(f"n_seeds must be a positive integer, got {n_seeds}")
    _check_frac(group_frac, "group_frac")
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
            f"points ({int(n_seeds)} seeds; paper's 113 scaled: {expected:.0f})",
            test="each group within 10% of the paper's count scaled to our seeds: holds; "
            "within 25%: partly (worse group)",
            verdict=v_groups,
        ),
    ]
    claim = merge_claims(parts, "hsr-fig09", "tight bound; skewed; defines Flat and Sharp seeds")
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
    return Outcome(claim, values)


def _methods(name: str, by_method: dict, need) -> dict:
    if not isinstance(by_method, dict):
        raise ValueError(f"{name} must be a dict of method -> array")
    missing = [m for m in need if m not in by_method]
    if missing:
        raise ValueError(f"{name} must hold the methods {list(need)}, missing {missing}")
    out = {m: _vec(f"{name}[{m!r}]", v, 1) for m, v in by_method.items()}
    _same_size(**{f"{name}[{m!r}]": v for m, v in out.items()})
    return out


def hsr_fig12(lambda_max_sharp: dict) -> Outcome:
    """HSR Fig. 12, "HSR and A-SAM lowest; HSR beats Hessian Reg.", from the final
    lambda_max of every method on the same Sharp seeds (``lambda_max_sharp``: method ->
    ``(S,)``, methods ``baseline``, ``hessian``, ``asam``, ``hsr``).

    Two parts, combined by :func:`hsr.report.combine_verdicts`:

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
    values = dict(
        medians=med, two_lowest=two_lowest, p=p, d_med=d_med, lowest=v_lowest, beats=v_beats
    )
    return Outcome(claim, values)


def hsr_fig14(f1: dict, sharp, flat, harm_margin: float = 0.01) -> Outcome:
    """HSR Fig. 14, "HSR and A-SAM improve Sharp seeds; no harm on Flat seeds", from the
    test macro-F1 of every method on the same seeds (``f1``: method -> ``(S,)``, methods
    ``baseline``, ``hessian``, ``asam``, ``hsr``) and the boolean masks ``sharp``, ``flat``
    ``(S,)`` of the two groups.

    Two parts, combined by :func:`hsr.report.combine_verdicts`:

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
    return Outcome(claim, dict(rows=rows, sharp_improves=v_sharp, flat_no_harm=v_flat))

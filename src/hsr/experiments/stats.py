"""The statistical tests of the experiments: Mann-Whitney U, Spearman's rho, the paired
Wilcoxon signed-rank test (scipy's, with inputs checked first), the exact rank-sum test of a
few chosen points against the rest (:func:`rank_sum_pvalue`) and the Brown-Forsythe test of
equal spread (:func:`brown_forsythe`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core._checks import finite_vector, real_array

__all__ = [
    "iqr",
    "whisker_tip",
    "mann_whitney_power",
    "MannWhitney",
    "mann_whitney",
    "spearman",
    "spearman_or_nan",
    "paired_wilcoxon",
    "rank_sum_pvalue",
    "BrownForsythe",
    "brown_forsythe",
]


@dataclass(frozen=True)
class MannWhitney:
    """Result of :func:`mann_whitney`: U statistic of ``a``, two-sided p-value, sizes, medians."""

    statistic: float
    pvalue: float
    n_a: int
    n_b: int
    median_a: float
    median_b: float


def mann_whitney(a: np.ndarray, b: np.ndarray) -> MannWhitney:
    """Two-sided Mann-Whitney U test of two independent samples.

    ``scipy.stats.mannwhitneyu(a, b, alternative="two-sided")`` with scipy's defaults
    (``method="auto"``: exact p-value for small samples without ties, else the normal
    approximation with continuity correction). ``statistic`` is U for ``a``.

    Parameters
    ----------
    a : array, shape (n_a,)
    b : array, shape (n_b,)
        Non-empty, finite, 1-D.

    Returns
    -------
    MannWhitney

    >>> r = mann_whitney([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    >>> r.statistic, r.pvalue, r.median_b
    (0.0, 0.1, 5.0)
    """
    a = finite_vector("a", a, min_len=1)
    b = finite_vector("b", b, min_len=1)
    from scipy import stats  # on first use: import hsr stays light

    res = stats.mannwhitneyu(a, b, alternative="two-sided")
    return MannWhitney(
        statistic=float(res.statistic),
        pvalue=float(res.pvalue),
        n_a=int(a.shape[0]),
        n_b=int(b.shape[0]),
        median_a=float(np.median(a)),
        median_b=float(np.median(b)),
    )


def spearman(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Spearman's rank correlation and its two-sided p-value (``scipy.stats.spearmanr``).

    Parameters
    ----------
    x, y : array, shape (N,)
        Finite, 1-D, the same length N >= 3 (with N = 2 the p-value is undefined), and
        neither constant (rho is undefined for constant input).

    Returns
    -------
    rho : float
    pvalue : float

    >>> rho, p = spearman([1, 2, 3, 4], [10, 20, 30, 25])  # ranks 1 2 4 3
    >>> round(rho, 12), round(p, 12)
    (0.8, 0.2)
    """
    x = finite_vector("x", x, min_len=3)
    y = finite_vector("y", y, min_len=3)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.shape[0]} and {y.shape[0]}")
    for name, arr in (("x", x), ("y", y)):
        if np.all(arr == arr[0]):
            raise ValueError(f"{name} is constant: Spearman's rho is undefined")
    from scipy import stats  # on first use: import hsr stays light

    res = stats.spearmanr(x, y)
    return float(res.statistic), float(res.pvalue)


def spearman_or_nan(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """:func:`spearman`, but ``(nan, nan)`` where rho is undefined (fewer than 3 points or
    constant input), for figures that must also run on tiny smoke-test sweeps.

    >>> spearman_or_nan([1, 2], [3, 4])
    (nan, nan)
    """
    try:
        return spearman(x, y)
    except ValueError:
        return float("nan"), float("nan")


def paired_wilcoxon(a: np.ndarray, b: np.ndarray, alternative: str = "two-sided"):
    """Wilcoxon signed-rank test of ``a`` against ``b`` on the same seeds (pairs ``(N,)``).

    Returns ``(pvalue, n_pairs, note)``: pairs with a non-finite member are dropped; when
    fewer than 2 pairs differ the test is undefined and ``pvalue`` is NaN, with a note.

    >>> p, n, note = paired_wilcoxon([1.0, 2.0, 3.0, 4.0, 5.0], [0.0, 0.5, 1.0, 1.5, 2.0],
    ...                              alternative="greater")
    >>> round(p, 4), n, note
    (0.0312, 5, '')
    """
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(
            f"alternative must be 'two-sided', 'greater' or 'less', got {alternative!r}"
        )
    a, b = real_array("a", a).ravel(), real_array("b", b).ravel()
    if a.shape != b.shape:
        raise ValueError(f"a and b must be paired (same length), got {a.size} and {b.size}")
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    if np.count_nonzero(a - b) < 2:
        return float("nan"), int(a.size), f" (too few differing pairs, {a.size}, for the test)"
    from scipy import stats  # on first use: import hsr stays light

    return float(stats.wilcoxon(a, b, alternative=alternative).pvalue), int(a.size), ""


def iqr(values) -> float:
    """The interquartile range of ``values`` (NaN when empty).

    >>> iqr([1.0, 2.0, 3.0, 4.0, 5.0])
    2.0
    """
    v = np.asarray(values, dtype=float)
    return float(np.subtract(*np.quantile(v, [0.75, 0.25]))) if v.size else float("nan")


def whisker_tip(values, whis: float = 1.5, side: str = "lower") -> int:
    """Index of the point at the tip of a box plot's whisker, drawn as matplotlib and seaborn
    draw it: the lowest (``side="lower"``) value at or above ``Q1 - whis * IQR`` (the highest
    at or below ``Q3 + whis * IQR``), quartiles by linear interpolation; NaN values are left
    out, as the box plot leaves them; ``whis=inf`` gives the extreme point itself. Where no
    point lies between the fence and the box, matplotlib ends the whisker at the quartile;
    then the point nearest to it outside the box is returned. HSR Fig. 13 shows the point at
    the tip of Fig. 12D's lambda_min whisker.

    >>> whisker_tip([0.0, 1.0, 2.0, 3.0, -10.0])  # -10 is an outlier beyond the whisker
    0
    >>> whisker_tip([0.0, 1.0, 2.0, 3.0, -10.0], whis=float("inf"))
    4
    """
    v = real_array("values", values)
    if v.ndim != 1:
        raise ValueError(f"values must be 1-D, got shape {v.shape}")
    ok = np.flatnonzero(~np.isnan(v))
    if ok.size == 0:
        raise ValueError("values must hold at least one number that is not NaN")
    if not (isinstance(whis, (int, float)) and not isinstance(whis, bool) and whis >= 0):
        raise ValueError(f"whis must be a number >= 0 (or inf), got {whis!r}")
    if side not in ("lower", "upper"):
        raise ValueError(f"side must be 'lower' or 'upper', got {side!r}")
    x = v[ok]
    q1, q3 = np.percentile(x, [25, 75])
    sign = 1.0 if side == "lower" else -1.0  # the upper whisker is the lower one of -v
    w, q = sign * v, (q1 if side == "lower" else -q3)
    reach = q - whis * (q3 - q1) if np.isfinite(whis) else -np.inf
    inside = ok[w[ok] >= reach]
    tip = inside[np.argmin(w[inside])]
    if w[tip] > q:  # no point between the fence and the box: the whisker ends at the quartile
        below = ok[w[ok] <= q]
        tip = below[np.argmax(w[below])]
    return int(tip)


def mann_whitney_power(
    a,
    b,
    n_a: int,
    n_b: int,
    alpha: float = 0.01,
    direction: str = "less",
    n_sim: int = 1000,
    seed: int = 0,
) -> float:
    """The power of the two-sided Mann-Whitney U test at sizes ``n_a``, ``n_b`` to detect the
    effect seen in the samples ``a (m_a,)`` and ``b (m_b,)``: the fraction of ``n_sim``
    resamples (with replacement, ``n_a`` from ``a`` and ``n_b`` from ``b``; seeded) in which
    p < ``alpha`` and ``a`` lies ``direction`` ("less" or "greater") of ``b``
    (``U_a / (n_a n_b)`` below or above 1/2). Used to tell a miss from too few points from
    a claim that fails.

    >>> mann_whitney_power(np.arange(50.0), np.arange(50.0) + 100, 10, 10, n_sim=200)
    1.0
    """
    from ..core._checks import integer_at_least, one_of

    a = finite_vector("a", a, min_len=1)
    b = finite_vector("b", b, min_len=1)
    n_a, n_b = integer_at_least("n_a", n_a, 1), integer_at_least("n_b", n_b, 1)
    one_of("direction", direction, ("less", "greater"))
    integer_at_least("n_sim", n_sim, 1)
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(n_sim):
        x, y = rng.choice(a, n_a), rng.choice(b, n_b)
        if np.all(x == x[0]) and np.all(y == x[0]):
            continue  # all tied: no test
        from scipy import stats  # on first use: import hsr stays light

        res = stats.mannwhitneyu(x, y, alternative="two-sided")
        side = res.statistic / (n_a * n_b)
        ok = side < 0.5 if direction == "less" else side > 0.5
        hits += bool(res.pvalue < alpha and ok)
    return hits / n_sim


def rank_sum_pvalue(values, chosen, alternative: str = "greater") -> float:
    """Exact permutation p-value of the ``k`` points ``chosen`` among ``values``: the
    probability that ``k`` points drawn at random without replacement from ``values`` (every
    k-subset equally likely) have a rank sum at least (``alternative="greater"``) or at most
    (``"less"``) that of the chosen ones. Ranks are midranks, so ties count half. This is the
    one-sided Mann-Whitney / Wilcoxon rank-sum test of the chosen points against the others,
    computed exactly by counting subsets (no normal approximation, ties included), for the
    few points a figure shows (WS Figs. 3 and 4). The smallest p it can give is
    ``1 / C(M, k)``.

    Parameters
    ----------
    values : array, shape (M,)
        Finite.
    chosen : array of int, shape (k,)
        Distinct indices into ``values``, 1 <= k <= M.
    alternative : {"greater", "less"}

    >>> rank_sum_pvalue([1.0, 2.0, 3.0, 4.0], [3])  # the largest of 4: 1 subset in 4
    0.25
    >>> rank_sum_pvalue([1.0, 2.0, 3.0, 4.0], [2, 3])  # the two largest: 1 pair in 6
    0.16666666666666666
    >>> rank_sum_pvalue([1.0, 2.0, 3.0, 4.0], [2, 3], alternative="less")
    1.0
    """
    v = finite_vector("values", values, min_len=1)
    idx = np.asarray(chosen)
    if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(f"chosen must be a non-empty 1-D array of indices, got {chosen!r}")
    if np.any(idx < 0) or np.any(idx >= v.size) or np.unique(idx).size != idx.size:
        raise ValueError(f"chosen must hold distinct indices in [0, {v.size}), got {chosen!r}")
    if alternative not in ("greater", "less"):
        raise ValueError(f"alternative must be 'greater' or 'less', got {alternative!r}")
    from scipy import stats  # on first use: import hsr stays light

    # twice the midranks are integers: count the k-subsets by their sum of doubled ranks
    r2 = np.rint(2 * stats.rankdata(v)).astype(np.int64)
    k, total = idx.size, int(r2.sum())
    observed = int(r2[idx].sum())
    # ways[j, s]: subsets of j of the values seen so far with doubled-rank sum s (floats:
    # C(M, k) overflows int64 for large M, and the ratio below needs no more than float)
    ways = np.zeros((k + 1, total + 1))
    ways[0, 0] = 1.0
    for r in r2:
        ways[1:, r:] += ways[:-1, : total + 1 - r].copy()
    dist = ways[k]
    tail = dist[observed:] if alternative == "greater" else dist[: observed + 1]
    return float(min(1.0, tail.sum() / dist.sum()))


@dataclass(frozen=True)
class BrownForsythe:
    """Result of :func:`brown_forsythe`: the statistic, its p-value (equal spread), and each
    group's spread, the mean absolute deviation from its median."""

    statistic: float
    pvalue: float
    spread_a: float
    spread_b: float


def brown_forsythe(a, b) -> BrownForsythe:
    """The Brown-Forsythe test of equal spread of two samples (Levene's test centred on the
    medians, ``scipy.stats.levene(a, b, center="median")``; robust to non-normal data such as
    F1 scores bounded by 1), with each group's spread as the test compares it: the mean
    absolute deviation from the group's median (``spread_a``, ``spread_b``), which tells the
    direction.

    Parameters
    ----------
    a : array, shape (n_a,)
    b : array, shape (n_b,)
        Finite, at least 2 values each.

    >>> r = brown_forsythe([0.0, 1.0, 2.0, 3.0], [1.4, 1.5, 1.5, 1.6])
    >>> r.spread_a > r.spread_b, r.pvalue < 0.05
    (True, True)
    """
    a = finite_vector("a", a, min_len=2)
    b = finite_vector("b", b, min_len=2)
    from scipy import stats  # on first use: import hsr stays light

    res = stats.levene(a, b, center="median")
    return BrownForsythe(
        statistic=float(res.statistic),
        pvalue=float(res.pvalue),
        spread_a=float(np.mean(np.abs(a - np.median(a)))),
        spread_b=float(np.mean(np.abs(b - np.median(b)))),
    )

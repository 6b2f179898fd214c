"""The statistical tests of the experiments: Mann-Whitney U, Spearman's rho, the paired
Wilcoxon signed-rank test (scipy's, with inputs checked first)."""

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

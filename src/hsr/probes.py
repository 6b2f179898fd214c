"""Probes of trained networks: Hessian eigenvectors, loss slices, decision maps, scores, tests.

* :func:`hessian_eigenvector` -- the extreme eigenpair of the exact Hessian, sign-fixed;
* :func:`loss_along_direction` -- ``L(theta + t d/|d|)`` on a line, one batched loss call;
* :func:`decision_grid` -- the class-1 probability on a square grid of the input plane;
* :func:`predict_labels`, :func:`macro_f1`, :func:`macro_f1_on` -- classification scores;
* :func:`mann_whitney`, :func:`spearman` -- the two statistical tests of the experiments.

Everything taking ``theta`` accepts one network ``(n,)`` or a batch ``(B, n)`` unless stated
otherwise; batched results gain a leading ``B`` axis.

>>> import numpy as np
>>> from hsr.model import Net
>>> net = Net(2, 3, "sigmoid"); rng = np.random.default_rng(0)
>>> X, y, th = rng.normal(size=(10, 2)), rng.integers(0, 2, 10), rng.normal(size=13)
>>> lam, v = hessian_eigenvector(net, th, X, y)
>>> bool(np.allclose(hessian(net, th, X, y) @ v, lam * v))
True
>>> macro_f1([0, 0, 1, 1], [0, 1, 1, 1])  # F1 of class 0: 2/3, of class 1: 4/5
0.7333333333333334
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .hessian import hessian
from .model import Net, loss, predict_proba

__all__ = [
    "hessian_eigenvector",
    "loss_along_direction",
    "decision_grid",
    "predict_labels",
    "macro_f1",
    "macro_f1_on",
    "MannWhitney",
    "mann_whitney",
    "spearman",
    "spearman_or_nan",
    "paired_wilcoxon",
    "boundary_length",
]

_EIGEN_WHICH = ("max", "min")


# ----- argument checks ---------------------------------------------------------------------
def _check_net(net: object) -> Net:
    if not isinstance(net, Net):
        raise ValueError(f"net must be an hsr.Net, got {type(net).__name__}")
    return net


def _real_array(name: str, value: object) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of real numbers ({exc})") from None
    return arr


def _finite_1d(name: str, value: object, min_len: int = 1) -> np.ndarray:
    arr = _real_array(name, value)
    if arr.ndim != 1 or arr.shape[0] < min_len:
        raise ValueError(
            f"{name} must be 1-D with at least {min_len} entries, got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf")
    return arr


def _labels(name: str, value: object) -> np.ndarray:
    arr = _real_array(name, value)
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must hold only labels 0 and 1")
    return arr


def _check_data_named(
    net: Net, X: object, y: object, xname: str, yname: str
) -> tuple[np.ndarray, np.ndarray]:
    """``net.check_data`` with its messages naming ``xname`` / ``yname`` instead of X / y."""
    try:
        return net.check_data(X, y)
    except ValueError as exc:
        msg = re.sub(r"\bX\b", xname, re.sub(r"\by\b", yname, str(exc)))
        raise ValueError(msg) from None


# ----- Hessian probes -----------------------------------------------------------------------
def hessian_eigenvector(
    net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, which: str = "max"
) -> tuple[float, np.ndarray]:
    """The largest (or smallest) eigenvalue of the exact Hessian and a unit eigenvector.

    Parameters
    ----------
    net : Net
    theta : ndarray, shape (n,)
        One network (no batch axis).
    X : ndarray, shape (N, d_in)
    y : ndarray, shape (N,)
    which : {"max", "min"}
        Which end of the spectrum.

    Returns
    -------
    eigenvalue : float
    vector : ndarray, shape (n,)
        Unit eigenvector from ``np.linalg.eigh`` of :func:`hsr.hessian`, its sign fixed so
        that its largest-magnitude component (the first one on a tie) is positive. For a
        repeated eigenvalue the vector is one element of the eigenspace, as eigh returns it.
    """
    if not isinstance(which, str) or which not in _EIGEN_WHICH:
        raise ValueError(f"which must be one of {_EIGEN_WHICH}, got {which!r}")
    net = _check_net(net)
    theta = net.check_theta(theta, allow_batch=False)
    X, y = net.check_data(X, y)
    w, V = np.linalg.eigh(hessian(net, theta, X, y))
    k = -1 if which == "max" else 0
    v = V[:, k]
    if v[np.argmax(np.abs(v))] < 0:
        v = -v
    return float(w[k]), v


def loss_along_direction(
    net: Net,
    theta: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    direction: np.ndarray,
    steps: np.ndarray,
) -> np.ndarray:
    """Loss on a line through theta: ``L(theta + t u)`` with ``u = direction / |direction|``.

    Parameters
    ----------
    net : Net
    theta : ndarray, shape (n,)
        One network (no batch axis).
    X : ndarray, shape (N, d_in)
    y : ndarray, shape (N,)
    direction : ndarray, shape (n,)
        Non-zero, finite; normalised to unit Euclidean length, so ``t`` is a distance.
    steps : ndarray, shape (T,)
        The values of t, e.g. ``np.linspace(-1, 1, 101)``; finite, T >= 1.

    Returns
    -------
    ndarray, shape (T,)
        All T losses from one batched :func:`hsr.loss` call on a ``(T, n)`` array.
    """
    net = _check_net(net)
    theta = net.check_theta(theta, allow_batch=False)
    X, y = net.check_data(X, y)
    n = net.n_params
    d = _real_array("direction", direction)
    if d.shape != (n,):
        raise ValueError(f"direction must have shape ({n},) like theta, got {d.shape}")
    if not np.all(np.isfinite(d)):
        raise ValueError("direction contains NaN or inf")
    norm = np.linalg.norm(d)
    if norm == 0.0:
        raise ValueError("direction must be non-zero")
    t = _finite_1d("steps", steps)
    thetas = theta[None, :] + t[:, None] * (d / norm)[None, :]
    return np.asarray(loss(net, thetas, X, y))


# ----- decision maps and scores ------------------------------------------------------------
def decision_grid(
    net: Net, theta: np.ndarray, lim: tuple[float, float] = (-6.0, 6.0), resolution: int = 200
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Class-1 probability on a square grid ``[lim0, lim1]^2`` of the input plane.

    Parameters
    ----------
    net : Net
        Must have ``d_in == 2``.
    theta : ndarray, shape (n,) or (B, n)
    lim : pair of float
        Grid bounds ``lim0 < lim1``, the same on both axes.
    resolution : int
        Points per axis R (>= 2).

    Returns
    -------
    xx, yy : ndarray, shape (R, R)
        ``np.meshgrid(g, g)`` with ``g = np.linspace(lim0, lim1, R)``: ``xx[i, j] = g[j]``
        (x1) and ``yy[i, j] = g[i]`` (x2), ready for ``contourf(xx, yy, prob)``.
    prob : ndarray, shape (R, R) or (B, R, R)
        :func:`hsr.predict_proba` at ``(xx[i, j], yy[i, j])``.
    """
    net = _check_net(net)
    if net.d_in != 2:
        raise ValueError(f"net must have d_in == 2 for a decision grid, got {net!r}")
    theta = net.check_theta(theta)
    bounds = _real_array("lim", lim)
    if bounds.shape != (2,) or not np.all(np.isfinite(bounds)) or not bounds[0] < bounds[1]:
        raise ValueError(f"lim must be two finite reals lim0 < lim1, got {lim!r}")
    if (
        isinstance(resolution, bool)
        or not isinstance(resolution, numbers.Integral)
        or resolution < 2
    ):
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    R = int(resolution)
    g = np.linspace(bounds[0], bounds[1], R)
    xx, yy = np.meshgrid(g, g)
    p = predict_proba(net, theta, np.column_stack([xx.ravel(), yy.ravel()]))
    return xx, yy, p.reshape(*p.shape[:-1], R, R)


def predict_labels(net: Net, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Predicted classes ``(predict_proba >= 0.5)`` as floats 0.0 / 1.0: ``(N,)`` or ``(B, N)``.

    >>> import numpy as np
    >>> from hsr.model import Net
    >>> predict_labels(Net(1, 1, "linear"), np.array([0.0, 1.0, 0.0, 2.0]), [[-1.0], [0.0]])
    array([0., 1.])
    """
    net = _check_net(net)
    return (predict_proba(net, theta, X) >= 0.5).astype(float)


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float | np.ndarray:
    """Macro-averaged F1: the mean of the F1 scores of class 0 and class 1.

    For class c, ``F1_c = 2 TP / (2 TP + FP + FN)``. A class with true samples but no
    correct prediction scores 0 (in particular one that is never predicted), as does a class
    predicted but absent from ``y_true``. A class with neither true nor predicted samples
    (0/0) scores 1 by definition here: nothing was missed and nothing was misassigned. Both
    classes always enter the average, whether or not they occur.

    Parameters
    ----------
    y_true : array, shape (N,)
        Labels 0 / 1, N >= 1.
    y_pred : array, shape (N,) or (B, N)
        Predicted labels 0 / 1, one row per network.

    Returns
    -------
    float, or ndarray of shape (B,) for a 2-D ``y_pred``.

    >>> macro_f1([1, 1, 1], [1, 1, 1])  # class 0 absent and never predicted: F1_0 = 1
    1.0
    >>> macro_f1([0, 1], [[0, 1], [1, 0], [1, 1]])
    array([1.        , 0.        , 0.33333333])
    """
    t = _labels("y_true", y_true)
    if t.ndim != 1 or t.shape[0] == 0:
        raise ValueError(f"y_true must be 1-D and non-empty, got shape {t.shape}")
    p = _labels("y_pred", y_pred)
    if p.ndim not in (1, 2) or p.shape[-1] != t.shape[0] or (p.ndim == 2 and p.shape[0] == 0):
        raise ValueError(
            f"y_pred must have shape ({t.shape[0]},) or (B, {t.shape[0]}), got {p.shape}"
        )
    t1, p1 = t == 1, p == 1
    f1 = []
    for tc, pc in ((~t1, ~p1), (t1, p1)):
        tp = np.sum(tc & pc, axis=-1)
        fp = np.sum(~tc & pc, axis=-1)
        fn = np.sum(tc & ~pc, axis=-1)
        den = 2 * tp + fp + fn
        f1.append(np.where(den == 0, 1.0, 2 * tp / np.maximum(den, 1)))
    out = 0.5 * (f1[0] + f1[1])
    return float(out) if p.ndim == 1 else out


def macro_f1_on(
    net: Net, theta: np.ndarray, X_test: np.ndarray, y_test: np.ndarray
) -> float | np.ndarray:
    """Macro-F1 (:func:`macro_f1`) of the networks' predictions on a test set.

    Parameters
    ----------
    net : Net
    theta : ndarray, shape (n,) or (B, n)
    X_test : ndarray, shape (N, d_in)
    y_test : ndarray, shape (N,)
        Labels 0 / 1.

    Returns
    -------
    float, or ndarray of shape (B,) for a batch of networks.
    """
    net = _check_net(net)
    theta = net.check_theta(theta)
    X_test, y_test = _check_data_named(net, X_test, y_test, "X_test", "y_test")
    return macro_f1(y_test, predict_labels(net, theta, X_test))


# ----- statistics ------------------------------------------------------------------------------
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
    a = _finite_1d("a", a)
    b = _finite_1d("b", b)
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
    x = _finite_1d("x", x, min_len=3)
    y = _finite_1d("y", y, min_len=3)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.shape[0]} and {y.shape[0]}")
    for name, arr in (("x", x), ("y", y)):
        if np.all(arr == arr[0]):
            raise ValueError(f"{name} is constant: Spearman's rho is undefined")
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
    a, b = _real_array("a", a).ravel(), _real_array("b", b).ravel()
    if a.shape != b.shape:
        raise ValueError(f"a and b must be paired (same length), got {a.size} and {b.size}")
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    if np.count_nonzero(a - b) < 2:
        return float("nan"), int(a.size), f" (too few differing pairs, {a.size}, for the test)"
    return float(stats.wilcoxon(a, b, alternative=alternative).pvalue), int(a.size), ""


def boundary_length(prob: np.ndarray, xx: np.ndarray, yy: np.ndarray) -> float:
    """Length of the p = 0.5 contour of a probability grid (from :func:`decision_grid`)
    inside its square; 0 when the boundary does not cross it. A simple boundary is short.

    >>> g = np.linspace(-1, 1, 21); xx, yy = np.meshgrid(g, g)
    >>> round(boundary_length(1 / (1 + np.exp(-xx)), xx, yy), 6)  # the line x1 = 0
    2.0
    """
    import contourpy

    prob, xx, yy = (np.asarray(a, dtype=float) for a in (prob, xx, yy))
    if prob.ndim != 2 or prob.shape != xx.shape or prob.shape != yy.shape:
        raise ValueError(
            f"prob, xx, yy must be 2-D grids of one shape, got {prob.shape}, {xx.shape}, {yy.shape}"
        )
    lines = contourpy.contour_generator(xx, yy, prob).lines(0.5)
    return float(sum(np.linalg.norm(np.diff(seg, axis=0), axis=1).sum() for seg in lines))

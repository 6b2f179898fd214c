"""Probes of trained networks: Hessian eigenvectors, loss slices, decision maps, scores, tests.

* :func:`hessian_eigenvector` -- the extreme eigenpair of the exact Hessian, sign-fixed;
* :func:`loss_along_direction` -- ``L(theta + t d/|d|)`` on a line, one batched loss call;
* :func:`decision_grid` -- the class-1 probability on a square grid of the input plane;
* :func:`boundary_length` -- the length of its p = 0.5 contour;
  :func:`boundary_lengths` -- that length at many points (WS Figs. 3 and 4, HSR Fig. 15).

Scores are in :mod:`hsr.experiments.metrics`, statistical tests in :mod:`hsr.experiments.stats`.

Everything taking ``theta`` accepts one network ``(n,)`` or a batch ``(B, n)`` unless stated
otherwise; batched results gain a leading ``B`` axis.

>>> import numpy as np
>>> from hsr import Net
>>> net = Net(2, 3, "sigmoid"); rng = np.random.default_rng(0)
>>> X, y, th = rng.normal(size=(10, 2)), rng.integers(0, 2, 10), rng.normal(size=13)
>>> lam, v = hessian_eigenvector(net, th, X, y)
>>> bool(np.allclose(hessian(net, th, X, y) @ v, lam * v))
True
"""

from __future__ import annotations

import numbers
import re

import numpy as np

from ..core._checks import finite_vector, network, real_array
from ..core.hessian import hessian
from ..core.model import Net, loss, predict_proba

__all__ = [
    "hessian_eigenvector",
    "loss_along_direction",
    "decision_grid",
    "boundary_length",
    "boundary_lengths",
    "check_net",
    "check_data_named",
    "loss_along_eigenvector",
    "loss_rise_along_top_eigenvector",
]

_EIGEN_WHICH = ("max", "min")


# ----- argument checks shared by the probes and the metrics ----------------------------------
def check_net(net: object) -> Net:
    """``net`` if it is an :class:`hsr.Net` (:func:`hsr.core._checks.network`)."""
    return network("net", net)


def check_data_named(
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
    net = check_net(net)
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
    net = check_net(net)
    theta = net.check_theta(theta, allow_batch=False)
    X, y = net.check_data(X, y)
    n = net.n_params
    d = real_array("direction", direction)
    if d.shape != (n,):
        raise ValueError(f"direction must have shape ({n},) like theta, got {d.shape}")
    if not np.all(np.isfinite(d)):
        raise ValueError("direction contains NaN or inf")
    norm = np.linalg.norm(d)
    if norm == 0.0:
        raise ValueError("direction must be non-zero")
    t = finite_vector("steps", steps, min_len=1)
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
    net = check_net(net)
    if net.d_in != 2:
        raise ValueError(f"net must have d_in == 2 for a decision grid, got {net!r}")
    theta = net.check_theta(theta)
    bounds = real_array("lim", lim)
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


def boundary_lengths(
    net: Net, points: np.ndarray, lim: tuple[float, float] = (-6.0, 6.0), resolution: int = 200
) -> np.ndarray:
    """The length of the p = 0.5 decision boundary inside the square ``[lim0, lim1]^2`` at each
    point (:func:`decision_grid`, then :func:`boundary_length`): how distorted the boundary is
    (WS Figs. 3 and 4, HSR Fig. 15). A straight line across the square is at most
    ``sqrt(2) (lim1 - lim0)`` long; bends and extra pieces add length; 0 where the boundary
    does not cross the square.

    Parameters
    ----------
    net : Net
        Must have ``d_in == 2``.
    points : ndarray, shape (M, n)
        M may be 0; a row that is not finite (a diverged run) gives NaN.
    lim, resolution
        As :func:`decision_grid`.

    Returns
    -------
    ndarray, shape (M,)
    """
    net = check_net(net)
    pts = real_array("points", points)
    if pts.ndim != 2 or pts.shape[1] != net.n_params:
        raise ValueError(f"points must have shape (M, {net.n_params}), got {pts.shape}")
    out = np.full(pts.shape[0], np.nan)
    for i, th in enumerate(pts):
        if np.all(np.isfinite(th)):
            xx, yy, prob = decision_grid(net, th, lim, resolution)
            out[i] = boundary_length(prob, xx, yy)
    return out


# ----- sharpness and shape at many critical points (WS Figs. 3 and 4) -----------------------
def loss_along_eigenvector(
    net: Net, points: np.ndarray, X: np.ndarray, y: np.ndarray, steps, which: str = "max"
) -> np.ndarray:
    """The loss on the line through each point along the unit eigenvector of its largest
    (``which="max"``) or smallest (``"min"``) Hessian eigenvalue (:func:`hessian_eigenvector`,
    sign-fixed): ``L(theta_m + t v_m)`` for every step t (HSR Figs. 11 and 13, WS Figs. 3-4).

    Parameters
    ----------
    net : Net
    points : ndarray, shape (M, n)
        M may be 0; a row that is not finite (a diverged run) gives a row of NaN.
    X : ndarray, shape (N, d_in)
    y : ndarray, shape (N,)
    steps : ndarray, shape (T,)
    which : {"max", "min"}

    Returns
    -------
    ndarray, shape (M, T)
    """
    net = check_net(net)
    pts = real_array("points", points)
    if pts.ndim != 2 or pts.shape[1] != net.n_params:
        raise ValueError(f"points must have shape (M, {net.n_params}), got {pts.shape}")
    t = finite_vector("steps", steps, min_len=1)
    if which not in _EIGEN_WHICH:
        raise ValueError(f"which must be one of {_EIGEN_WHICH}, got {which!r}")
    out = np.full((pts.shape[0], t.size), np.nan)
    for i, th in enumerate(pts):
        if np.all(np.isfinite(th)):
            _, v = hessian_eigenvector(net, th, X, y, which)
            out[i] = loss_along_direction(net, th, X, y, v, t)
    return out


def loss_rise_along_top_eigenvector(
    net: Net, points: np.ndarray, X: np.ndarray, y: np.ndarray, step, side: str = "mean"
) -> np.ndarray:
    """How much the loss rises along the top Hessian eigenvector at each point, at one step
    or at several: with ``v`` the unit eigenvector of lambda_max (:func:`hessian_eigenvector`,
    computed once per point) and ``t`` a step,
    ``side="mean"``: ``DeltaL(t) = [L(theta + t v) + L(theta - t v)] / 2 - L(theta)`` (the
    symmetric rise, ``t^2 lambda_max / 2 + O(t^4)``; WS Figs. 3-4), ``side="max"``:
    ``max(L(theta + t v), L(theta - t v)) - L(theta)`` (the higher end; HSR Fig. 11).
    Small ``t`` measures the quadratic term of the Taylor expansion, the WS paper's
    definition of sharpness (its Section IV-A); a large ``t`` the shape of the slice the
    figures plot (Goodfellow et al.).

    Parameters
    ----------
    net : Net
    points : ndarray, shape (M, n)
        The critical points (M may be 0).
    X : ndarray, shape (N, d_in)
    y : ndarray, shape (N,)
    step : float or sequence of S floats
        t > 0.
    side : {"mean", "max"}

    Returns
    -------
    ndarray, shape (M,) for one step, (M, S) for a sequence of steps
    """
    net = check_net(net)
    pts = real_array("points", points)
    if pts.ndim != 2 or pts.shape[1] != net.n_params:
        raise ValueError(f"points must have shape (M, {net.n_params}), got {pts.shape}")
    single = np.ndim(step) == 0
    steps = [step] if single else list(np.asarray(step, dtype=object).ravel())
    if not steps:
        raise ValueError("step must be a positive number or a non-empty sequence of them")
    for t in steps:
        if isinstance(t, bool) or not (isinstance(t, numbers.Real) and np.isfinite(t) and t > 0):
            raise ValueError(f"step must be a positive number (or a sequence of them), got {t!r}")
    if side not in ("mean", "max"):
        raise ValueError(f"side must be 'mean' or 'max', got {side!r}")
    ts = np.asarray(steps, dtype=float)
    S = ts.size
    # one batched loss call per point: the steps -t, 0, +t along its top eigenvector
    L = loss_along_eigenvector(net, pts, X, y, np.concatenate([-ts, [0.0], ts]))
    lo, mid, hi = L[:, :S], L[:, S : S + 1], L[:, S + 1 :]
    rise = 0.5 * (lo + hi) - mid if side == "mean" else np.maximum(lo, hi) - mid
    return rise[:, 0] if single else rise
